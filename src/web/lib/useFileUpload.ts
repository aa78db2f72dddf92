import { type ChangeEvent, useState } from 'react';
import { useAction } from './useAction.ts';

/**
 * A file input's `onChange` that sends the chosen file with `send` (the input is cleared, so the same file can be
 * chosen again), keeping the answer, the error and whether it is on its way.
 */
export function useFileUpload<R>(send: (file: File) => Promise<R>, onDone?: () => unknown) {
  const [result, setResult] = useState<R | null>(null);
  const { error, busy, run } = useAction();

  async function choose(e: ChangeEvent<HTMLInputElement>) {
    const file = e.target.files?.[0];
    e.target.value = '';
    if (!file) return;
    setResult(null);
    await run(async () => {
      setResult(await send(file));
      await onDone?.();
    });
  }

  return { result, clear: () => setResult(null), error, busy, choose };
}
