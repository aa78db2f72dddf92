// Streaming uploads ignored their route's bodyLimit (Fastify applies it only to bodies it reads itself): a 2.36 GB
// chunked body to the 2 GiB scan route was spooled whole, a declared 3 GiB was not refused, a 220 MiB intel feed was
// read past its 200 MiB. Now a declared length over the limit is refused before the body is read, a chunked body is
// cut at the limit, the temporary file goes on every path, and a crashed run's leftovers go at start.
import { mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Database } from '../../src/core/db/client.ts';
import { zeekConnLine, zeekHeader } from '../../src/modules/soc/generator/writers.ts';
import { registerStreamingUploads, removeStaleUploads, spool } from '../../src/server/upload.ts';
import { type Client, PASSWORD, startApp } from '../support/app.ts';
import { openTestDatabase, TEST_DATABASES } from '../support/db.ts';

const MiB = 1 << 20;

// The log route's analysis, held (when asked) until its signal aborts or 5 s pass, then run: the test sees whether a
// client that goes away aborts it.
const analysis = vi.hoisted(() => ({ hold: false, signals: [] as AbortSignal[] }));
vi.mock('../../src/modules/soc/analyze.ts', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../src/modules/soc/analyze.ts')>();
  const analyzeStreams: typeof original.analyzeStreams = async (inputs, options) => {
    const signal = options?.signal;
    if (analysis.hold && signal) {
      analysis.signals.push(signal);
      await new Promise((resolve) => {
        signal.addEventListener('abort', resolve, { once: true });
        setTimeout(resolve, 5000);
      });
    }
    return original.analyzeStreams(inputs, options);
  };
  return { ...original, analyzeStreams };
});
// The spool's temporary folders go here (os.tmpdir() reads TMPDIR), so the test sees exactly what it left.
const tmp = mkdtempSync(join(tmpdir(), 'khien-hostile-uploads-'));
const realTmp = process.env.TMPDIR;
beforeAll(() => {
  process.env.TMPDIR = tmp;
});
afterAll(() => {
  if (realTmp === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = realTmp;
  rmSync(tmp, { recursive: true, force: true });
});
const spooled = () => readdirSync(tmp).filter((name) => name.startsWith('khien-upload-'));

/** `mib` MiB of feed-like text, one reused buffer (the test itself holds 1 MiB). */
function generated(mib: number): Readable {
  const block = Buffer.from('198.51.100.7\n'.repeat(Math.ceil(MiB / 13)).slice(0, MiB));
  let sent = 0;
  return new Readable({
    read() {
      this.push(sent++ < mib ? block : null);
    },
  });
}

/** Peak rise of RSS and of Buffer memory while `run` runs. */
async function peakMemory<T>(run: () => Promise<T>) {
  const before = process.memoryUsage();
  const peak = { rss: 0, arrayBuffers: 0 };
  const sample = () => {
    const now = process.memoryUsage();
    peak.rss = Math.max(peak.rss, now.rss - before.rss);
    peak.arrayBuffers = Math.max(peak.arrayBuffers, now.arrayBuffers - before.arrayBuffers);
  };
  const timer = setInterval(sample, 5);
  try {
    const result = await run();
    sample();
    return { result, peak };
  } finally {
    clearInterval(timer);
  }
}

/** A small Zeek conn.log; `seed` makes each one different (uploads are recognised by their hash). */
const connLog = (seed: number) =>
  [
    zeekHeader('conn', 1_700_000_000).trimEnd(),
    zeekConnLine(
      {
        ts: 1_700_000_000 + seed,
        src: '10.0.0.1',
        srcPort: 40000 + seed,
        dst: '10.0.1.1',
        dstPort: 22,
        proto: 'tcp',
        state: 'SF',
        origBytes: 1,
        respBytes: 1,
      },
      `C${seed}`,
    ),
  ].join('\n');

type Sent = { status: number; body: string; ms: number };

/** A real HTTP request: `body` chunks written as the server takes them, stopped when it answers. */
function post(port: number, headers: Record<string, string>, chunks: number, abortAfter?: number): Promise<Sent> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    let answered = false;
    const req = httpRequest({ port, host: '127.0.0.1', method: 'POST', path: '/up', headers }, (res) => {
      answered = true;
      let body = '';
      res.on('data', (d: Buffer) => {
        body += d;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, ms: performance.now() - started }));
    });
    req.on('error', (error) => {
      if (!answered && abortAfter === undefined) reject(error);
    });
    req.flushHeaders();
    const piece = Buffer.alloc(64 * 1024, 0x41);
    let written = 0;
    const write = () => {
      while (!answered && written < chunks) {
        if (abortAfter !== undefined && written === abortAfter) {
          req.destroy();
          resolve({ status: 0, body: '', ms: performance.now() - started });
          return;
        }
        written++;
        if (!req.write(piece)) return void req.once('drain', write);
      }
      if (!answered && chunks > 0) req.end();
    };
    write();
  });
}

