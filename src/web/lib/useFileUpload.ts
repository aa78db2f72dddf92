import { type ChangeEvent, useState } from 'react';

/**
 * A file input's `onChange` that sends the chosen file with `send` (the input is cleared, so the same file can be
 * chosen again), keeping the answer, the error and whether it is on its way.
 */
export function useFileUpload<R>(send: (file: File) => Promise<R>, onDone?: () => void) {
  const [result, setResult] = useState<R | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  async function choose(e: ChangeEvent<HTMLInputElement>) {
    const file = e.target.files?.[0];
    e.target.value = '';
    if (!file) return;
    setBusy(true);
    setError(null);
    setResult(null);
    try {
      setResult(await send(file));
      onDone?.();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return { result, clear: () => setResult(null), error, busy, choose };
}
