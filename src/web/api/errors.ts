import type { components } from './schema.gen.ts';

type ErrorBody = components['schemas']['ErrorBody']['error'];
/** Codes the server sends (the ErrorBody contract), plus NETWORK when no answer arrived at all. */
export type ErrorCode = ErrorBody['code'] | 'NETWORK';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
    readonly requestId?: string,
    /** A message key the UI translates (`errors.<key>`), with its values. */
    readonly key?: string,
    readonly params?: Record<string, string | number>,
  ) {
    super(message);
  }
}

// The session cookie is HttpOnly; the CSRF token proves to the server that a state change comes from this page.
let csrfToken: string | null = null;
let onSessionLost: () => void = () => {};

export const setCsrfToken = (token: string | null) => {
  csrfToken = token;
};

/** Called when the server says the session is gone (expired, logged out elsewhere, password changed). */
export const setSessionLostHandler = (handler: () => void) => {
  onSessionLost = handler;
};

export const csrfHeader = (method: string): Record<string, string> =>
  method !== 'GET' && method !== 'HEAD' && csrfToken ? { 'x-csrf-token': csrfToken } : {};

/**
 * The server's error envelope as an ApiError (shared by fetch and XHR). An UNAUTHENTICATED answer ends the session we
 * had; only a session we had can be lost (a failed sign-in or the first "am I signed in?" answer it too).
 */
export function apiErrorFrom(status: number, statusText: string, text: string): ApiError {
  let body: { error?: Partial<ErrorBody> } | undefined;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  const err = body?.error;
  const code = (err?.code ?? (status >= 500 ? 'INTERNAL' : 'VALIDATION')) as ErrorCode;
  if (code === 'UNAUTHENTICATED' && csrfToken) onSessionLost();
  return new ApiError(status, code, err?.message ?? statusText, err?.details, err?.requestId, err?.key, err?.params);
}
