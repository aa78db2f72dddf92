// The WebAssembly JS API as Node provides it: TypeScript declares it only in its DOM library,
// which a server must not pull in. Only what flow-kernel.ts uses.

declare namespace WebAssembly {
  class Module {
    constructor(bytes: BufferSource);
  }
  class Instance {
    constructor(module: Module, imports?: Record<string, Record<string, unknown>>);
    readonly exports: Record<string, unknown>;
  }
  class Memory {
    constructor(descriptor: { initial: number; maximum?: number });
    readonly buffer: ArrayBuffer;
    grow(pages: number): number;
  }
  class Global {
    value: unknown;
  }
  function validate(bytes: BufferSource): boolean;
}
