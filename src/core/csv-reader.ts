import { setImmediate as nextTurn } from 'node:timers/promises';
import { AppError } from './errors.ts';
import type { RawRow } from './xlsx-reader.ts';

/**
 * CSV (RFC 4180: `"` quotes a field, `""` is a quote inside it, CRLF, LF or CR ends a record) read in batches of
 * records with a turn of the event loop between them, within bounds on columns and characters per record.
 *
 * Written by hand because csv-parse, the library used before, builds an Error (stack trace, JSON copy of the record)
 * for every record whose cell count differs from the header's even when told to accept it: a 20 MB upload of short
 * blank lines then costs minutes of CPU in one synchronous call. Malformed quoting is refused as csv-parse did.
 */
export type CsvLimits = { maxColumns: number; maxLineChars: number };

/** Characters or records read between two turns of the event loop (a few milliseconds of work at most). */
const SLICE = 256 * 1024;
const BATCH = 1024;
const QUOTE = 34;
const COMMA = 44;
const CR = 13;
const LF = 10;

export async function* readCsvRows(buf: Buffer, limits: CsvLimits): AsyncGenerator<RawRow[]> {
  const fail = (row: number, message: string) =>
    new AppError('VALIDATION', `Not a readable CSV file: row ${row}: ${message}`, { row });
  const tooLong = (row: number, message: string) => new AppError('VALIDATION', `Row ${row}: ${message}`, { row });
  let text = buf.toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const end = text.length;
  let i = 0;
  let row = 0;
  let batch: RawRow[] = [];
  let pause = SLICE;
  while (i < end) {
    if (i >= pause || batch.length >= BATCH) {
      if (batch.length) yield batch;
      batch = [];
      pause = i + SLICE;
      await nextTurn();
    }
    row++;
    const first = text.charCodeAt(i);
    if ((first === LF || first === CR) && row > 1) {
      // An empty line is a row of one empty cell, which the reader skips anyway: only its number counts.
      i += first === CR && text.charCodeAt(i + 1) === LF ? 2 : 1;
      continue;
    }
    const cells: string[] = [];
    let chars = 0;
    for (;;) {
      let value: string;
      if (text.charCodeAt(i) === QUOTE) {
        const parts: string[] = [];
        let from = i + 1;
        for (;;) {
          const q = text.indexOf('"', from);
          if (q < 0) throw fail(row, 'a quoted cell is never closed');
          if (text.charCodeAt(q + 1) === QUOTE) {
            parts.push(text.slice(from, q + 1));
            from = q + 2;
          } else {
            parts.push(text.slice(from, q));
            i = q + 1;
            break;
          }
        }
        value = parts.join('');
        const c = text.charCodeAt(i);
        if (i < end && c !== COMMA && c !== CR && c !== LF)
          throw fail(row, `column ${cells.length + 1} has text after its closing quote`);
      } else {
        const from = i;
        for (; i < end; i++) {
          const c = text.charCodeAt(i);
          if (c === COMMA || c === CR || c === LF) break;
          if (c === QUOTE) throw fail(row, `column ${cells.length + 1} has a quote inside an unquoted cell`);
        }
        value = text.slice(from, i);
      }
      chars += value.length;
      if (chars > limits.maxLineChars)
        throw tooLong(row, `the line is longer than the ${limits.maxLineChars} characters allowed`);
      if (cells.length >= limits.maxColumns)
        throw tooLong(row, `the line has more than the ${limits.maxColumns} columns allowed`);
      cells.push(value);
      const c = text.charCodeAt(i);
      if (c === COMMA && i < end) {
        i++;
        continue;
      }
      if (c === CR) i++;
      if (text.charCodeAt(i) === LF) i++;
      break;
    }
    batch.push({ row, cells });
  }
  if (batch.length) yield batch;
}
