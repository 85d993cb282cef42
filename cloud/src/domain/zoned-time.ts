/**
 * Wall-clock time in an IANA zone ↔ UTC instants, through `Intl` only (Node's ICU tz data), so
 * DST and historic offset changes (Asia/Almaty left UTC+6 for UTC+5 on 2024-03-01) come for free.
 */

const MINUTE_MS = 60_000
const DAY_MS = 86_400_000

/** A local calendar date and wall time; `minutes` counts from local midnight (0…1440). */
export interface WallTime {
  year: number
  month: number
  day: number
  minutes: number
}

const FORMATTERS = new Map<string, Intl.DateTimeFormat>()

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = FORMATTERS.get(timeZone)
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    })
    FORMATTERS.set(timeZone, formatter)
  }
  return formatter
}

interface Parts {
  readonly year: number
  readonly month: number
  readonly day: number
  readonly hour: number
  readonly minute: number
  readonly second: number
}

/**
 * `formatToParts` is the costly step (slots of a day read it for every start): its results are
 * memoised per zone and whole second. Pure (same input, same output); the memo is bounded.
 */
const PARTS = new Map<string, Parts>()
const PARTS_LIMIT = 20_000

function partsAt(floored: number, timeZone: string): Parts {
  const key = `${timeZone}|${floored}`
  const hit = PARTS.get(key)
  if (hit) return hit
  const raw: Record<string, number> = {}
  for (const part of formatterFor(timeZone).formatToParts(new Date(floored))) {
    if (part.type !== 'literal') raw[part.type] = Number(part.value)
  }
  const parts: Parts = {
    year: raw['year'] ?? 0,
    month: raw['month'] ?? 0,
    day: raw['day'] ?? 0,
    hour: raw['hour'] ?? 0,
    minute: raw['minute'] ?? 0,
    second: raw['second'] ?? 0,
  }
  if (PARTS.size >= PARTS_LIMIT) PARTS.clear()
  PARTS.set(key, parts)
  return parts
}

/** Whether `timeZone` is an IANA name this runtime knows. */
export function isKnownTimeZone(timeZone: string): boolean {
  try {
    formatterFor(timeZone)
    return true
  } catch {
    return false
  }
}

/** The wall time an instant shows in a zone (seconds dropped). */
export function toWallTime(instant: number, timeZone: string): WallTime {
  const parts = partsAt(Math.floor(instant / 1000) * 1000, timeZone)
  return {
    year: parts.year,
    month: parts.month,
    day: parts.day,
    minutes: parts.hour * 60 + parts.minute,
  }
}

/** UTC offset of a zone at an instant, in ms (east positive), at whole-second precision. */
export function offsetAt(instant: number, timeZone: string): number {
  const floored = Math.floor(instant / 1000) * 1000
  const p = partsAt(floored, timeZone)
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second)
  return asUtc - floored
}

/**
 * Every instant that shows `wall` in the zone: none in a gap (spring forward), two in a repeated
 * hour (fall back, earlier first), otherwise one. Handles one offset change within a day either
 * side, which is all real zones do.
 */
export function instantsOf(wall: WallTime, timeZone: string): number[] {
  const asUtc = Date.UTC(wall.year, wall.month - 1, wall.day) + wall.minutes * MINUTE_MS
  const offsets = new Set([offsetAt(asUtc - DAY_MS, timeZone), offsetAt(asUtc + DAY_MS, timeZone)])
  const instants = [...offsets]
    .map((offset) => asUtc - offset)
    .filter((instant) => offsetAt(instant, timeZone) === asUtc - instant)
  return [...new Set(instants)].sort((a, b) => a - b)
}

/**
 * One instant for a wall time, disambiguated like Temporal's `'compatible'`: the earlier of two in a
 * repeated hour; in a gap, the wall time read with the offset before the gap (so 02:30 on a
 * spring-forward day becomes 03:30 of the new offset).
 */
export function instantOf(wall: WallTime, timeZone: string): number {
  const [first] = instantsOf(wall, timeZone)
  if (first !== undefined) return first
  const asUtc = Date.UTC(wall.year, wall.month - 1, wall.day) + wall.minutes * MINUTE_MS
  return asUtc - offsetAt(asUtc - DAY_MS, timeZone)
}
