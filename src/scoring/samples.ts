import { withRoom } from '../grow-array.js';
import type { LatencyStats } from './types.js';

/** A growable list of numbers in one Float64Array: 100,000 latencies take 800 kB, not 100,000 objects. */
export class SampleBuffer {
  private values = new Float64Array(1024);
  private count = 0;
  private sum = 0;

  push(value: number): void {
    this.values = withRoom(this.values, this.count);
    this.values[this.count++] = value;
    this.sum += value;
  }

  get size(): number {
    return this.count;
  }

  /** p50/p95/p99/mean, or null when nothing was recorded. */
  stats(): LatencyStats | null {
    if (this.count === 0) return null;
    const sorted = this.values.slice(0, this.count).sort(); // typed arrays sort numerically
    return {
      p50: percentile(sorted, 0.5),
      p95: percentile(sorted, 0.95),
      p99: percentile(sorted, 0.99),
      mean: this.sum / this.count,
    };
  }
}

/**
 * The q-quantile (0..1) of ascending values by linear interpolation between closest ranks — the
 * numpy default and Excel's PERCENTILE.INC: rank h = (n − 1)·q, value = x[⌊h⌋] + (h − ⌊h⌋)·(x[⌊h⌋+1] − x[⌊h⌋]).
 */
export function percentile(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) throw new RangeError('percentile of no values');
  const rank = (sorted.length - 1) * q;
  const below = Math.floor(rank);
  const lower = sorted[below] as number;
  const upper = sorted[Math.min(below + 1, sorted.length - 1)] as number;
  return lower + (rank - below) * (upper - lower);
}
