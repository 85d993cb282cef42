import type { DriverClock } from './devices/driver.js'

/**
 * Time and randomness are inputs of the bridge: the supervisor, the MQTT client and the drivers
 * get them from here, and tests pass a fake clock (`test/fake-clock.ts`) and a seeded random.
 */
export type Clock = DriverClock

/** A number in [0, 1). */
export type Random = () => number

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout(callback, ms) {
    const timer = setTimeout(callback, ms)
    return { cancel: () => clearTimeout(timer) }
  },
}

export const systemRandom: Random = () => Math.random()
