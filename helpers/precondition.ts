// A criterion whose precondition fails is "blocked", not failed: fixtures throw this instead of a plain error.
export class PreconditionError extends Error {
  override name = 'PreconditionError';
}

export const BLOCKED_ERROR_NAME = 'PreconditionError';

const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ETIMEDOUT', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNRESET', 'EAI_AGAIN', 'EPIPE']);

/**
 * Could the dependency not be reached at all? Only then is a criterion that needs it blocked.
 * A dependency that answers and refuses (wrong password, missing database) is a failure: a broken
 * credential is exactly what a gate must report.
 */
export function isUnreachable(error: unknown): boolean {
  const e = error as { code?: unknown; message?: unknown } | undefined;
  if (typeof e?.code === 'string' && UNREACHABLE_CODES.has(e.code)) return true;
  return /timeout|timed out|connection terminated|connection is closed|ECONNREFUSED|EHOSTUNREACH/i.test(String(e?.message ?? ''));
}