describe('streaming uploads against their limit (a 1 MiB route)', () => {
  let app: FastifyInstance;
  let port: number;
  let handled = 0;
  beforeAll(async () => {
    app = Fastify();
    registerStreamingUploads(app, (scoped) =>
      scoped.post('/up', { bodyLimit: MiB }, async (req) => {
        handled++;
        return spool(req.body, async (path) => ({ size: (await stat(path)).size }));
      }),
    );
    await app.listen({ port: 0, host: '127.0.0.1' });
    port = (app.server.address() as { port: number }).port;
  });
  afterAll(() => app.close());

  const octets = { 'content-type': 'application/octet-stream' };

  it('refuses a declared Content-Length over the limit at once, reading and spooling nothing', async () => {
    const res = await post(port, { ...octets, 'content-length': String(3 * 1024 ** 3) }, 0);
    expect(res.status).toBe(413);
    expect(JSON.parse(res.body)).toMatchObject({
      code: 'PAYLOAD_TOO_LARGE',
      message: "The file is larger than this upload's limit of 1.0 MiB",
    });
    expect(res.ms).toBeLessThan(1000);
    expect(handled).toBe(0);
    expect(spooled()).toEqual([]);
  });

  it('cuts a chunked body at the limit with 413 and removes its temporary file', async () => {
    const before = handled;
    const res = await post(port, octets, 48); // 3 MiB
    expect(res.status).toBe(413);
    expect(JSON.parse(res.body).code).toBe('PAYLOAD_TOO_LARGE');
    expect(handled).toBe(before + 1);
    expect(spooled()).toEqual([]);
  });

  it('takes a body within the limit, and removes its file afterwards', async () => {
    const res = await post(port, octets, 16); // exactly 1 MiB
    expect(res.status, res.body).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ size: MiB });
    expect(spooled()).toEqual([]);
  });

  it('removes the temporary file of a client that goes away mid-upload', async () => {
    const before = handled;
    await post(port, { ...octets, 'content-length': String(MiB - 1) }, 16, 4);
    const deadline = Date.now() + 3000;
    while ((handled === before || spooled().length) && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 10));
    expect(handled).toBe(before + 1);
    expect(spooled()).toEqual([]);
  });
});

describe('leftovers of a crashed run', () => {
  it('removes folders of processes no longer running and old unnamed ones, keeps a running server’s', async () => {
    const dir = mkdtempSync(join(tmp, 'stale-'));
    // A pid far above any pid_max in use: no such process.
    const dead = `khien-upload-${2 ** 30 + 7}-abc123`;
    const ours = `khien-upload-${process.pid}-def456`;
    const running = `khien-upload-${process.ppid}-ghi789`;
    const oldUnnamed = 'khien-upload-Xy12Zq';
    const newUnnamed = 'khien-upload-Ab34Cd';
    const unrelated = 'something-else';
    for (const name of [dead, ours, running, oldUnnamed, newUnnamed, unrelated]) mkdirSync(join(dir, name));
    const twoHoursAgo = new Date(Date.now() - 2 * 3600 * 1000);
    utimesSync(join(dir, oldUnnamed), twoHoursAgo, twoHoursAgo);
    const removed = await removeStaleUploads(dir);
    expect(removed.map((p) => p.slice(dir.length + 1)).sort()).toEqual([dead, ours, oldUnnamed].sort());
    expect(readdirSync(dir).sort()).toEqual([running, newUnnamed, unrelated].sort());
  });
});

