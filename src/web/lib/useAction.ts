import { useState } from 'react';

/**
 * For a button or form that calls the server: `run(action)` marks it busy and clears the last error, then keeps the
 * error the action throws; busy ends either way.
 */
export function useAction() {
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  async function run(action: () => Promise<void>) {
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return { error, busy, run };
}
