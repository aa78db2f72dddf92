import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

// Each module under src/modules exposes one entry, its index.ts; everything else in it is its own business. This
// reads every import of the product code (src, demo, scripts, bench) and names each one that reaches past a face.

const ROOT = resolve(import.meta.dirname, '../..');
const SCANNED = ['src', 'demo', 'scripts', 'bench'];
const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^;]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

function sourceFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { recursive: true, withFileTypes: true })
    .filter((f) => f.isFile() && /\.tsx?$/.test(f.name) && !f.parentPath.includes('node_modules'))
    .map((f) => relative(ROOT, join(f.parentPath, f.name)));
}

/** The module a repository path belongs to, and the path inside it. */
const moduleOf = (path: string) => /^src\/modules\/([^/]+)\/(.+)$/.exec(path)?.slice(1) as [string, string] | undefined;

function crossings() {
  const found: { file: string; target: string }[] = [];
  for (const file of SCANNED.flatMap(sourceFiles)) {
    const text = readFileSync(join(ROOT, file), 'utf8');
    for (const m of text.matchAll(IMPORT)) {
      const spec = m[1] ?? m[2];
      if (!spec?.startsWith('.')) continue;
      const target = relative(ROOT, resolve(ROOT, dirname(file), spec));
      const to = moduleOf(target);
      if (!to) continue;
      if (moduleOf(file)?.[0] === to[0]) continue; // inside its own module
      found.push({ file, target });
    }
  }
  return found;
}

const isFace = (target: string) => /^src\/modules\/[^/]+\/index\.ts$/.test(target);
/** Zod-only request schemas the browser reuses for its forms (they import nothing of the server). */
const isInput = (target: string) => /^src\/modules\/[^/]+\/[^/]+\.input\.ts$/.test(target);
/**
 * Tables are one graph: Drizzle and drizzle-kit read every table from core/db/schema.ts, and a table's foreign key
 * names the table it references (organisation_id → organisations), so table files may import each other's tables.
 */
const isTableGathering = (file: string, target: string) =>
  (file === 'src/core/db/schema.ts' || file.endsWith('.schema.ts')) &&
  /^src\/modules\/[^/]+\/(?:[^/]+\/)*[^/]+\.schema\.ts$/.test(target);
/**
 * The CLI's command table loads a module's commands from its `*.cli.ts` files, the module's command-line face: its
 * index.ts would load the whole module, and a command loads only what it runs (tests/cli/startup.test.ts).
 */
const isCommandTable = (file: string, target: string) =>
  file === 'src/cli/main.ts' && /^src\/modules\/[^/]+\/(?:[^/]+\/)*[^/]+\.cli\.ts$/.test(target);

describe('module faces', () => {
  it('other code imports a module only through its index.ts', () => {
    const wrong = crossings()
      .filter(({ file, target }) => !isFace(target) && !isTableGathering(file, target) && !isCommandTable(file, target))
      .filter(({ file, target }) => !(file.startsWith('src/web/') && isInput(target)))
      .map(({ file, target }) => `${file} → ${target}`);
    expect(wrong).toEqual([]);
  });

  it('the web UI takes nothing of the server but the zod input schemas', () => {
    const wrong = crossings()
      .filter(({ file, target }) => file.startsWith('src/web/') && !isInput(target))
      .map(({ file, target }) => `${file} → ${target}`);
    expect(wrong).toEqual([]);
  });

  it('an input schema file imports only zod and the shared contract', () => {
    const inputs = sourceFiles('src/modules').filter((f) => f.endsWith('.input.ts'));
    const wrong: string[] = [];
    for (const file of inputs)
      for (const m of readFileSync(join(ROOT, file), 'utf8').matchAll(IMPORT)) {
        const spec = m[1] ?? m[2] ?? '';
        // Besides zod and the shared contract: its module's other input files and dependency-free value lists.
        const sibling = /^\.\/[^/]+\.ts$/.test(spec) ? join(ROOT, dirname(file), spec) : null;
        const ok =
          spec === 'zod' ||
          spec.endsWith('core/contract.ts') ||
          (sibling !== null && !IMPORT.test(readFileSync(sibling, 'utf8')));
        IMPORT.lastIndex = 0;
        if (!ok) wrong.push(`${file} → ${spec}`);
      }
    expect(wrong).toEqual([]);
  });

  it('every module has a face', () => {
    const modules = readdirSync(join(ROOT, 'src/modules'), { withFileTypes: true }).filter((d) => d.isDirectory());
    const without = modules.filter(
      (d) => !sourceFiles(`src/modules/${d.name}`).includes(`src/modules/${d.name}/index.ts`),
    );
    expect(without.map((d) => d.name)).toEqual([]);
  });
});