describe.each(TEST_DATABASES)('upload routes on %s', (kind) => {
  let database: Database;
  let t: Awaited<ReturnType<typeof startApp>>;
  let admin: Client;
  beforeAll(async () => {
    database = await openTestDatabase(kind);
    t = await startApp(database);
    admin = await t.userWithRole('upload-admin', 'admin');
  });
  afterAll(async () => {
    await t.app.close();
    await database.close();
  });

  it('refuses a scan report declared at 3 GiB before reading it', async () => {
    const res = await admin.request('POST', '/api/vulnerabilities/scans?fileName=big.nessus', generated(1), {
      'content-type': 'application/xml',
      'content-length': String(3 * 1024 ** 3),
    });
    expect(res.statusCode).toBe(413);
    expect(res.json().error).toMatchObject({
      code: 'PAYLOAD_TOO_LARGE',
      message: "The file is larger than this upload's limit of 2 GiB",
    });
    expect(spooled()).toEqual([]);
  });

  it('refuses an intel feed over 200 MiB sent chunked, without holding it in memory', async () => {
    const { result: res, peak } = await peakMemory(() =>
      admin.request('POST', '/api/soc/intel?source=huge', generated(210), { 'content-type': 'text/plain' }),
    );
    expect(res.statusCode).toBe(413);
    expect(res.json().error.message).toBe("The file is larger than this upload's limit of 200.0 MiB");
    expect(spooled()).toEqual([]);
    // Reading it (as before) held 200+ MiB as bytes and again as text.
    expect(peak.arrayBuffers).toBeLessThan(100 * MiB);
    expect(peak.rss).toBeLessThan(150 * MiB);
    console.log(
      `intel 210 MiB refused (${kind}): peak +${(peak.rss / MiB).toFixed(0)} MiB RSS, +${(peak.arrayBuffers / MiB).toFixed(0)} MiB buffers`,
    );
    const list = await admin.request('GET', '/api/soc/intel');
    expect(list.json()).not.toContainEqual(expect.objectContaining({ source: 'huge' }));
  });

  it('stops analysing a log when its client goes away, and stores nothing', async () => {
    const login = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'upload-admin', password: PASSWORD },
    });
    const cookie = login.cookies.find((c) => c.name === 'khien_sid')?.value;
    const { csrfToken } = login.json() as { csrfToken: string };
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const port = (t.app.server.address() as { port: number }).port;
    const body = connLog(1);
    analysis.hold = true;
    analysis.signals.length = 0;
    try {
      const req = httpRequest({
        port,
        host: '127.0.0.1',
        method: 'POST',
        path: '/api/soc/logs?fileName=gone.log',
        headers: {
          cookie: `khien_sid=${cookie}`,
          'x-csrf-token': csrfToken,
          'content-type': 'text/plain',
          'content-length': String(body.length),
        },
      });
      req.on('error', () => undefined);
      req.end(body);
      const deadline = Date.now() + 5000;
      while (!analysis.signals.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      const [signal] = analysis.signals;
      expect(signal?.aborted).toBe(false);
      const closed = performance.now();
      req.destroy();
      while (!signal?.aborted && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
      expect(signal?.aborted).toBe(true);
      expect(performance.now() - closed).toBeLessThan(1000);
      expect((signal?.reason as Error | undefined)?.message).toBe('The client closed the connection');
    } finally {
      analysis.hold = false;
    }
    // The analysis ran with the aborted signal: it stopped before reading, and nothing was stored.
    await new Promise((r) => setTimeout(r, 200));
    const ingests = await admin.request('GET', '/api/soc/ingests');
    expect(ingests.json()).not.toContainEqual(expect.objectContaining({ source: 'gone.log' }));
    expect(spooled()).toEqual([]);
    // The same kind of upload, left to finish, is stored.
    const kept = await admin.request('POST', '/api/soc/logs?fileName=kept.log', Buffer.from(connLog(2)));
    expect(kept.statusCode, kept.body).toBe(201);
    const after = await admin.request('GET', '/api/soc/ingests');
    expect(after.json()).toContainEqual(expect.objectContaining({ source: 'kept.log' }));
  });

  it('answers 413 naming the file for a gzip bomb sent as a log, and stores nothing', async () => {
    const bomb = gzipSync(Buffer.alloc(64 * MiB));
    const res = await admin.request('POST', '/api/soc/logs?fileName=bomb.log.gz', bomb);
    expect(res.statusCode).toBe(413);
    expect(res.json().error).toMatchObject({
      code: 'INPUT_TOO_LARGE',
      message: expect.stringMatching(/^bomb\.log\.gz: gzip expands more than 200×.*decompression bomb$/),
    });
    const ingests = await admin.request('GET', '/api/soc/ingests');
    expect(ingests.json()).not.toContainEqual(expect.objectContaining({ source: 'bomb.log.gz' }));
    expect(spooled()).toEqual([]);
  });

  it('still loads a feed within its limit', async () => {
    const res = await admin.request('POST', '/api/soc/intel?source=small', generated(1), {
      'content-type': 'text/plain',
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(spooled()).toEqual([]);
  });
});
