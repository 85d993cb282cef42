import { describe, expect, it } from 'vitest'
import { createLoginThrottle } from './login-throttle.js'

const minutes = (n: number): number => n * 60_000

/** A clock the test moves by hand. */
function fakeClock(start = Date.parse('2026-11-23T05:00:00Z')) {
  let now = start
  return {
    now: () => now,
    advance(ms: number) {
      now += ms
    },
  }
}

describe(createLoginThrottle.name, () => {
  it('allows 5 failures and blocks the 6th attempt until the first leaves the window', () => {
    const clock = fakeClock()
    const throttle = createLoginThrottle({ clock })
    const attempt = { login: 'a', ip: '10.0.0.1' }
    for (let i = 0; i < 5; i++) {
      expect(throttle.retryAfterSeconds(attempt)).toBe(0)
      throttle.recordFailure(attempt)
      clock.advance(minutes(1))
    }
    expect(throttle.retryAfterSeconds(attempt)).toBe(10 * 60)
    clock.advance(minutes(10))
    expect(throttle.retryAfterSeconds(attempt)).toBe(0)
  })

  it('forgets a login’s failures after a success, but not the address’s', () => {
    const clock = fakeClock()
    const throttle = createLoginThrottle({ clock, maxFailures: 2 })
    throttle.recordFailure({ login: 'a', ip: '10.0.0.1' })
    throttle.recordFailure({ login: 'a', ip: '10.0.0.1' })
    throttle.recordSuccess({ login: 'a' })
    expect(throttle.retryAfterSeconds({ login: 'a', ip: '10.0.0.2' })).toBe(0)
    expect(throttle.retryAfterSeconds({ login: 'b', ip: '10.0.0.1' })).toBeGreaterThan(0)
  })

  it('keeps memory bounded', () => {
    const clock = fakeClock()
    const throttle = createLoginThrottle({ clock, maxKeys: 10 })
    for (let i = 0; i < 100; i++) throttle.recordFailure({ login: `user-${i}`, ip: `10.0.0.${i}` })
    // The oldest were forgotten: user-0 can try again.
    for (let i = 0; i < 5; i++) throttle.recordFailure({ login: 'user-99', ip: '10.9.9.9' })
    expect(throttle.retryAfterSeconds({ login: 'user-0', ip: '10.8.8.8' })).toBe(0)
    expect(throttle.retryAfterSeconds({ login: 'user-99', ip: '10.8.8.8' })).toBeGreaterThan(0)
  })
})
