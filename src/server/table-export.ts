import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { zFile } from '../core/contract.ts';
import { fromRoot } from '../core/paths.ts';
import {
  type Column,
  exportRows,
  type Listed,
  MAX_EXPORT_ROWS,
  type TableFormat,
  writeTable,
} from '../core/tabular.ts';
import { provinceDay } from '../core/time.ts';
import type { Permission } from '../modules/auth/index.ts';
import { sendDownload } from './download.ts';

/**
 * A list's "Xuất Excel": the rows its own query matches (the same filters and order, no paging) as XLSX or CSV.
 * Each list gives only its columns and its list function; the bound, the file and its name are decided here once.
 */

export const TABLE_MIME = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  /** The same rows as JSON objects, where a list offers it (systems). */
  json: 'application/json; charset=utf-8',
} as const;

const ZExportFormat = z.enum(['xlsx', 'csv']).default('xlsx').describe('xlsx (default) or csv (UTF-8 with BOM)');

/**
 * A list's query for its export: the same filters and sort, without `limit`/`offset`, plus `format`; the list's
 * refinements (a period running forwards…) kept — zod's `omit` refuses a refined object, so its shape is copied.
 */
export function exportQuery<S extends z.ZodRawShape>(list: z.ZodObject<S>) {
  const { limit: _limit, offset: _offset, ...rest } = list.shape;
  const query = z.object({ ...(rest as Omit<S, 'limit' | 'offset'>), format: ZExportFormat });
  // The list's checks read the list's own fields, which the export's query has too.
  const checks = (list._zod.def.checks ?? []) as z.core.$ZodCheck<z.output<typeof query>>[];
  return checks.length ? query.check(...checks) : query;
}

type Strings = { [key: string]: string | Strings };
let viStrings: Strings | undefined;

/**
 * The web UI's Vietnamese name of a value (`uiLabel('vuln.severity')('critical')` → "Nghiêm trọng"), so an export
 * says what the list on screen says; the value itself when the UI has no name for it. The strings are the UI's own
 * files (src/web/i18n/**\/vi.json), read once.
 */
export function uiLabel(group: string): (value: string | null | undefined) => string | null {
  if (!viStrings) {
    const dir = fromRoot('src/web/i18n');
    const merge = (into: Strings, from: Strings) => {
      for (const [k, v] of Object.entries(from))
        into[k] = typeof v === 'object' && typeof into[k] === 'object' ? merge({ ...into[k] }, v) : v;
      return into;
    };
    viStrings = readdirSync(dir, { recursive: true, encoding: 'utf8' })
      .filter((f) => f === 'vi.json' || f.endsWith('/vi.json'))
      .reduce<Strings>((all, f) => merge(all, JSON.parse(readFileSync(join(dir, f), 'utf8')) as Strings), {});
  }
  const at = (from: Strings | string | undefined, path: string[]) =>
    path.reduce<Strings | string | undefined>((node, k) => (typeof node === 'object' ? node[k] : undefined), from);
  const names = at(viStrings, group.split('.'));
  return (value) => {
    if (value === null || value === undefined) return null;
    // A dotted value (an audit action, `organisation.create`) is a flat key or a nested path, as i18next reads it.
    const name = typeof names === 'object' ? (names[value] ?? at(names, value.split('.'))) : undefined;
    return typeof name === 'string' ? name : value;
  };
}

/** Answers a table file as an attachment named `<stem>-<today in the province>.<format>`. */
export function sendTable(reply: FastifyReply, format: keyof typeof TABLE_MIME, stem: string, content: Buffer) {
  return sendDownload(reply, {
    fileName: `${stem}-${provinceDay()}.${format}`,
    mediaType: TABLE_MIME[format],
    sha256: createHash('sha256').update(content).digest('hex'),
    content,
  });
}

/** The 200 response of a table export in the API description. */
export const tableFileResponse = (description: string) => ({
  description,
  content: { 'text/csv': { schema: zFile }, [TABLE_MIME.xlsx]: { schema: zFile } },
});

/**
 * Registers `GET <path>` answering a list as a file: `query` is the list's own zod query (its filters and sort; its
 * paging is dropped), `list` the list's own function (scope applied in its SQL), `columns` the Vietnamese headers and
 * typed values. Reads, like the list: not audited.
 */
export function registerTableExport<S extends z.ZodRawShape, T>(
  app: FastifyInstance,
  o: {
    path: string;
    permission: Permission;
    tags: string[];
    /** What the rows are, for the API description ("Scanned computers"). */
    what: string;
    query: z.ZodObject<S>;
    sheet: string;
    /** File name before the day and extension, ASCII (`may-tinh`). */
    fileStem: string;
    columns: Column<T>[];
    list: (req: FastifyRequest, q: z.output<z.ZodObject<S>>) => Promise<Listed<T>>;
    /** Personal data (residents' names and contacts): never kept by a browser's or a proxy's cache. */
    noStore?: boolean;
  },
) {
  const querystring = exportQuery(o.query);
  app.withTypeProvider<ZodTypeProvider>().get(
    o.path,
    {
      config: { permission: o.permission },
      schema: {
        tags: o.tags,
        summary: `${o.what} as XLSX or CSV: the list's filters and order, at most ${MAX_EXPORT_ROWS} rows`,
        querystring,
        response: {
          200: tableFileResponse(`The file (attachment ${o.fileStem}-<yyyy-mm-dd>.xlsx or .csv), Vietnamese headers`),
        },
      },
    },
    async (req, reply) => {
      // The list's own query less its paging, which exportRows puts back.
      const { format, ...filters } = req.query as { format: TableFormat } & Record<string, unknown>;
      const items = await exportRows((q) => o.list(req, q as unknown as z.output<z.ZodObject<S>>), filters);
      if (o.noStore) reply.header('cache-control', 'no-store');
      return sendTable(reply, format, o.fileStem, await writeTable(format, o.sheet, o.columns, items));
    },
  );
}
