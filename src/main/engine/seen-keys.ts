// Which cache keys a run has asked, as a 2 MiB bitset of 32-bit FNV-1a hashes: enough to
// skip reading the result cache for keys that cannot be there, at 10,000 rows a second,
// without keeping a million keys in memory. A false positive only costs a cache read;
// there are no false negatives.
const MASK = (1 << 24) - 1;

export class SeenKeys {
  private readonly bits = new Uint32Array((MASK + 1) / 32);

  add(key: string): void {
    const h = fnv1a(key) & MASK;
    this.bits[h >>> 5] = (this.bits[h >>> 5] ?? 0) | (1 << (h & 31));
  }

  mayHave(key: string): boolean {
    const h = fnv1a(key) & MASK;
    return ((this.bits[h >>> 5] ?? 0) & (1 << (h & 31))) !== 0;
  }
}

/** 32-bit FNV-1a of a string's UTF-16 code units. */
function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
