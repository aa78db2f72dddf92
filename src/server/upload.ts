import { createWriteStream } from 'node:fs';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { AppError } from '../core/errors.ts';

const STREAMED_TYPES = [
  'application/octet-stream',
  'text/csv',
  'text/plain',
  'application/xml',
  'text/xml',
  'application/gzip',
];

/** Temporary folders of uploads are named after the process that owns them (see `removeStaleUploads`). */
const UPLOAD_PREFIX = 'khien-upload-';

/** A 413 the error handler passes on as it is (statusCode < 500). */
function tooLarge(limit: number): Error {
  const limitText = limit >= 2 ** 30 ? `${limit / 2 ** 30} GiB` : `${(limit / 2 ** 20).toFixed(1)} MiB`;
  return Object.assign(new Error(`The file is larger than this upload's limit of ${limitText}`), {
    statusCode: 413,
    code: 'PAYLOAD_TOO_LARGE',
  });
}

/** Passes the body on and fails with a 413 past `limit` bytes, leaving the rest of the body unread. */
function byteLimit(limit: number, reply: FastifyReply): Transform {
  let received = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      received += chunk.length;
      if (received <= limit) return callback(null, chunk);
      // The client is still sending: the connection is closed after the answer rather than drained.
      reply.header('connection', 'close');
      callback(tooLarge(limit));
    },
  });
}

/**
 * Registers routes that receive large files (scan reports, logs: hundreds of MB) as the raw request body. Inside an
 * encapsulated context the body stays a stream; `spool` writes it to a temporary file (deleted afterwards) so the
 * importers can read it twice (hash, then parse) in bounded memory. Fastify does not apply `bodyLimit` to a body
 * left as a stream, so it is applied here: a declared Content-Length over it is refused before the body is read,
 * and a chunked body is cut where it passes it.
 */
export function registerStreamingUploads(app: FastifyInstance, register: (scoped: FastifyInstance) => void) {
  app.register(async (scoped) => {
    scoped.removeContentTypeParser(['application/octet-stream', 'text/csv']);
    scoped.addContentTypeParser(STREAMED_TYPES, (_req, payload, done) => done(null, payload));
    scoped.addHook('preParsing', async (req, reply, payload) => {
      const limit = req.routeOptions.bodyLimit;
      if (limit === undefined) return payload;
      if (Number(req.headers['content-length']) > limit) {
        reply.header('connection', 'close');
        throw tooLarge(limit);
      }
      const limited = byteLimit(limit, reply);
      // A client that goes away fails the spool (and removes its file); over the limit, the body is left unread.
      payload.on('error', (error) => limited.destroy(error));
      return payload.pipe(limited);
    });
    register(scoped);
  });
}

/** Writes the request body to a temporary file for `use`, and removes it whatever happens. */
export async function spool<T>(body: unknown, use: (path: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), `${UPLOAD_PREFIX}${process.pid}-`));
  try {
    const path = join(dir, 'body');
    try {
      await pipeline(body as NodeJS.ReadableStream, createWriteStream(path));
    } catch (e) {
      if ((e as { statusCode?: number }).statusCode === 413) throw e;
      throw new AppError('VALIDATION', `Upload failed: ${(e as Error).message}`);
    }
    return await use(path);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Unnamed folders (from before they carried a process id) this old are left over. */
const UNNAMED_STALE_MS = 3600 * 1000;

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it exists, under another user.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes upload folders left by a process that crashed: those of a process no longer running, and this process's
 * own id (a restarted container often gets the same one; at start it has no upload yet). A folder of another
 * running server on the same machine is kept, so two servers can share the temporary directory.
 * Returns the folders removed.
 */
export async function removeStaleUploads(dir = tmpdir()): Promise<string[]> {
  const removed: string[] = [];
  for (const name of await readdir(dir)) {
    if (!name.startsWith(UPLOAD_PREFIX)) continue;
    const path = join(dir, name);
    const pid = /^khien-upload-(\d+)-/.exec(name)?.[1];
    const stale = pid
      ? Number(pid) === process.pid || !processAlive(Number(pid))
      : Date.now() - (await stat(path).catch(() => ({ mtimeMs: Date.now() }))).mtimeMs > UNNAMED_STALE_MS;
    if (!stale) continue;
    await rm(path, { recursive: true, force: true });
    removed.push(path);
  }
  return removed;
}
