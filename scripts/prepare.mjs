#!/usr/bin/env node
// `npm ci` runs this (npm's `prepare`): it builds the server and the web UI. An install without the build tools
// (`npm ci --omit=dev`) keeps a build that is already there (a release, or `npm prune --omit=dev` after building)
// and otherwise says what to do instead of failing on a missing esbuild.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(import.meta.url);
const haveTools = ['esbuild', 'vite'].every((name) => {
  try {
    require.resolve(name);
    return true;
  } catch {
    return false;
  }
});

if (haveTools) {
  const run = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
  process.exit(run.status ?? 1);
}
if (existsSync(`${root}dist/server/main.js`) && existsSync(`${root}dist/web/index.html`)) {
  console.log('khien: no build tools (--omit=dev); the build in dist/ is kept');
  process.exit(0);
}
console.error(
  'khien: chưa có bản dựng và thiếu công cụ dựng / no build in dist/ and no build tools: run `npm ci` (with dev ' +
    'dependencies), then `npm prune --omit=dev` (docs/deployment.md)',
);
process.exit(1);
