import { editDistanceWithin } from '../edit-distance.js';

const GRAM = 3;
/** Entries sharing the most trigrams with a query that are checked by edit distance (the rest are not near). */
const CANDIDATES = 12;

/** The distinct trigrams of `text`, padded so the first and last letters count as much as the others. */
function grams(text: string): Set<string> {
  const padded = `\u0002${text}\u0003`;
  const found = new Set<string>();
  for (let i = 0; i + GRAM <= padded.length; i++) found.add(padded.slice(i, i + GRAM));
  return found;
}

/**
 * The most edits a near match of an entry of `length` may differ by: 12% of its length, at least 2, but
 * never a third of it, so "ok" is not a typo of "hi".
 */
export function nearDistance(length: number): number {
  return Math.min(Math.max(2, Math.floor(0.12 * length)), Math.floor(length / 3));
}

/**
 * Finds the entry nearest a text by edit distance through a trigram index: only the few entries sharing
 * the most trigrams with it are compared, so a lookup does not scan thousands of entries.
 */
export class NearIndex {
  private readonly texts: string[] = [];
  private readonly postings = new Map<string, number[]>();
  private counts = new Int32Array(64);

  /** Adds `text`; returns its slot, the number `nearest` reports. */
  add(text: string): number {
    const slot = this.texts.length;
    this.texts.push(text);
    for (const gram of grams(text)) {
      const list = this.postings.get(gram);
      if (list) list.push(slot);
      else this.postings.set(gram, [slot]);
    }
    if (slot >= this.counts.length) {
      const grown = new Int32Array(this.counts.length * 2);
      grown.set(this.counts);
      this.counts = grown;
    }
    return slot;
  }

  /**
   * The slot of the entry within nearDistance(its length) edits of `text` and within ±15% of its length,
   * the nearest first (then the earliest added), or undefined.
   */
  nearest(text: string): number | undefined {
    const counts = this.counts;
    const touched: number[] = [];
    for (const gram of grams(text)) {
      for (const slot of this.postings.get(gram) ?? []) {
        if (counts[slot] === 0) touched.push(slot);
        counts[slot] = (counts[slot] as number) + 1;
      }
    }
    const top = this.mostShared(touched, text.length);
    for (const slot of touched) counts[slot] = 0;
    let best: { slot: number; distance: number } | undefined;
    for (const slot of top) {
      const candidate = this.texts[slot] as string;
      const limit = best === undefined ? nearDistance(candidate.length) : best.distance;
      const distance = editDistanceWithin(text, candidate, limit);
      if (distance > limit) continue;
      if (best === undefined || distance < best.distance || (distance === best.distance && slot < best.slot)) {
        best = { slot, distance };
      }
    }
    return best?.slot;
  }

  /** The CANDIDATES touched entries of a plausible length sharing the most trigrams (one pass, no full sort). */
  private mostShared(touched: readonly number[], length: number): number[] {
    const top: number[] = [];
    const shared = (slot: number) => this.counts[slot] as number;
    for (const slot of touched) {
      const candidateLength = (this.texts[slot] as string).length;
      if (Math.abs(length - candidateLength) > 0.15 * candidateLength) continue;
      if (top.length === CANDIDATES && shared(slot) <= shared(top[CANDIDATES - 1] as number)) continue;
      let at = Math.min(top.length, CANDIDATES - 1);
      while (at > 0 && shared(top[at - 1] as number) < shared(slot)) at--;
      top.splice(at, 0, slot);
      if (top.length > CANDIDATES) top.pop();
    }
    return top;
  }
}
