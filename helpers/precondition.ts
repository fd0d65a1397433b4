// A criterion whose precondition fails is "blocked", not failed: fixtures throw this instead of a plain error.
export class PreconditionError extends Error {
  override name = 'PreconditionError';
}

export const BLOCKED_ERROR_NAME = 'PreconditionError';
