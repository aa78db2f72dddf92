#!/usr/bin/env node
// `npm run build:server`: bundles the CLI, the server and the SOC analysis worker into dist/server/ with esbuild
// (ESM, code splitting, packages left to node_modules, source maps), and writes esbuild's metafile to
// dist/server/meta.json (tests/contract/runtime-deps.test.ts reads what the bundle imports from it).
// A bundler rather than tsc: a command loads a few chunks instead of hundreds of files (see ARCHITECTURE.md).
import { mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = join(root, 'dist/server');

/** The runtime entry points: the CLI (which loads the server and each command on demand) and the worker thread. */
const ENTRIES = {
  main: 'src/cli/main.ts',
  'analyze-worker': 'src/modules/soc/analyze-worker.ts',
};

/** Chunks of an earlier build older than this are removed (a process started before may still be loading them). */
const STALE_MS = 10 * 60 * 1000;

export async function buildServer() {
  mkdirSync(join(root, 'dist'), { recursive: true });
  const result = await build({
    absWorkingDir: root,
    entryPoints: ENTRIES,
    outdir: out,
    write: false,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    splitting: true,
    packages: 'external',
    sourcemap: 'linked',
    sourcesContent: false,
    entryNames: '[name]',
    chunkNames: '[name]-[hash]',
    metafile: true,
    logLevel: 'warning',
  });
  // Written aside, then moved in file by file (chunks first, entry points last): a CLI started meanwhile, by a test
  // or another build, never reads a half-written file or an entry point whose chunks are not there yet.
  const stage = mkdtempSync(join(root, 'dist/.server-'));
  try {
    for (const file of result.outputFiles) writeFileSync(join(stage, basename(file.path)), file.contents);
    writeFileSync(join(stage, 'meta.json'), JSON.stringify(result.metafile));
    mkdirSync(out, { recursive: true });
    const entries = new Set(Object.keys(ENTRIES).flatMap((name) => [`${name}.js`, `${name}.js.map`]));
    const files = readdirSync(stage);
    for (const file of [...files.filter((f) => !entries.has(f)), ...entries])
      renameSync(join(stage, file), join(out, file));
    const fresh = new Set(files);
    for (const file of readdirSync(out))
      if (!fresh.has(file) && statSync(join(out, file)).mtimeMs < Date.now() - STALE_MS) rmSync(join(out, file));
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
}

// esbuild has printed what failed.
if (process.argv[1] === fileURLToPath(import.meta.url)) await buildServer().catch(() => process.exit(1));
