// The gate contract's exit codes (DESIGN.md).
export const EXIT = {
  /** every selected criterion passed N/N */
  pass: 0,
  /** some criterion flaky, broken or blocked */
  fail: 1,
  /** usage or profile error */
  usage: 2,
  /** aborted by a signal or the run timeout; partial reports are written */
  aborted: 3,
} as const;

/** A mistake in what the user asked for: printed as one line, exit 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}
