#!/usr/bin/env node
// Runs the compiled CLI (dist/server, built by `npm run build`, which `npm install` runs); errors are reported
// against the TypeScript sources through the build's source maps.
import { existsSync } from 'node:fs';

const main = new URL('../dist/server/main.js', import.meta.url);
if (!existsSync(main)) {
  console.error('Lỗi / Error: chưa biên dịch, hãy chạy / not built, run: npm run build');
  process.exit(1);
}
process.setSourceMapsEnabled(true);
await import(main.href);
