import { z } from 'zod'

/**
 * Hybrid logical clock (Kulkarni et al. 2014), design/sync.md §6 and §9.1.
 * Stamps order by `(l, c)` and then by `node`, so equal stamps from two nodes still converge.
 */
export interface Hlc {
  /** Milliseconds since the Unix epoch (48 bits). */
  readonly l: number
  /** Logical counter within one `l` (16 bits). */
  readonly c: number
  /** Fixed-length node id (`HLC_NODE_LENGTH` characters): appliance id or `cloud-…`. */
  readonly node: string
}

export const HLC_NODE_LENGTH = 16
export const HLC_MAX_L = 2 ** 48 - 1
export const HLC_MAX_C = 0xffff

const NODE_PATTERN = /^[0-9A-Za-z_-]{16}$/
const WIRE_PATTERN = /^([0-9a-f]{12})([0-9a-f]{4})-([0-9A-Za-z_-]{16})$/

/** Node ids are fixed-length so that the wire string sorts like the tuple. */
export const HlcNode = z.string().regex(NODE_PATTERN, 'must be 16 letters, digits, "-" or "_"')

/** The sortable wire form: 12 hex digits of `l`, 4 of `c`, `-`, the node id. */
export const HlcString = z.string().regex(WIRE_PATTERN, 'must be an HLC wire string')

/** The zero stamp of a node: every real stamp is after it. */
export function hlcZero(node: string): Hlc {
  assertNode(node)
  return { l: 0, c: 0, node }
}

/** Stamp a local event (or a send) at physical time `nowMs`; strictly after `prev`. */
export function tick(prev: Hlc, nowMs: number): Hlc {
  const pt = physical(nowMs)
  if (pt > prev.l) return { l: pt, c: 0, node: prev.node }
  return bump(prev.l, prev.c + 1, prev.node)
}

/**
 * Fold in a stamp received from another node; the result is after both `prev` and `remote`.
 * Never throws: bounding clock skew is the caller's policy (design/sync.md §9.1 rule 3).
 */
export function receive(prev: Hlc, remote: Hlc, nowMs: number): Hlc {
  const pt = physical(nowMs)
  const l = Math.max(prev.l, remote.l, pt)
  if (l === prev.l && l === remote.l) return bump(l, Math.max(prev.c, remote.c) + 1, prev.node)
  if (l === prev.l) return bump(l, prev.c + 1, prev.node)
  if (l === remote.l) return bump(l, remote.c + 1, prev.node)
  return { l, c: 0, node: prev.node }
}

/** Total order: `(l, c)` first, then the node id. */
export function compareHlc(a: Hlc, b: Hlc): number {
  if (a.l !== b.l) return a.l < b.l ? -1 : 1
  if (a.c !== b.c) return a.c < b.c ? -1 : 1
  if (a.node === b.node) return 0
  return a.node < b.node ? -1 : 1
}

export function toHlcString(hlc: Hlc): string {
  assertNode(hlc.node)
  if (!Number.isInteger(hlc.l) || hlc.l < 0 || hlc.l > HLC_MAX_L)
    throw new RangeError(`HLC time out of range: ${hlc.l}`)
  if (!Number.isInteger(hlc.c) || hlc.c < 0 || hlc.c > HLC_MAX_C)
    throw new RangeError(`HLC counter out of range: ${hlc.c}`)
  return `${hlc.l.toString(16).padStart(12, '0')}${hlc.c.toString(16).padStart(4, '0')}-${hlc.node}`
}

/** Parses the wire form; throws a `RangeError` on anything else. */
export function parseHlc(text: string): Hlc {
  const match = WIRE_PATTERN.exec(text)
  if (!match) throw new RangeError(`Not an HLC string: ${JSON.stringify(text)}`)
  const [, l = '', c = '', node = ''] = match
  return { l: parseInt(l, 16), c: parseInt(c, 16), node }
}

/** Physical time rounded up to whole milliseconds (the paper rounds `pt` up). */
function physical(nowMs: number): number {
  return Math.min(Math.max(Math.ceil(nowMs), 0), HLC_MAX_L)
}

/** A counter past 16 bits rolls into the next millisecond rather than wrapping. */
function bump(l: number, c: number, node: string): Hlc {
  return c > HLC_MAX_C ? { l: l + 1, c: 0, node } : { l, c, node }
}

function assertNode(node: string): void {
  if (!NODE_PATTERN.test(node))
    throw new RangeError(`HLC node id must be ${HLC_NODE_LENGTH} letters, digits, "-" or "_"`)
}
