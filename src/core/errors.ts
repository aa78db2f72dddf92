/**
 * One error type for the whole server. Services throw it; the HTTP error handler maps `code` to a status
 * and the web UI translates `code` through i18n, so server messages can stay English.
 */
export const ERROR_STATUS = {
  VALIDATION: 400,
  UNAUTHENTICATED: 401,
  TOTP_REQUIRED: 401,
  CSRF: 403,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  ACCOUNT_LOCKED: 423,
  RATE_LIMITED: 429,
  INTERNAL: 500,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

/** A message the UI can translate: `errors.<key>` with `params` interpolated. */
export type MessageKey = { key: string; params?: Record<string, string | number> };

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details: unknown;
  readonly key: string | undefined;
  readonly params: Record<string, string | number> | undefined;
  constructor(code: ErrorCode, message: string, details?: unknown, translatable?: MessageKey) {
    super(message);
    this.code = code;
    this.details = details;
    this.key = translatable?.key;
    this.params = translatable?.params;
  }
  get status(): number {
    return ERROR_STATUS[this.code];
  }
}

export const notFound = (what: string) => new AppError('NOT_FOUND', `${what} not found`);
