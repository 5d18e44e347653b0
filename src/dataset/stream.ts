import { closeSync, openSync, readSync } from 'node:fs';
import { decodeUtf8 } from '../suite/text-file.js';

/**
 * Synchronous, chunked reading of a dataset file: its text is validated as UTF-8 as it goes and never held
 * whole. Synchronous so a run's plan (a plain iterable) can pull cases from the file one at a time.
 */

/** Bytes read per chunk: large enough that system calls cost nothing, small next to any memory budget. */
export const CHUNK_BYTES = 1 << 16;

/** The file is not UTF-8: where its first bad byte is (1-based line and column). */
export class EncodingError extends Error {
  constructor(
    readonly line: number,
    readonly col: number,
    message: string,
  ) {
    super(message);
  }
}

export interface TextChunk {
  bytes: Buffer;
  /** The chunk's text; a character split across chunks belongs to the chunk it ends in. A BOM is dropped. */
  text: string;
}

function countNewlines(bytes: Buffer): number {
  let count = 0;
  for (let at = bytes.indexOf(0x0a); at !== -1; at = bytes.indexOf(0x0a, at + 1)) count += 1;
  return count;
}

/** Where the bad byte is: re-reads the current line (from its first byte to the end of the failing chunk). */
function locate(fd: number, lineStart: number, end: number, linesBefore: number): EncodingError {
  const bytes = Buffer.alloc(end - lineStart);
  readSync(fd, bytes, 0, bytes.length, lineStart);
  const decoded = decodeUtf8(bytes);
  if (decoded.ok) return new EncodingError(linesBefore + 1, 1, 'not valid UTF-8; re-save the file as UTF-8');
  return new EncodingError(linesBefore + decoded.line, decoded.col, decoded.message);
}

/** The file's chunks in order; throws EncodingError at the first byte that is not UTF-8. */
export function* textChunks(path: string, chunkBytes = CHUNK_BYTES): Generator<TextChunk> {
  const fd = openSync(path, 'r');
  try {
    const decoder = new TextDecoder('utf-8', { fatal: true });
    let offset = 0;
    let lineStart = 0;
    let linesBefore = 0;
    for (;;) {
      const bytes = Buffer.allocUnsafe(chunkBytes);
      const read = readSync(fd, bytes, 0, chunkBytes, offset);
      let text: string;
      try {
        text = decoder.decode(bytes.subarray(0, read), { stream: read > 0 });
      } catch {
        throw locate(fd, lineStart, offset + read, linesBefore);
      }
      if (read === 0) {
        if (text !== '') yield { bytes: Buffer.alloc(0), text };
        return;
      }
      const chunk = bytes.subarray(0, read);
      const lastNewline = chunk.lastIndexOf(0x0a);
      if (lastNewline !== -1) {
        linesBefore += countNewlines(chunk);
        lineStart = offset + lastNewline + 1;
      }
      offset += read;
      yield { bytes: chunk, text };
    }
  } finally {
    closeSync(fd);
  }
}

/**
 * Non-blank lines of chunked text with their 1-based line numbers (a trailing CR dropped), as jsonLines
 * gives them for a whole text. A line split across chunks is joined; a huge line costs its own size once.
 */
export function* textLines(chunks: Iterable<{ text: string }>): Generator<{ line: number; text: string }> {
  let parts: string[] = [];
  let line = 1;
  const finish = (text: string) => (text.endsWith('\r') ? text.slice(0, -1) : text);
  for (const { text: chunk } of chunks) {
    let from = 0;
    for (let newline = chunk.indexOf('\n'); newline !== -1; newline = chunk.indexOf('\n', from)) {
      const piece = chunk.slice(from, newline);
      const text = finish(parts.length === 0 ? piece : parts.join('') + piece);
      parts = [];
      if (text.trim() !== '') yield { line, text };
      line += 1;
      from = newline + 1;
    }
    if (from < chunk.length) parts.push(chunk.slice(from));
  }
  const last = finish(parts.join(''));
  if (last.trim() !== '') yield { line, text: last };
}
