import { describe, expect, it } from 'vitest';
import { withRoom } from '../src/grow-array.js';

describe('withRoom', () => {
  it('keeps the array while it has room, and doubles it with its contents when full', () => {
    let bytes = new Uint8Array(2);
    expect(withRoom(bytes, 1)).toBe(bytes);
    for (let i = 0; i < 5; i++) {
      bytes = withRoom(bytes, i);
      bytes[i] = i + 1;
    }
    expect(bytes).toBeInstanceOf(Uint8Array);
    expect(bytes.length).toBe(8);
    expect([...bytes.subarray(0, 5)]).toEqual([1, 2, 3, 4, 5]);
  });

  it('grows floats and 64-bit hashes the same way', () => {
    let floats = new Float64Array(1);
    let hashes = new BigUint64Array(1);
    for (let i = 0; i < 3000; i++) {
      floats = withRoom(floats, i);
      floats[i] = i / 2;
      hashes = withRoom(hashes, i);
      hashes[i] = BigInt(i) << 40n;
    }
    expect(floats).toBeInstanceOf(Float64Array);
    expect(hashes).toBeInstanceOf(BigUint64Array);
    expect(floats.length).toBe(4096);
    expect([floats[0], floats[1023], floats[2999]]).toEqual([0, 511.5, 1499.5]);
    expect(hashes[2999]).toBe(2999n << 40n);
  });
});
