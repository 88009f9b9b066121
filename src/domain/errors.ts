// Every failure a user can meet is a ReissueError: what happened (message), what to do next
// (hint), a stable code (API problem details, tests) and a kind that fixes the exit code.

export type ErrorKind = 'usage' | 'input' | 'card' | 'portal' | 'unexpected';

export const EXIT_CODES: Record<ErrorKind, number> = {
  unexpected: 1,
  usage: 2,
  input: 3,
  card: 4,
  portal: 5,
};

export class ReissueError extends Error {
  override name = 'ReissueError';
  constructor(
    readonly kind: ErrorKind,
    readonly code: string,
    message: string,
    readonly hint?: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
  get exitCode(): number {
    return EXIT_CODES[this.kind];
  }
}

export const usageError = (code: string, message: string, hint?: string, details?: Record<string, unknown>) =>
  new ReissueError('usage', code, message, hint, details);
export const inputError = (code: string, message: string, hint?: string, details?: Record<string, unknown>) =>
  new ReissueError('input', code, message, hint, details);
export const cardError = (code: string, message: string, hint?: string, details?: Record<string, unknown>) =>
  new ReissueError('card', code, message, hint, details);
export const portalError = (code: string, message: string, hint?: string, details?: Record<string, unknown>) =>
  new ReissueError('portal', code, message, hint, details);

export function isReissueError(e: unknown): e is ReissueError {
  return e instanceof ReissueError;
}
