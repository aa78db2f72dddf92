import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The project folder (the one whose package.json is Khiên's), where the files read at run time live: migrations,
 * rules, the web UI's build and strings, demo data. Found by walking up from this file, because this code runs both
 * from src/ (TypeScript, in tests) and bundled into a chunk of dist/server/, at different depths.
 */
function projectRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'khien')
      return dir;
    if (dirname(dir) === dir) throw new Error(`Khiên's package.json not found above ${from}`);
  }
}

export const ROOT = projectRoot(dirname(fileURLToPath(import.meta.url)));

/** A path inside the project folder, e.g. `fromRoot('drizzle')`. */
export const fromRoot = (...parts: string[]) => join(ROOT, ...parts);
