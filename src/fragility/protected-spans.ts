/**
 * Parts of an input a perturbation must leave exactly as written, because changing one character
 * changes what they mean: template-like `{{…}}` spans, URLs, e-mail addresses and numbers (1,000.50,
 * 12:30, 2024-05-01 keep their separators). Returned as a mask over UTF-16 positions.
 */
const PROTECTED = [
  /\{\{[\s\S]*?\}\}/g,
  /\b(?:[a-z][a-z0-9+.-]*:\/\/|www\.)[^\s<>"]+/giu,
  /[^\s@<>()[\]"',;:]+@[^\s@<>()[\]"',;:]+\.[^\s@<>()[\]"',;:]+/gu,
  /\p{Nd}(?:[\p{Nd}.,:/-]*\p{Nd})?/gu,
];

export function protectedMask(input: string): Uint8Array {
  const mask = new Uint8Array(input.length);
  for (const pattern of PROTECTED) {
    for (const match of input.matchAll(pattern)) mask.fill(1, match.index, match.index + match[0].length);
  }
  return mask;
}

/** True when any position of [start, end) is protected. */
export function touchesProtected(mask: Uint8Array, start: number, end: number): boolean {
  for (let i = Math.max(0, start); i < Math.min(end, mask.length); i++) if (mask[i]) return true;
  return false;
}
