import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  compareHlc,
  HLC_MAX_C,
  hlcZero,
  parseHlc,
  receive,
  tick,
  toHlcString,
  type Hlc,
} from './hlc.js'

// Times drawn from a narrow window as well as the whole range, so equal `l` values (the
// interesting branches of the algorithm) actually occur.
const time = fc.oneof(
  fc.integer({ min: 1_700_000_000_000, max: 1_700_000_000_010 }),
  fc.integer({ min: 0, max: 2 ** 47 }),
)
const counter = fc.oneof(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: HLC_MAX_C }))
const node = fc.stringMatching(/^[0-9a-f]{16}$/)
const hlc: fc.Arbitrary<Hlc> = fc.record({ l: time, c: counter, node })

const after = (a: Hlc, b: Hlc): boolean => a.l > b.l || (a.l === b.l && a.c > b.c)

describe('hybrid logical clock', () => {
  it('tick is strictly monotonic under any physical time, including backward jumps', () => {
    fc.assert(
      fc.property(node, fc.array(time, { minLength: 1, maxLength: 50 }), (n, times) => {
        let prev = hlcZero(n)
        for (const pt of times) {
          const next = tick(prev, pt)
          expect(after(next, prev)).toBe(true)
          expect(next.l).toBeGreaterThanOrEqual(pt)
          expect(next.node).toBe(n)
          prev = next
        }
      }),
    )
  })

  it('receive is after both the local and the remote stamp, and never behind the wall clock', () => {
    fc.assert(
      fc.property(hlc, hlc, time, (local, remote, pt) => {
        const next = receive(local, remote, pt)
        expect(after(next, local)).toBe(true)
        expect(after(next, remote)).toBe(true)
        expect(next.l).toBeGreaterThanOrEqual(pt)
        expect(next.node).toBe(local.node)
      }),
    )
  })

  it('orders wire strings exactly like tuples (l, c, node)', () => {
    fc.assert(
      fc.property(hlc, hlc, (a, b) => {
        const [x, y] = [toHlcString(a), toHlcString(b)]
        expect(x < y ? -1 : x > y ? 1 : 0).toBe(compareHlc(a, b))
      }),
    )
  })

  it('round-trips through the wire string', () => {
    fc.assert(
      fc.property(hlc, (h) => {
        expect(parseHlc(toHlcString(h))).toEqual(h)
      }),
    )
  })

  it('formats 12 hex digits of time, 4 of counter, then the node id', () => {
    const stamp: Hlc = { l: 0x01970a3b2c4d, c: 3, node: 'brn042a000000000' }
    expect(toHlcString(stamp)).toBe('01970a3b2c4d0003-brn042a000000000')
  })

  it('rolls a full counter into the next millisecond instead of wrapping', () => {
    const full: Hlc = { l: 1_000, c: HLC_MAX_C, node: 'aaaaaaaaaaaaaaaa' }
    expect(tick(full, 900)).toEqual({ l: 1_001, c: 0, node: full.node })
    expect(receive(full, { ...full, node: 'bbbbbbbbbbbbbbbb' }, 900)).toEqual({
      l: 1_001,
      c: 0,
      node: full.node,
    })
  })

  it('rejects node ids that would break the sort order and malformed strings', () => {
    expect(() => toHlcString({ l: 1, c: 0, node: 'short' })).toThrow(RangeError)
    expect(() => hlcZero('brn-042')).toThrow(RangeError)
    expect(() => parseHlc('0001970a3b2c4d5e0003-short')).toThrow(RangeError)
    expect(() => parseHlc('0001970A3B2C4D5E0003-aaaaaaaaaaaaaaaa')).toThrow(RangeError)
  })
})
