/** Time as an input (milliseconds since the Unix epoch). */
export interface Clock {
  now(): number
}

export interface LoginThrottleOptions {
  readonly clock: Clock
  /** Failed attempts per login or per client address within `windowMs` before refusing. */
  readonly maxFailures?: number
  readonly windowMs?: number
  /** Most keys remembered; the oldest are forgotten first (bounded memory under attack). */
  readonly maxKeys?: number
}

export interface LoginThrottle {
  /** Seconds until an attempt for this login from this address may be made; 0 when allowed now. */
  retryAfterSeconds(input: { login: string; ip: string }): number
  recordFailure(input: { login: string; ip: string }): void
  recordSuccess(input: { login: string }): void
}

/**
 * In-memory login throttling: after `maxFailures` failed attempts for a login, or from an address,
 * within `windowMs`, further attempts are refused until the oldest failure leaves the window.
 * Memory only on purpose: a restart forgets, which is acceptable for a branch appliance.
 */
export function createLoginThrottle(options: LoginThrottleOptions): LoginThrottle {
  const { clock, maxFailures = 5, windowMs = 15 * 60_000, maxKeys = 10_000 } = options
  const failures = new Map<string, number[]>()
  const keysOf = (input: { login: string; ip?: string }): string[] =>
    input.ip === undefined ? [`login:${input.login}`] : [`login:${input.login}`, `ip:${input.ip}`]

  const recent = (key: string, now: number): number[] => {
    const kept = (failures.get(key) ?? []).filter((at) => now - at < windowMs)
    if (kept.length === 0) failures.delete(key)
    else failures.set(key, kept)
    return kept
  }

  return {
    retryAfterSeconds(input) {
      const now = clock.now()
      let waitMs = 0
      for (const key of keysOf(input)) {
        const kept = recent(key, now)
        if (kept.length < maxFailures) continue
        const oldestThatBlocks = kept[kept.length - maxFailures] ?? now
        waitMs = Math.max(waitMs, oldestThatBlocks + windowMs - now)
      }
      return Math.ceil(waitMs / 1000)
    },
    recordFailure(input) {
      const now = clock.now()
      for (const key of keysOf(input)) {
        const kept = recent(key, now)
        failures.delete(key) // re-insert: Map order is then least recently failed first
        failures.set(key, [...kept.slice(-maxFailures), now])
      }
      while (failures.size > maxKeys) {
        const oldest = failures.keys().next()
        if (oldest.done) break
        failures.delete(oldest.value)
      }
    },
    recordSuccess(input) {
      failures.delete(`login:${input.login}`)
    },
  }
}
