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
  return answer<T>(res.status, res.ok, res.statusText, await res.text());
}

/** The parsed body of a success, or the server's error envelope as an ApiError (shared by fetch and XHR). */
function answer<T>(status: number, ok: boolean, statusText: string, text: string): T {
  const data = text ? safeJson(text) : undefined;
  if (ok) return data as T;
  const err = (data as { error?: { code?: string; message?: string; details?: unknown; requestId?: string } })?.error;
  const code = (err?.code ?? (status >= 500 ? 'INTERNAL' : 'VALIDATION')) as ErrorCode;
  const error = new ApiError(status, code, err?.message ?? statusText, err?.details, err?.requestId);
  // Only a session we had can be lost: a failed sign-in or the first "am I signed in?" also answer UNAUTHENTICATED.
  if (code === 'UNAUTHENTICATED' && csrfToken) onSessionLost();
  throw error;
}

/**
 * POSTs a file as the raw body. XMLHttpRequest rather than fetch because only it reports upload progress, which a
 * scanner report of hundreds of MB needs. `onUploaded` fires once the last byte is sent (the server then works).
 */
export function uploadFile<T>(
  path: string,
  file: Blob,
  { onProgress, onUploaded }: { onProgress?: (fraction: number) => void; onUploaded?: () => void } = {},
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', path);
    xhr.setRequestHeader('accept', 'application/json');
    xhr.setRequestHeader('content-type', 'application/octet-stream');
    if (csrfToken) xhr.setRequestHeader('x-csrf-token', csrfToken);
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) onProgress?.(e.loaded / e.total);
    };
    xhr.upload.onload = () => onUploaded?.();
    xhr.onload = () => {
      try {
        resolve(answer<T>(xhr.status, xhr.status >= 200 && xhr.status < 300, xhr.statusText, xhr.responseText));
      } catch (e) {
        reject(e);
      }
    };
    xhr.onerror = () => reject(new ApiError(0, 'NETWORK', 'upload failed'));
    xhr.send(file);
  });
}

/** `?a=1&b=2` from the defined, non-empty values (filters the user left blank are not sent). */
export function query(params: Record<string, string | number | boolean | null | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params))
    if (v !== undefined && v !== null && v !== '' && v !== false) q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
