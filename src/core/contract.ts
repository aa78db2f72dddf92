import { z } from 'zod';
import { ERROR_STATUS } from './errors.ts';

/**
 * Shapes every route shares. Response schemas are part of the contract: they strip what a route must not send,
 * feed the OpenAPI description and, through it, the web client's generated types (`npm run gen:api`).
 * A schema given an `id` (`.meta({ id })`) becomes a named component the client can import.
 */

/**
 * The error codes a client may receive: the service codes plus the HTTP layer's own (a body over the route's limit,
 * an input past its line or expansion bound, any other malformed request).
 */
export const ERROR_CODES = [
  ...(Object.keys(ERROR_STATUS) as (keyof typeof ERROR_STATUS)[]),
  'PAYLOAD_TOO_LARGE',
  'INPUT_TOO_LARGE',
  'BAD_REQUEST',
] as const;

export const ZErrorBody = z
  .object({
    error: z.object({
      code: z.enum(ERROR_CODES),
      /** English, for logs and API users; the web UI translates `key` (or `code`) instead. */
      message: z.string(),
      /** A message key (`errors.<key>` in the UI's translations) when the code alone says too little. */
      key: z.string().optional(),
      /** Values the translated message interpolates. */
      params: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
      details: z.unknown().optional(),
      requestId: z.string().optional(),
    }),
  })
  .meta({ id: 'ErrorBody' });
export type ErrorBody = z.infer<typeof ZErrorBody>;

export const ZOk = z.object({ ok: z.literal(true) }).meta({ id: 'Ok' });

/** A stored instant: a Date on the server, an ISO 8601 string on the wire. */
export const zInstant = z.date();
/** A day (`YYYY-MM-DD`) of the province's calendar. */
export const zDay = z.iso.date();

/** One page of a list with the total the filters match, for server-side pagination. */
export const page = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item), total: z.number().int() });

/** A file answered as bytes (exports, documents): a Buffer on the server, binary in the API description. */
export const zFile = z.custom<Buffer>((v) => Buffer.isBuffer(v)).meta({ type: 'string', format: 'binary' });

/** A reporting period and the organisation subtree a statement covers (every dashboard's query). */
export const ZPeriodFields = z.object({
  from: z.iso.date().describe('first day, yyyy-mm-dd (Asia/Ho_Chi_Minh)'),
  to: z.iso.date().describe('last day, yyyy-mm-dd (inclusive)'),
  organisationId: z.uuid().optional().describe('limit to this organisation and its descendants (tree as of asOf)'),
  asOf: z.iso
    .date()
    .optional()
    .describe('figures as they stood on this day: the period is cut there and the tree is that day’s (default: to)'),
});

/** The longest period a statement covers (the monthly breakdown has one row per month). */
export const MAX_PERIOD_YEARS = 20;

/** Refinement for every period a client sends: `from` not after `to`, at most MAX_PERIOD_YEARS long. */
export const boundedPeriod: [
  (p: { from?: string; to?: string; asOf?: string }) => boolean,
  { message: string; path: string[] },
] = [
  (p) =>
    (!p.from ||
      !p.to ||
      (p.from <= p.to && Number(p.to.slice(0, 4)) - Number(p.from.slice(0, 4)) < MAX_PERIOD_YEARS)) &&
    (!p.from || !p.asOf || p.from <= p.asOf),
  {
    message: `the period must run forwards, span at most ${MAX_PERIOD_YEARS} years, and not start after asOf`,
    path: ['to'],
  },
];

export const ZPeriod = ZPeriodFields.refine(...boundedPeriod);
export type Period = z.infer<typeof ZPeriod>;

/**
 * The values of a union the code declares only as a type: every member and no other, checked at compile time, so
 * the enum cannot drift from the type.
 */
export const valuesOf =
  <T extends string>() =>
  <const A extends readonly [T, ...T[]]>(values: A & ([T] extends [A[number]] ? unknown : never)): A =>
    values;
