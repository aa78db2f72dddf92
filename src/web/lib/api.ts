/** Error codes the server sends (src/core/errors.ts), plus NETWORK when no answer arrived at all. */
export type ErrorCode =
  | 'VALIDATION'
  | 'UNAUTHENTICATED'
  | 'TOTP_REQUIRED'
  | 'CSRF'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'ACCOUNT_LOCKED'
  | 'RATE_LIMITED'
  | 'INTERNAL'
  | 'NETWORK';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
    readonly requestId?: string,
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

type Body = object | Blob | undefined;

export async function api<T>(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, body?: Body) {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  let payload: BodyInit | undefined;
  if (body instanceof Blob) {
    headers['content-type'] = 'application/octet-stream';
    payload = body;
  } else if (body !== undefined) {
    headers['content-type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  let res: Response;
  try {
    res = await fetch(path, { method, headers, body: payload, credentials: 'same-origin' });
  } catch (e) {
    throw new ApiError(0, 'NETWORK', (e as Error).message);
  }
  const text = await res.text();
  const data = text ? safeJson(text) : undefined;
  if (res.ok) return data as T;
  const err = (data as { error?: { code?: string; message?: string; details?: unknown; requestId?: string } })?.error;
  const code = (err?.code ?? (res.status >= 500 ? 'INTERNAL' : 'VALIDATION')) as ErrorCode;
  const error = new ApiError(res.status, code, err?.message ?? res.statusText, err?.details, err?.requestId);
  // Only a session we had can be lost: a failed sign-in or the first "am I signed in?" also answer UNAUTHENTICATED.
  if (code === 'UNAUTHENTICATED' && csrfToken) onSessionLost();
  throw error;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
