import type { Random } from './clock.js'

/**
 * Jittered exponential backoff ("equal jitter"): attempt n waits a random time in
 * [e/2, e] where e = min(cap, base·2ⁿ). Many bridges that lost the same broker or hub spread out
 * instead of retrying in step (design/devices.md §3.5: MQTT.js has no backoff of its own).
 */
export interface BackoffOptions {
  readonly baseMs: number
  readonly capMs: number
}

export interface Backoff {
  /** The delay before the next attempt; each call counts one attempt. */
  next(): number
  /** After a success: the next delay starts from `baseMs` again. */
  reset(): void
  readonly attempt: number
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 250, capMs: 30_000 }

export function createBackoff(options: BackoffOptions & { readonly random: Random }): Backoff {
  let attempt = 0
  return {
    next() {
      const ceiling = Math.min(options.capMs, options.baseMs * 2 ** Math.min(attempt, 30))
      attempt++
      return Math.round(ceiling / 2 + options.random() * (ceiling / 2))
    },
    reset() {
      attempt = 0
    },
    get attempt() {
      return attempt
    },
  }
}
