import type { Instant } from '@kqms/shared/domain'
import type { Clock } from '../src/usecases/ports.js'

/** A clock that moves only when the test says so. Times are ms or ISO strings with an offset. */
export interface FakeClock extends Clock {
  set(to: number | string): void
  advance(ms: number): void
}

/** Monday 2025-03-03 10:00 in Asia/Almaty (UTC+5): the branch in `given.ts` is open. */
export const MONDAY_10_00_ALMATY = '2025-03-03T10:00:00+05:00'

export function fakeClock(start: number | string = MONDAY_10_00_ALMATY): FakeClock {
  const toMs = (t: number | string): number => (typeof t === 'number' ? t : Date.parse(t))
  let now = toMs(start)
  if (Number.isNaN(now)) throw new RangeError(`Not a time: ${start}`)
  return {
    now: () => now as Instant,
    set(to) {
      now = toMs(to)
    },
    advance(ms) {
      now += ms
    },
  }
}

export const minutes = (n: number): number => n * 60_000
