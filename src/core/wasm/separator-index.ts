// Where the separators of a run of lines are, found 64 bytes at a time with WebAssembly SIMD
// (the "structural index" of simdjson and simdcsv): parsers on the hot path then jump from
// separator to separator instead of testing every byte in JavaScript, which V8 does not
// vectorise (≈ 1.1 ns per byte). The kernel is a few dozen instructions, assembled below from
// named opcodes (WebAssembly core spec 2.0, binary format §5.4), so no compiler is needed.

/** Opcodes used by the kernel; SIMD ones follow the 0xfd prefix. */
const I32 = 0x7f;
const I64 = 0x7e;
const V128 = 0x7b;
const op = {
  block: [0x02, 0x40],
  loop: [0x03, 0x40],
  br: (depth: number) => [0x0c, depth],
  brIf: (depth: number) => [0x0d, depth],
  end: [0x0b],
  get: (local: number) => [0x20, local],
  set: (local: number) => [0x21, local],
  globalSet: (global: number) => [0x24, global],
  i32Store: [0x36, 2, 0],
  i32Const: (value: number) => [0x41, ...leb128(value)],
  i64Const: (value: number) => [0x42, ...leb128(value)],
  i32Load8U: (offset: number) => [0x2d, 0, ...leb128(offset)],
  i32Eq: [0x46],
  i32GeU: [0x4f],
  i32Add: [0x6a],
  i32And: [0x71],
  i32Shl: [0x74],
  i64Eqz: [0x50],
  i64Ctz: [0x7a],
  i64Sub: [0x7d],
  i64And: [0x83],
  i64Or: [0x84],
  i64Shl: [0x86],
  i64ShrU: [0x88],
  i32WrapI64: [0xa7],
  i64ExtendI32U: [0xad],
  v128Load: (offset: number) => [0xfd, 0x00, 0, ...leb128(offset)],
  i8x16Splat: [0xfd, 0x0f],
  i8x16Eq: [0xfd, 0x23],
  v128Or: [0xfd, 0x50],
  i8x16Bitmask: [0xfd, 0x64],
} as const;

/** Signed LEB128 (all values here are small and non-negative, so it is also the unsigned form). */
function leb128(value: number): number[] {
  const bytes: number[] = [];
  let v = value;
  for (;;) {
    const byte = v & 0x7f;
    v >>= 7;
    if ((v === 0 && (byte & 0x40) === 0) || (v === -1 && (byte & 0x40) !== 0)) {
      bytes.push(byte);
      return bytes;
    }
    bytes.push(byte | 0x80);
  }
}

function utf8(text: string): number[] {
  return [...Buffer.from(text)].map((b) => b);
}

function vector(bytes: number[]): number[] {
  return [...leb128(bytes.length), ...bytes];
}

function section(id: number, content: number[]): number[] {
  return [id, ...vector(content)];
}

// Parameters and locals of `index(length, separatorsAt, newlinesAt, a, b, follow, anyFollow) → separators`.
const LENGTH = 0;
const SEPARATORS_AT = 1;
const NEWLINES_AT = 2;
const A = 3;
const B = 4;
const FOLLOW = 5;
const ANY_FOLLOW = 6;
const AT = 7;
const SEPARATORS = 8;
const NEWLINES = 9;
const BIT = 10;
const MASK = 11;
const NEWLINE_MASK = 12;
const A_MASK = 13;
const B_MASK = 14;
const FOLLOW_MASK = 15;
const ANY = 16;
const VA = 17;
const VB = 18;
const VN = 19;
const VF = 20;
const V = 21;

/** mask |= (bytes at AT + 16 × lane equal to the vector in `splat`) << 16 × lane; V holds the bytes. */
function laneMask(mask: number, splat: number, lane: number): number[] {
  return [
    ...op.get(mask),
    ...op.get(V),
    ...op.get(splat),
    ...op.i8x16Eq,
    ...op.i8x16Bitmask,
    ...op.i64ExtendI32U,
    ...op.i64Const(16 * lane),
    ...op.i64Shl,
    ...op.i64Or,
    ...op.set(mask),
  ];
}

function lane(lane: number): number[] {
  return [
    ...op.get(AT),
    ...op.v128Load(16 * lane),
    ...op.set(V),
    ...laneMask(NEWLINE_MASK, VN, lane),
    ...laneMask(A_MASK, VA, lane),
    ...laneMask(B_MASK, VB, lane),
    ...laneMask(FOLLOW_MASK, VF, lane),
  ];
}

