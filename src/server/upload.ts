import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { FastifyInstance } from 'fastify';
import { AppError } from '../core/errors.ts';

const STREAMED_TYPES = [
  'application/octet-stream',
  'text/csv',
  'text/plain',
  'application/xml',
  'text/xml',
  'application/gzip',
];

/**
 * Registers routes that receive large files (scan reports, logs: hundreds of MB) as the raw request body. Inside an
 * encapsulated context the body stays a stream; `spool` writes it to a temporary file (deleted afterwards) so the
 * importers can read it twice (hash, then parse) in bounded memory.
 */
export function registerStreamingUploads(app: FastifyInstance, register: (scoped: FastifyInstance) => void) {
  app.register(async (scoped) => {
    scoped.removeContentTypeParser(['application/octet-stream', 'text/csv']);
    scoped.addContentTypeParser(STREAMED_TYPES, (_req, payload, done) => done(null, payload));
    register(scoped);
  });
}

export async function spool<T>(body: unknown, use: (path: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'khien-upload-'));
  try {
    const path = join(dir, 'body');
    try {
      await pipeline(body as NodeJS.ReadableStream, createWriteStream(path));
    } catch (e) {
      throw new AppError('VALIDATION', `Upload failed: ${(e as Error).message}`);
    }
    return await use(path);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
