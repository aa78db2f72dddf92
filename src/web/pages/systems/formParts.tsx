import { useState } from 'react';
import type { FieldValues, UseFormReturn } from 'react-hook-form';
import { applyServerErrors } from '../../lib/forms.ts';

// biome-ignore lint/suspicious/noExplicitAny: any form, whatever its submitted (transformed) values.
type AnyForm<T extends FieldValues> = UseFormReturn<T, unknown, any>;

/**
 * A refused request put where it belongs: field errors (a VALIDATION's fields, or a refusal naming `field` or
 * `fields`) on the form's fields, translated with the server's values; anything else kept (`error`) to show whole.
 */
export function useServerErrors<T extends FieldValues>(form: AnyForm<T>) {
  const [error, setError] = useState<unknown>(null);
  const take = (err: unknown) => {
    if (applyServerErrors(form, err)) setError(null);
    else setError(err);
  };
  return { error, take, clear: () => setError(null) };
}
