import { ApiError, apiErrorFrom, csrfHeader } from '../api/errors.ts';

/** The parsed body of a success, or the server's error envelope as an ApiError. */
function answer<T>(status: number, ok: boolean, statusText: string, text: string): T {
  if (ok) return (text ? safeJson(text) : undefined) as T;
  throw apiErrorFrom(status, statusText, text);
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
    for (const [k, v] of Object.entries(csrfHeader('POST'))) xhr.setRequestHeader(k, v);
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

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
