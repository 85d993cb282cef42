import { z } from 'zod'

/**
 * Input reports of HID magnetic-stripe readers (HID POS usage page 0x8E, and the vendor pages of
 * MagTek-style readers): one fixed-size report per swipe, holding each track's length and a
 * fixed-size data field. Where those sit comes from the device's report descriptor, so the layout
 * is configuration; the default is MagTek's 337-byte USB HID swipe report (track lengths at bytes
 * 3–5, 110-byte track fields from byte 7), whose tracks carry their sentinels.
 */
export const HidPosLayout = z
  .object({
    /** Bytes per input report as the link delivers it (a leading report id byte included). */
    reportSize: z.number().int().min(8).max(1024).default(337),
    /** Offset of each track's length byte (Track 1, 2, 3). */
    lengthOffsets: z.array(z.number().int().min(0).max(1023)).min(1).max(3).default([3, 4, 5]),
    /** Offset of each track's data field. */
    dataOffsets: z.array(z.number().int().min(0).max(1023)).min(1).max(3).default([7, 117, 227]),
    /** Size of each track's data field. */
    trackBytes: z.number().int().min(1).max(256).default(110),
    /** Readers that strip sentinels: the driver puts `%…?` and `;…?` back around Tracks 1 and 2. */
    addSentinels: z.boolean().default(false),
  })
  .refine((layout) => layout.lengthOffsets.length === layout.dataOffsets.length, {
    message: 'lengthOffsets and dataOffsets must name the same tracks',
  })
  .refine(
    (layout) =>
      layout.lengthOffsets.every((offset) => offset < layout.reportSize) &&
      layout.dataOffsets.every((offset) => offset + layout.trackBytes <= layout.reportSize),
    { message: 'every track field must fit in the report' },
  )
export type HidPosLayout = z.infer<typeof HidPosLayout>

const SENTINELS: readonly (readonly [number, number])[] = [
  [0x25, 0x3f], // %…?
  [0x3b, 0x3f], // ;…?
  [0x3b, 0x3f], // Track 3 uses ; like Track 2
]

/**
 * Copies the tracks of one report into `out` (one swipe, as a serial reader would send it) and
 * returns the byte count, which exceeds `out.length` when it did not fit. The caller zeroes both
 * buffers.
 */
export function copyHidPosTracks(
  report: Uint8Array,
  layout: HidPosLayout,
  out: Uint8Array,
): number {
  let length = 0
  const push = (byte: number): void => {
    if (length < out.length) out[length] = byte
    length += 1
  }
  layout.lengthOffsets.forEach((lengthOffset, track) => {
    const size = Math.min(report[lengthOffset] ?? 0, layout.trackBytes)
    const start = layout.dataOffsets[track] ?? 0
    if (size === 0) return
    const sentinels = SENTINELS[track]
    if (layout.addSentinels && sentinels) push(sentinels[0])
    for (let index = start; index < start + size; index += 1) push(report[index] ?? 0)
    if (layout.addSentinels && sentinels) push(sentinels[1])
  })
  return length // more than `out` holds: the caller refuses it as an overflow
}

/** A report as a reader sends it, for simulators and tests. */
export function toHidPosReport(tracks: readonly string[], layout: HidPosLayout): Uint8Array {
  const report = new Uint8Array(layout.reportSize)
  layout.lengthOffsets.forEach((lengthOffset, track) => {
    const text = tracks[track] ?? ''
    const bytes = new TextEncoder().encode(text).subarray(0, layout.trackBytes)
    report[lengthOffset] = bytes.length
    report.set(bytes, layout.dataOffsets[track] ?? 0)
  })
  return report
}