/** out[count] = value, for a u32 array at `base` whose count is in `countLocal`. */
function storeAt(base: number, countLocal: number, value: number[]): number[] {
  return [
    ...op.get(base),
    ...op.get(countLocal),
    ...op.i32Const(2),
    ...op.i32Shl,
    ...op.i32Add,
    ...value,
    ...op.i32Store,
  ];
}

function kernel(): number[] {
  const splat = (from: number[], local: number) => [...from, ...op.i8x16Splat, ...op.set(local)];
  const zero = (local: number) => [...op.i64Const(0), ...op.set(local)];
  const body = [
    ...splat(op.get(A), VA),
    ...splat(op.get(B), VB),
    ...splat(op.i32Const(10), VN),
    ...splat(op.get(FOLLOW), VF),
    // ANY = anyFollow ? all ones : 0, or-ed into the "followed by" mask.
    ...op.i64Const(0),
    ...op.get(ANY_FOLLOW),
    ...op.i64ExtendI32U,
    ...op.i64Sub,
    ...op.set(ANY),
    ...op.block,
    ...op.loop,
    // One 64-byte block per turn (the input is zero-padded to a multiple of 64, plus 64).
    ...op.get(AT),
    ...op.get(LENGTH),
    ...op.i32GeU,
    ...op.brIf(1),
    ...zero(NEWLINE_MASK),
    ...zero(A_MASK),
    ...zero(B_MASK),
    ...zero(FOLLOW_MASK),
    ...lane(0),
    ...lane(1),
    ...lane(2),
    ...lane(3),
    // MASK = (A_MASK & the byte after is FOLLOW) | B_MASK | NEWLINE_MASK; the byte after the
    // block's last one is the first of the next block.
    ...op.get(A_MASK),
    ...op.get(FOLLOW_MASK),
    ...op.i64Const(1),
    ...op.i64ShrU,
    ...op.get(AT),
    ...op.i32Load8U(64),
    ...op.get(FOLLOW),
    ...op.i32Eq,
    ...op.i64ExtendI32U,
    ...op.i64Const(63),
    ...op.i64Shl,
    ...op.i64Or,
    ...op.get(ANY),
    ...op.i64Or,
    ...op.i64And,
    ...op.get(B_MASK),
    ...op.i64Or,
    ...op.get(NEWLINE_MASK),
    ...op.i64Or,
    ...op.set(MASK),
    ...op.block,
    ...op.loop,
    // Each set bit, lowest first: its position goes out; a newline also records its index.
    ...op.get(MASK),
    ...op.i64Eqz,
    ...op.brIf(1),
    ...op.get(MASK),
    ...op.i64Ctz,
    ...op.i32WrapI64,
    ...op.set(BIT),
    ...storeAt(SEPARATORS_AT, SEPARATORS, [...op.get(AT), ...op.get(BIT), ...op.i32Add]),
    // Written for every separator, kept (NEWLINES advances) only for newlines: no branch.
    ...storeAt(NEWLINES_AT, NEWLINES, op.get(SEPARATORS)),
    ...op.get(NEWLINES),
    ...op.get(NEWLINE_MASK),
    ...op.get(BIT),
    ...op.i64ExtendI32U,
    ...op.i64ShrU,
    ...op.i32WrapI64,
    ...op.i32Const(1),
    ...op.i32And,
    ...op.i32Add,
    ...op.set(NEWLINES),
    ...op.get(SEPARATORS),
    ...op.i32Const(1),
    ...op.i32Add,
    ...op.set(SEPARATORS),
    ...op.get(MASK),
    ...op.get(MASK),
    ...op.i64Const(1),
    ...op.i64Sub,
    ...op.i64And,
    ...op.set(MASK),
    ...op.br(0),
    ...op.end,
    ...op.end,
    ...op.get(AT),
    ...op.i32Const(64),
    ...op.i32Add,
    ...op.set(AT),
    ...op.br(0),
    ...op.end,
    ...op.end,
    ...op.get(NEWLINES),
    ...op.globalSet(0),
    ...op.get(SEPARATORS),
    ...op.end,
  ];
  const locals = [3, 4, I32, 6, I64, 5, V128];
  return vector([...locals, ...body]);
}

