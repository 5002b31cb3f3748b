/** Stable error codes: scripts and logs rely on them, so only add to this union. */
export type ErrorCode =
  | 'config_invalid'
  | 'roster_invalid'
  | 'template_invalid'
  | 'payload_invalid'
  | 'gitlab_unavailable'
  | 'gitlab_rate_limited'
  | 'gitlab_not_found'
  | 'gitlab_forbidden'
  | 'gitlab_unauthorized'
  | 'gitlab_rejected'
  | 'gitlab_ambiguous_write'
  | 'redis_unavailable'
  | 'lock_timeout'
  | 'not_allowed';

/** An error Trellis understands: a stable `code`, a message for people, optional details for logs. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details: Readonly<Record<string, unknown>>;

  constructor(code: ErrorCode, message: string, details: Record<string, unknown> = {}, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
    this.details = details;
  }
}

/** Worth retrying later: GitLab 429/5xx, timeouts, Redis blips. `retryAfterMs` when the server said so. */
export class TransientError extends AppError {
  readonly retryAfterMs: number | undefined;

  constructor(code: ErrorCode, message: string, details: Record<string, unknown> & { retryAfterMs?: number } = {}, options?: ErrorOptions) {
    super(code, message, details, options);
    this.retryAfterMs = details.retryAfterMs;
  }
}

/** Retrying cannot help (validation, 4xx other than 429): the job fails at once. */
export class PermanentError extends AppError {}

/** True for errors a job should retry. */
export function isTransient(err: unknown): err is TransientError {
  return err instanceof TransientError;
}
