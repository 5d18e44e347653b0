import { isUtf8 } from 'node:buffer';
import { readFile } from 'node:fs/promises';

/**
 * Text files are read as UTF-8 and nothing else: a byte that is not UTF-8 (a Latin-1 "é") would
 * otherwise become U+FFFD and silently change inputs and gold answers.
 */

export type DecodedText = { ok: true; text: string } | { ok: false; line: number; col: number; message: string };

const decoder = new TextDecoder('utf-8', { fatal: true });

/** Offset of the first byte that does not start a valid UTF-8 sequence, or -1. */
function firstInvalidByte(bytes: Uint8Array): number {
  let at = 0;
  while (at < bytes.length) {
    const lead = bytes[at] as number;
    const length = lead < 0x80 ? 1 : lead >= 0xc2 && lead <= 0xdf ? 2 : lead >= 0xe0 && lead <= 0xef ? 3 : 4;
    if (lead >= 0x80 && (lead < 0xc2 || lead > 0xf4)) return at;
    const end = at + length;
    if (end > bytes.length || (length > 1 && !isUtf8(bytes.subarray(at, end)))) return at;
    at = end;
  }
  return -1;
}

/** Decodes UTF-8 (a leading byte-order mark is dropped); on failure, where the first bad byte is. */
export function decodeUtf8(bytes: Uint8Array): DecodedText {
  try {
    return { ok: true, text: decoder.decode(bytes) };
  } catch {
    const bad = Math.max(firstInvalidByte(bytes), 0);
    const lineStart = bad === 0 ? 0 : bytes.lastIndexOf(0x0a, bad - 1) + 1;
    let line = 1;
    for (let i = 0; i < lineStart; i++) if (bytes[i] === 0x0a) line++;
    const col = decoder.decode(bytes.subarray(lineStart, bad)).length + 1;
    const byte = (bytes[bad] ?? 0).toString(16).toUpperCase().padStart(2, '0');
    return { ok: false, line, col, message: `not valid UTF-8 (byte 0x${byte}); re-save the file as UTF-8` };
  }
}

/** Reads a file as UTF-8; file system errors are thrown as they are. */
export async function readUtf8File(path: string): Promise<DecodedText> {
  return decodeUtf8(await readFile(path));
}