function moduleBytes(): Uint8Array<ArrayBuffer> {
  const type = [1, 0x60, 7, I32, I32, I32, I32, I32, I32, I32, 1, I32];
  const imports = [1, ...vector(utf8('js')), ...vector(utf8('memory')), 0x02, 0x00, 1];
  const functions = [1, 0];
  const globals = [1, I32, 1, ...op.i32Const(0), ...op.end];
  const exports = [2, ...vector(utf8('index')), 0x00, 0, ...vector(utf8('lines')), 0x03, 0];
  return new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, type),
    ...section(2, imports),
    ...section(3, functions),
    ...section(6, globals),
    ...section(7, exports),
    ...section(10, [1, ...kernel()]),
  ]);
}

let compiled: WebAssembly.Module | null | undefined;

/** The kernel's module, or null where WebAssembly SIMD is unavailable. */
function kernelModule(): WebAssembly.Module | null {
  if (compiled === undefined) {
    const bytes = moduleBytes();
    compiled = WebAssembly.validate(bytes) ? new WebAssembly.Module(bytes) : null;
  }
  return compiled;
}

const PAGE = 65536;

export interface SeparatorBytes {
  /** A byte to find (besides `\n`). */
  byte: number;
  /** Only where the next byte is this one (JSON keys: `"` followed by `:`). */
  followedBy?: number;
  /** Another byte to find, wherever it is. */
  also?: number;
}

/**
 * Indexes runs of lines: after `index(buf, start, end)`, `text` holds a copy of the bytes,
 * `separators[0 … count)` the offsets (in `text`) of every `\n` and of the chosen bytes,
 * ascending, and `newlines[0 … lines)` the positions in `separators` of the newlines.
 */
export class SeparatorIndex {
  text: Buffer = Buffer.alloc(0);
  /** `text` read as little-endian words (one load for 4 bytes). */
  view = new DataView(new ArrayBuffer(0));
  separators: Int32Array = new Int32Array(0);
  newlines: Int32Array = new Int32Array(0);
  count = 0;
  lines = 0;
  private readonly memory = new WebAssembly.Memory({ initial: 1 });
  private readonly run: (
    length: number,
    separatorsAt: number,
    newlinesAt: number,
    a: number,
    b: number,
    follow: number,
    anyFollow: number,
  ) => number;
  private readonly linesGlobal: WebAssembly.Global;
  private capacity = -1;

  private constructor(
    module: WebAssembly.Module,
    private readonly bytes: SeparatorBytes,
  ) {
    const instance = new WebAssembly.Instance(module, { js: { memory: this.memory } });
    this.run = instance.exports.index as SeparatorIndex['run'];
    this.linesGlobal = instance.exports.lines as WebAssembly.Global;
  }

  /** An index of `\n` plus the chosen bytes, or null without WebAssembly SIMD. */
  static create(bytes: SeparatorBytes): SeparatorIndex | null {
    const module = kernelModule();
    return module ? new SeparatorIndex(module, bytes) : null;
  }

  index(buf: Uint8Array, start: number, end: number): void {
    const length = end - start;
    const padded = Math.ceil(length / 64) * 64 + 64;
    if (padded > this.capacity) this.grow(padded);
    this.text.set(buf.subarray(start, end), 0);
    this.text.fill(0, length, padded);
    const { byte, followedBy, also } = this.bytes;
    this.count = this.run(
      length,
      this.separators.byteOffset,
      this.newlines.byteOffset,
      byte,
      // Without `also`, the second byte is the newline, which is found anyway.
      also ?? 10,
      followedBy ?? 0,
      followedBy === undefined ? 1 : 0,
    );
    this.lines = this.linesGlobal.value as number;
  }

  /** Room for `bytes` of text and, at worst, a separator per byte. */
  private grow(bytes: number): void {
    const capacity = Math.max(bytes, this.capacity * 2);
    const needed = capacity * 9;
    const pages = Math.ceil(needed / PAGE) - this.memory.buffer.byteLength / PAGE;
    if (pages > 0) this.memory.grow(pages);
    const buffer = this.memory.buffer;
    this.text = Buffer.from(buffer, 0, capacity);
    this.view = new DataView(buffer, 0, capacity);
    this.separators = new Int32Array(buffer, capacity, capacity);
    this.newlines = new Int32Array(buffer, capacity * 5, capacity);
    this.capacity = capacity;
  }
}
