// Vitest's globalSetup: tests that spawn bin/khien.mjs run the compiled CLI, so dist/server is built first when it is
// missing or older than a source file (esbuild takes about a second). The e2e tests run the server in-process.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '../..');
const BUILT = join(ROOT, 'dist/server/main.js');

const newestSource = () =>
  Math.max(
    ...['src', 'demo'].flatMap((dir) =>
      readdirSync(join(ROOT, dir), { recursive: true, withFileTypes: true })
        .filter((f) => f.isFile() && f.name.endsWith('.ts'))
        .map((f) => statSync(join(f.parentPath, f.name)).mtimeMs),
    ),
  );

export default function buildServer() {
  if (existsSync(BUILT) && statSync(BUILT).mtimeMs >= newestSource()) return;
  const run = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: ROOT, stdio: 'inherit' });
  if (run.status === 0) return;
  // Tests that do not spawn the CLI can still run on a tree that does not build (esbuild printed why).
  if (!existsSync(BUILT)) throw new Error('dist/server could not be built (npm run build:server)');
  console.warn('dist/server could not be rebuilt: the tests that spawn the CLI run the previous build');
}
