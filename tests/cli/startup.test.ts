import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/core/config.ts';
import { openConfiguredDatabase } from '../../src/core/db/open.ts';
import { zeekConnLine, zeekHeader } from '../../src/modules/soc/generator/writers.ts';

// The compiled CLI (dist/server, built by the globalSetup) loads only what a command needs, and reports a user's
// mistake in one line. What a process loads is recorded by a module hook (support/record-loads.mjs), not timed.

const dir = mkdtempSync(join(tmpdir(), 'khien-cli-startup-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let runs = 0;
/** Runs `khien …` from dist with an empty embedded database folder; returns its output and the packages it loaded. */
function khien(args: string[], env: Record<string, string> = {}) {
  const loads = join(dir, `loads-${++runs}.txt`);
  writeFileSync(loads, '');
  const run = spawnSync(
    process.execPath,
    ['--import', './tests/cli/support/record-loads.mjs', 'bin/khien.mjs', ...args],
    {
      encoding: 'utf8',
      env: {
        ...process.env,
        KHIEN_DATA_DIR: join(dir, 'data'),
        DATABASE_URL: '',
        KHIEN_DEBUG: '',
        KHIEN_LOAD_LOG: loads,
        ...env,
      },
    },
  );
  const packages = new Set(
    readFileSync(loads, 'utf8')
      .split('\n')
      .map((url) => /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url)?.[1])
      .filter((name) => name !== undefined),
  );
  const modules = readFileSync(loads, 'utf8').split('\n').filter(Boolean);
  return { ...run, packages, modules };
}

const SERVER_AND_DATABASE = ['drizzle-orm', 'fastify', '@electric-sql/pglite', 'pg'];
const DOCUMENTS = ['pdfmake', 'docx', 'exceljs'];

/** A small Zeek conn.log: one address sweeps port 445 across 40 hosts, unanswered. */
function connLog() {
  const t0 = Date.parse('2024-05-10T10:00:00+07:00') / 1000;
  const lines = [zeekHeader('conn', t0).trimEnd()];
  for (let i = 0; i < 40; i++)
    lines.push(
      zeekConnLine(
        {
          ts: t0 + i,
          src: '203.0.113.5',
          srcPort: 40000 + i,
          dst: `10.15.1.${100 + i}`,
          dstPort: 445,
          proto: 'tcp',
          state: 'S0',
          origBytes: 0,
          respBytes: 0,
        },
        `C${i}`,
      ).trimEnd(),
    );
  const file = join(dir, 'conn.log');
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

/** The source files bundled into the chunks of dist/server a run loaded (from the build's metafile). */
function sourcesOf(modules: string[]) {
  const meta = JSON.parse(readFileSync('dist/server/meta.json', 'utf8')) as {
    outputs: Record<string, { inputs: Record<string, unknown> }>;
  };
  const chunks = modules.map((url) => /\/(dist\/server\/[^/]+\.js)$/.exec(url)?.[1]).filter((c) => c !== undefined);
  return [...new Set(chunks.flatMap((chunk) => Object.keys(meta.outputs[chunk]?.inputs ?? {})))].sort();
}

/** The lines a run printed on standard error. */
const errorLines = (stderr: string) => stderr.split('\n').filter(Boolean);

describe('CLI start-up (compiled)', () => {
  it('the recorder sees what a process loads', () => {
    // Without this, "loads none of …" below would also pass with a recorder that records nothing.
    const run = khien(['soc', 'summary', '--help']);
    expect(run.status).toBe(0);
    expect(run.modules.some((url) => url.endsWith('/dist/server/main.js'))).toBe(true);
    expect(run.packages).toContain('commander');
  });

  it('`khien --help` lists every command and loads no module of the product', () => {
    const run = khien(['--help']);
    expect(run.status).toBe(0);
    for (const name of ['serve', 'soc', 'scans', 'backup', 'restore', 'report', 'targets'])
      expect(run.stdout).toMatch(new RegExp(`^  ${name} `, 'm'));
    expect([...run.packages]).toEqual(['commander']);
    expect(sourcesOf(run.modules).filter((source) => !source.startsWith('src/cli/'))).toEqual(['src/core/errors.ts']);
  });

  it('`khien soc analyze` loads the engine only: no server, database or document writer', () => {
    const run = khien(['soc', 'analyze', '--json', connLog()]);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const result = JSON.parse(run.stdout) as { events: number; scanners: Array<{ ip: string }> };
    expect(result.events).toBe(40);
    expect(result.scanners.map((s) => s.ip)).toEqual(['203.0.113.5']);
    for (const name of [...SERVER_AND_DATABASE, ...DOCUMENTS]) expect(run.packages).not.toContain(name);
    const modules = sourcesOf(run.modules).flatMap((source) => /^src\/modules\/([^/]+)\//.exec(source)?.[1] ?? []);
    expect([...new Set(modules)]).toEqual(['soc']);
  });
});

describe('CLI errors: one line, the stack only with --debug', () => {
  it('a file that does not exist', () => {
    const missing = join(dir, 'missing.log');
    const run = khien(['soc', 'analyze', missing]);
    expect(run.status).toBe(1);
    expect(errorLines(run.stderr)).toEqual([`Lỗi / Error: không tìm thấy tệp / file not found: ${missing}`]);

    const debug = khien(['soc', 'analyze', '--debug', missing]);
    expect(debug.status).toBe(1);
    expect(debug.stderr).toMatch(/^Lỗi \/ Error: không tìm thấy tệp/);
    // The stack names the TypeScript sources (the build's source maps).
    expect(debug.stderr).toMatch(/\n {4}at .*src\/modules\/soc\/analyze\.ts:\d+/);
  });

  it('an option that does not exist, a value out of range, a command that does not exist', () => {
    const bad = khien(['soc', 'analyze', '--frobnicate', 'x.log']);
    expect(bad.status).toBe(1);
    expect(errorLines(bad.stderr)).toEqual([
      "Lỗi / Error: không có tùy chọn này / unknown option '--frobnicate' (khien soc analyze --help)",
    ]);
    const range = khien(['soc', 'analyze', '--threads', '0', 'x.log']);
    expect(range.status).toBe(1);
    expect(errorLines(range.stderr)).toEqual([
      expect.stringMatching(/^Lỗi \/ Error: giá trị không hợp lệ \/ option '--threads <n>' argument '0' is invalid/),
    ]);
    const unknown = khien(['frobnicate']);
    expect(unknown.status).toBe(1);
    expect(errorLines(unknown.stderr)).toEqual([
      "Lỗi / Error: không có lệnh này / unknown command 'frobnicate' (khien --help)",
    ]);
  });

  // Opening the embedded database (PGlite) in this process takes a while on a busy machine.
  it('the embedded database in use by another process', { timeout: 240_000 }, async () => {
    const dataDir = join(dir, 'held');
    const held = await openConfiguredDatabase(loadConfig({ KHIEN_DATA_DIR: dataDir }));
    try {
      const run = khien(['migrate'], { KHIEN_DATA_DIR: dataDir });
      expect(run.status).toBe(1);
      expect(errorLines(run.stderr)).toEqual([
        expect.stringMatching(
          new RegExp(
            `^Lỗi / Error: Cơ sở dữ liệu nhúng .* / The embedded database .* in use by process ${process.pid}`,
          ),
        ),
      ]);
      const debug = khien(['migrate'], { KHIEN_DATA_DIR: dataDir, KHIEN_DEBUG: '1' });
      expect(debug.status).toBe(1);
      expect(debug.stderr).toMatch(/\n {4}at acquireLock .*src\/core\/db\/open\.ts:\d+/);
    } finally {
      await held.close();
    }
  });

  it('an unexpected failure: one line and how to see more', () => {
    // Nothing listens on port 1: the connection is refused.
    const run = khien(['migrate'], { DATABASE_URL: 'postgres://khien@127.0.0.1:1/khien' });
    expect(run.status).toBe(1);
    expect(errorLines(run.stderr)).toEqual([
      'Lỗi / Error: connect ECONNREFUSED 127.0.0.1:1',
      'chạy lại với --debug để xem chi tiết / rerun with --debug for details',
    ]);
    const debug = khien(['--debug', 'migrate'], { DATABASE_URL: 'postgres://khien@127.0.0.1:1/khien' });
    expect(debug.stderr).toMatch(/\n {4}at /);
    expect(debug.stderr).not.toMatch(/rerun with --debug/);
  });
});
