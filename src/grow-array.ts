type GrowableArray = Uint8Array | Float64Array | BigUint64Array;

/**
 * The typed array with room for one more value at `length`: itself while it has room, else a copy of
 * twice its capacity (amortised O(1) appends with no object per value).
 */
export function withRoom<T extends GrowableArray>(array: T, length: number): T {
  if (length < array.length) return array;
  const grown = new (array.constructor as new (capacity: number) => T)(array.length * 2);
  grown.set(array as never);
  return grown;
}
