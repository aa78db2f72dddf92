// How the CLI reports a failure: one line "Lỗi / Error: …" in Vietnamese and English, the stack only with --debug.
// Loaded by every command, so it imports nothing heavy.
import { CommanderError } from 'commander';
import { AppError } from '../core/errors.ts';

/** `--debug` anywhere on the command line, or KHIEN_DEBUG=1: failures print their stack. */
export const debugging = () => process.argv.includes('--debug') || process.env.KHIEN_DEBUG === '1';

/** A user error: one line, exit status 1. */
export function fail(message: string): never {
  console.error(`Lỗi / Error: ${message}`);
  process.exit(1);
}

/** Commander's refusals of a command line, by code, in Vietnamese (its own English message follows). */
const COMMAND_LINE_ERRORS: Record<string, string> = {
  'commander.unknownCommand': 'không có lệnh này',
  'commander.unknownOption': 'không có tùy chọn này',
  'commander.missingArgument': 'thiếu đối số',
  'commander.optionMissingArgument': 'tùy chọn thiếu giá trị',
  'commander.missingMandatoryOptionValue': 'thiếu tùy chọn bắt buộc',
  'commander.invalidArgument': 'giá trị không hợp lệ',
  'commander.excessArguments': 'thừa đối số',
  'commander.conflictingOption': 'các tùy chọn xung đột',
};

/** File-system failures a user causes (a wrong path), by errno code. */
const FILE_ERRORS: Record<string, string> = {
  ENOENT: 'không tìm thấy tệp / file not found',
  EACCES: 'không có quyền truy cập / permission denied',
  EPERM: 'không có quyền truy cập / permission denied',
  EISDIR: 'là thư mục, không phải tệp / is a directory',
  ENOTDIR: 'không phải thư mục / not a directory',
};

/** Emscripten's numbers for the file errors the embedded database's WebAssembly file system reports. */
const WASM_FILE_ERRORS: Record<number, string> = {
  2: 'EACCES',
  44: 'ENOENT',
  51: 'ENOSPC',
  54: 'ENOTDIR',
  69: 'EROFS',
};

/** Something thrown that is not an Error (WebAssembly code throws plain objects): its message, or its JSON. */
function describe(thrown: unknown): string {
  if (typeof thrown !== 'object' || thrown === null) return String(thrown);
  const { message, name, errno } = thrown as { message?: unknown; name?: unknown; errno?: unknown };
  if (typeof message === 'string' && message) return message;
  if (name === 'ErrnoError' && typeof errno === 'number')
    return `cơ sở dữ liệu nhúng không đọc/ghi được tệp / the embedded database could not use its files (${WASM_FILE_ERRORS[errno] ?? `errno ${errno}`}; check KHIEN_DATA_DIR)`;
  try {
    return JSON.stringify(thrown);
  } catch {
    return String(thrown);
  }
}

/**
 * Prints a failure and exits. Known user errors (a refused command line, an AppError, a file that cannot be read)
 * are one line; anything else is one line and a hint to rerun with --debug; with --debug, the stack follows.
 * `help` names the command's help, for command-line errors.
 */
export function reportFailure(e: unknown, help: string): never {
  if (e instanceof CommanderError) {
    // --help (and a group named without a subcommand) end here too, with status 0 and their text already printed.
    const vi = COMMAND_LINE_ERRORS[e.code];
    if (vi)
      console.error(`Lỗi / Error: ${vi} / ${e.message.replace(/^error: /, '').replace(/\s*\n\s*/g, ' ')} (${help})`);
    process.exit(e.exitCode);
  }
  const error = e instanceof Error ? e : new Error(describe(e));
  const { code, path } = error as NodeJS.ErrnoException;
  const fileError = code !== undefined && path !== undefined ? FILE_ERRORS[code] : undefined;
  // A connection refused on every address of a host is an AggregateError with no message of its own.
  const message = error.message || (error as Partial<AggregateError>).errors?.join('; ') || error.name;
  console.error(`Lỗi / Error: ${fileError ? `${fileError}: ${path}` : message}`);
  if (debugging()) console.error(error.stack);
  else if (!fileError && !(error instanceof AppError))
    console.error('chạy lại với --debug để xem chi tiết / rerun with --debug for details');
  process.exit(1);
}
