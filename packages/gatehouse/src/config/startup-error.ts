/**
 * A reason the server cannot start (or a command cannot run) that the operator can fix: the message
 * is one line naming the cause and the fix, printed without a stack trace, and the exit code is 1.
 */
export class StartupError extends Error {
  override readonly name = 'StartupError';
}
