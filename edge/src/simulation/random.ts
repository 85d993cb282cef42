/**
 * Seeded, splittable randomness for the simulator (design/queueing.md §5.6). Every random quantity
 * is drawn from its own substream, keyed by (seed, replication, stream, entity): a policy that
 * changes how many numbers one customer consumes cannot shift another customer's draws, so every
 * policy sees the same customers (common random numbers).
 *
 * The key is hashed with cyrb128 into the 128-bit state of a xoshiro128** generator. Both are
 * public-domain 32-bit algorithms that run on plain JS numbers (no BigInt), and are exactly
 * reproducible across platforms.
 */

export interface Rng {
  /** Uniform in [0, 1), 53 bits. */
  next(): number
  /** Uniform in (0, 1): safe for `Math.log`. */
  nextOpen(): number
}

export type StreamKey = readonly (string | number)[]

/** cyrb128 (bryc, public domain): a string → four 32-bit words. */
export function hash128(text: string): [number, number, number, number] {
  let h1 = 1779033703
  let h2 = 3144134277
  let h3 = 1013904242
  let h4 = 2773480762
  for (let i = 0; i < text.length; i++) {
    const k = text.charCodeAt(i)
    h1 = h2 ^ Math.imul(h1 ^ k, 597399067)
    h2 = h3 ^ Math.imul(h2 ^ k, 2869860233)
    h3 = h4 ^ Math.imul(h3 ^ k, 951274213)
    h4 = h1 ^ Math.imul(h4 ^ k, 2716044179)
  }
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067)
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233)
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213)
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179)
  h1 ^= h2 ^ h3 ^ h4
  h2 ^= h1
  h3 ^= h1
  h4 ^= h1
  return [h1 >>> 0, h2 >>> 0, h3 >>> 0, h4 >>> 0]
}

const TWO_POW_26 = 67108864
const TWO_POW_53 = 9007199254740992

/** xoshiro128** (Blackman & Vigna, public domain) seeded with four 32-bit words. */
export function createXoshiro128(seed: readonly [number, number, number, number]): Rng {
  let [a, b, c, d] = seed
  if ((a | b | c | d) === 0) a = 0x9e3779b9
  const nextUint32 = (): number => {
    const result = Math.imul(rotl(Math.imul(b, 5), 7), 9) >>> 0
    const t = b << 9
    c ^= a
    d ^= b
    b ^= c
    a ^= d
    c ^= t
    d = rotl(d, 11)
    return result
  }
  // Decorrelate nearby keys further than the hash alone does.
  for (let i = 0; i < 8; i++) nextUint32()
  const next53 = (): number => (nextUint32() >>> 5) * TWO_POW_26 + (nextUint32() >>> 6)
  return {
    next: () => next53() / TWO_POW_53,
    nextOpen: () => (next53() + 0.5) / TWO_POW_53,
  }
}

const rotl = (x: number, k: number): number => (x << k) | (x >>> (32 - k))

/** The substream for one key, e.g. `[seed, replication, 'customer', 17]`. */
export function streamFor(key: StreamKey): Rng {
  return createXoshiro128(hash128(key.map((part) => `${typeof part}:${part}`).join('/')))
}
