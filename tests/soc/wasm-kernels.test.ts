// The committed WebAssembly kernels are what their AssemblyScript sources compile to: a change
// to a source without `npm run build:wasm` (or an edited binary) fails here.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compileKernel, KERNELS, kernelModuleText } from '../../scripts/build-wasm.ts';

describe('WebAssembly kernels', () => {
  for (const kernel of KERNELS) {
    it(`${kernel.output} is built from ${kernel.source}`, async () => {
      const binary = await compileKernel(kernel.source);
      expect(readFileSync(kernel.output, 'utf8')).toBe(kernelModuleText(kernel.source, kernel.name, binary));
    }, 60_000);
  }
});
