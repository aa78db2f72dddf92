import { readFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

// What runs in production is dist/server (npm run build:server; the globalSetup builds it): every package it imports
// must be installed by `npm ci --omit=dev`, so must be a dependency, never a dev dependency. Read from esbuild's
// metafile, which lists every import of every output file.

const ROOT = join(import.meta.dirname, '../..');
const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};
const meta = JSON.parse(readFileSync(join(ROOT, 'dist/server/meta.json'), 'utf8')) as {
  outputs: Record<string, { imports: Array<{ path: string; kind: string; external?: boolean }> }>;
};

/** `@scope/name/sub/path` → `@scope/name`; `name/sub` → `name`. */
const packageOf = (specifier: string) =>
  specifier
    .split('/')
    .slice(0, specifier.startsWith('@') ? 2 : 1)
    .join('/');

const imports = Object.values(meta.outputs).flatMap((output) => output.imports);
const bare = [...new Set(imports.filter((i) => i.external).map((i) => i.path))].filter((p) => !isBuiltin(p));

describe('runtime dependencies of the build', () => {
  it('the build imports packages (the metafile is read)', () => {
    expect(bare).toContain('fastify');
    expect(bare).toContain('drizzle-orm');
  });

  it('every package the build imports is a dependency, none a dev dependency', () => {
    const packages = [...new Set(bare.map(packageOf))].sort();
    expect(packages.filter((name) => !(name in manifest.dependencies))).toEqual([]);
    expect(packages.filter((name) => name in manifest.devDependencies)).toEqual([]);
  });

  it('everything else it imports is its own chunks', () => {
    const own = imports.filter((i) => !i.external);
    expect(own.length).toBeGreaterThan(0);
    expect(own.filter((i) => !/^dist\/server\/[^/]+\.js$/.test(i.path))).toEqual([]);
  });

  it('the TypeScript runner and the bundlers are dev dependencies only', () => {
    for (const tool of ['tsx', 'vite', 'esbuild', '@vitejs/plugin-react']) {
      expect(manifest.dependencies).not.toHaveProperty(tool);
      expect(manifest.devDependencies).toHaveProperty(tool);
    }
  });
});
