import { createHash } from 'node:crypto';

/** Packs 0/1 flags into bytes (bit i = byte i >> 3, bit i & 7, least significant first), base64. */
export function encodeBits(flags: ArrayLike<number>): string {
  const bytes = new Uint8Array(Math.ceil(flags.length / 8));
  for (let i = 0; i < flags.length; i++) {
    if (flags[i]) bytes[i >> 3] = (bytes[i >> 3] as number) | (1 << (i & 7));
  }
  return Buffer.from(bytes).toString('base64');
}

/** The flags encodeBits packed, `length` of them; null when the text is not a bitset of that length. */
export function decodeBits(base64: string, length: number): Uint8Array | null {
  const bytes = Buffer.from(base64, 'base64');
  if (bytes.length !== Math.ceil(length / 8)) return null;
  const flags = new Uint8Array(length);
  for (let i = 0; i < length; i++) flags[i] = ((bytes[i >> 3] as number) >> (i & 7)) & 1;
  return flags;
}

/** The number of flags set in a bitset written by encodeBits. */
export function countBits(base64: string): number {
  let count = 0;
  for (let byte of Buffer.from(base64, 'base64')) {
    while (byte) {
      count += byte & 1;
      byte >>= 1;
    }
  }
  return count;
}

/** Code-unit order, the same on every machine and locale. */
export function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** sha256 (hex) of the sorted ids joined by "\n": names one case list in the history. */
export function idsHash(sortedIds: readonly string[]): string {
  return createHash('sha256').update(sortedIds.join('\n')).digest('hex');
}
