import type { Clock } from '../src/clock.js'

/** A clock that moves only when the test says so; timers run in time order as it advances. */
export interface FakeClock extends Clock {
  /** Moves time forward, running due timers (and letting promises settle between them). */
  advance(ms: number): Promise<void>
  /** Lets pending promise callbacks run without moving time. */
  settle(): Promise<void>
  readonly pendingTimers: number
}

const settle = async (): Promise<void> => {
  for (let i = 0; i < 5; i++) await new Promise<void>((resolve) => setImmediate(resolve))
}

export function createFakeClock(start = Date.parse('2026-03-02T09:00:00Z')): FakeClock {
  let now = start
  let sequence = 0
  const timers = new Map<number, { at: number; callback: () => void }>()
  return {
    now: () => now,
    setTimeout(callback, ms) {
      const id = ++sequence
      timers.set(id, { at: now + Math.max(0, ms), callback })
      return { cancel: () => timers.delete(id) }
    },
    async advance(ms) {
      const target = now + ms
      for (;;) {
        await settle()
        let next: [number, { at: number; callback: () => void }] | undefined
        for (const entry of timers)
          if (entry[1].at <= target && (next === undefined || entry[1].at < next[1].at))
            next = entry
        if (next === undefined) break
        timers.delete(next[0])
        now = next[1].at
        next[1].callback()
      }
      now = target
      await settle()
    },
    settle,
    get pendingTimers() {
      return timers.size
    },
  }
}

/** A deterministic random source cycling through `values`. */
export function sequenceRandom(values: readonly number[]): () => number {
  let i = 0
  return () => values[i++ % values.length] ?? 0
}
