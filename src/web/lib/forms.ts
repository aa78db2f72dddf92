import { zodResolver } from '@hookform/resolvers/zod';
import i18next from 'i18next';
import { type FieldValues, type Path, type UseFormProps, type UseFormReturn, useForm } from 'react-hook-form';
import type { z } from 'zod';
import { ApiError } from '../api/errors.ts';
import { localParams } from './format.ts';

/**
 * A react-hook-form form validated by a Zod schema, the same schema the server validates the request with (imported
 * from the module's `*.input.ts`), so the browser refuses what the server would refuse, with the same rule.
 */
export function useZodForm<S extends z.ZodType<FieldValues, FieldValues>>(
  schema: S,
  options: Omit<UseFormProps<z.input<S>, unknown, z.output<S>>, 'resolver'> = {},
): UseFormReturn<z.input<S>, unknown, z.output<S>> {
  return useForm<z.input<S>, unknown, z.output<S>>({ ...options, resolver: zodResolver(schema as never) as never });
}

type Detail = { path?: string | (string | number)[]; field?: string; fields?: unknown; message?: string };

/** A message key (`errors.<key>`) in the reader's language with its values; any other text as it is. */
const inWords = (message: string, params: Record<string, string | number> | undefined) =>
  i18next.exists(`errors.${message}`) ? i18next.t(`errors.${message}`, localParams(params, i18next.language)) : message;

/**
 * Puts a refused request's errors on the form fields they name, in the reader's language: each VALIDATION issue on
 * its field (the validator names it `/name`, `/body/name` or `body.name`), and a refusal naming `field` or `fields`
 * (a username already taken, a date before another) with the server's message key and values. Returns false when
 * no field of this form was named: the caller then shows the error whole (<ErrorMessage>).
 */
export function applyServerErrors<T extends FieldValues>(
  // biome-ignore lint/suspicious/noExplicitAny: any form, whatever its schema turns the values into on submit.
  form: UseFormReturn<T, unknown, any>,
  error: unknown,
): boolean {
  if (!(error instanceof ApiError) || (error.code !== 'VALIDATION' && error.code !== 'CONFLICT')) return false;
  const fields = new Set(Object.keys(form.getValues()));
  const details = (Array.isArray(error.details) ? error.details : error.details ? [error.details] : []) as Detail[];
  let placed = false;
  for (const d of details) {
    const raw = d.field ?? (Array.isArray(d.path) ? d.path.join('.') : d.path);
    const names = Array.isArray(d.fields) ? d.fields.map(String) : raw ? [raw] : [];
    for (const path of names) {
      const name = path
        .replace(/^\/?body(?=[./]|$)/, '')
        .replace(/^[./]+/, '')
        .replace(/\//g, '.');
      if (!fields.has(name.split('.')[0] ?? '')) continue;
      // A refusal's own key says more than the validator's generic issue text.
      const message = error.key ?? d.message ?? error.message;
      form.setError(name as Path<T>, { type: 'server', message: inWords(message, error.params) });
      placed = true;
    }
  }
  return placed;
}
