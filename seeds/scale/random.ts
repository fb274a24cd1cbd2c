/** A small seeded PRNG (mulberry32), so the same flags give the same data set on every run. */
export class Rng {
  private state: number

  constructor(seed: number) {
    this.state = seed >>> 0
  }

  /** Uniform in [0, 1). */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0)
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }

  int(maxExclusive: number): number {
    return Math.floor(this.next() * maxExclusive)
  }

  between(min: number, max: number): number {
    return min + this.int(max - min + 1)
  }

  chance(p: number): boolean {
    return this.next() < p
  }

  pick<T>(list: readonly T[]): T {
    return list[this.int(list.length)] as T
  }

  /** Zipf-like: early entries of the list are much more frequent (real names and units are skewed). */
  pickSkewed<T>(list: readonly T[], skew = 1.6): T {
    return list[Math.floor(list.length * Math.pow(this.next(), skew))] as T
  }

  /** Picks by weight from [item, weight] pairs; weights need not sum to 1. */
  weighted<T>(pairs: ReadonlyArray<readonly [T, number]>): T {
    const total = pairs.reduce((s, [, w]) => s + w, 0)
    let r = this.next() * total
    for (const [item, w] of pairs) {
      r -= w
      if (r < 0) return item
    }
    return pairs[pairs.length - 1]![0]
  }
}
