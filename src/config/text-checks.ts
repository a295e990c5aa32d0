/**
 * Checks on a config file's bytes before YAML sees them, so that what people really feed a YAML
 * tool gets a clear `file:line:col` message in bounded time and memory: a file far too large, a
 * binary file, text that is not UTF-8 (e.g. saved as Windows-1252), and nesting so deep that a
 * recursive parser would run out of stack.
 */
import type { SourcePosition } from './diagnostics';

/** Config files are small; anything this large is a mistake (a log, a dump, a binary). */
export const MAX_FILE_BYTES = 1024 * 1024;
/** Deeper than any real config; far below what recursion can take. */
export const MAX_NESTING = 64;

export interface TextProblem {
  readonly position: SourcePosition;
  readonly message: string;
}

/** Line and column (1-based, in characters) of a byte offset. */
function positionOf(file: string, bytes: Uint8Array, offset: number): SourcePosition {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset; i++) {
    if (bytes[i] === 0x0a) {
      line++;
      lineStart = i + 1;
    }
  }
  // Count characters, not bytes: UTF-8 continuation bytes (10xxxxxx) start no character.
  let col = 1;
  for (let i = lineStart; i < offset; i++) if ((bytes[i] & 0xc0) !== 0x80) col++;
  return { file, line, col };
}

/** The offset of the first byte that is not part of valid UTF-8, or -1. */
export function invalidUtf8Offset(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i];
    let extra: number;
    let min: number;
    if (b < 0x80) { i++; continue; }
    if (b >= 0xc2 && b <= 0xdf) { extra = 1; min = 0x80; } else if (b >= 0xe0 && b <= 0xef) { extra = 2; min = 0x800; } else if (b >= 0xf0 && b <= 0xf4) { extra = 3; min = 0x10000; } else return i;
    let code = b & (0x3f >> extra);
    for (let k = 1; k <= extra; k++) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
      code = (code << 6) | (c & 0x3f);
    }
    if (code < min || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return i;
    i += extra + 1;
  }
  return -1;
}

/** A file of `size` bytes is too large to be a config file (checked before reading it). */
export function sizeProblem(file: string, size: number): TextProblem | undefined {
  if (size <= MAX_FILE_BYTES) return undefined;
  return { position: { file, line: 1, col: 1 }, message: `the file has ${(size / 2 ** 20).toFixed(1)} MiB; a config file has at most ${MAX_FILE_BYTES / 2 ** 20} MiB (is it the right file?)` };
}

/** The file's bytes as text, or the problem that keeps them from being a config file. */
export function decodeConfigText(file: string, bytes: Uint8Array): { text: string } | { problem: TextProblem } {
  const at = (offset: number) => positionOf(file, bytes, offset);
  const large = sizeProblem(file, bytes.length);
  if (large) return { problem: large };
  const nul = bytes.indexOf(0);
  if (nul >= 0) return { problem: { position: at(nul), message: 'not a text file (it holds a NUL byte): a config file is YAML text' } };
  const bad = invalidUtf8Offset(bytes);
  if (bad >= 0) {
    return {
      problem: {
        position: at(bad),
        message: `not UTF-8: byte 0x${bytes[bad].toString(16).toUpperCase().padStart(2, '0')} is no UTF-8 character (the file may be saved as Windows-1252 or Latin-1); save it as UTF-8`,
      },
    };
  }
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('utf8').replace(/^\uFEFF/, '');
  const deep = tooDeep(file, text);
  return deep ? { problem: deep } : { text };
}

/**
 * Nesting deeper than MAX_NESTING, found without parsing: flow collections (`[`, `{`) outside
 * quotes and comments, block indentation (a level takes at least one column) and compact block
 * lists (`- - - x`).
 */
function tooDeep(file: string, text: string): TextProblem | undefined {
  let line = 1;
  let col = 1;
  let depth = 0;
  let quote: '"' | "'" | undefined;
  let comment = false;
  let lineStart = true;
  let indent = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '\n') {
      line++;
      col = 1;
      comment = false;
      lineStart = true;
      indent = 0;
      continue;
    }
    if (lineStart && ch === ' ') {
      indent++;
      if (indent > MAX_NESTING * 8) {
        return { position: { file, line, col }, message: `indented more than ${MAX_NESTING * 8} columns: nesting this deep is not a config (at most ${MAX_NESTING} levels)` };
      }
    } else if (lineStart) {
      lineStart = false;
      // Compact block lists: each `- ` at the start of a line opens one more level.
      let dashes = 0;
      while (text[i + dashes * 2] === '-' && text[i + dashes * 2 + 1] === ' ') dashes++;
      if (dashes > MAX_NESTING) return { position: { file, line, col }, message: `lists nested more than ${MAX_NESTING} levels deep: this is not a config` };
    }
    if (comment) { col++; continue; }
    if (quote) {
      if (ch === '\\' && quote === '"') { i++; col += 2; continue; }
      if (ch === quote) quote = undefined;
    } else if (ch === '"' || ch === "'") {
      // A quote opens a scalar only at its start (after a separator); "don't" in plain text is no quote.
      const prev = text[i - 1];
      if (prev === undefined || ' \t[{,:-\n'.includes(prev)) quote = ch;
    } else if (ch === '#' && (i === 0 || text[i - 1] === ' ' || text[i - 1] === '\t')) {
      comment = true;
    } else if (ch === '[' || ch === '{') {
      depth++;
      if (depth > MAX_NESTING) return { position: { file, line, col }, message: `nested more than ${MAX_NESTING} levels deep: this is not a config` };
    } else if ((ch === ']' || ch === '}') && depth > 0) depth--;
    col++;
  }
  return undefined;
}
