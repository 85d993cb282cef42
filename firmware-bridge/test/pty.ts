import { hasSocat } from '../src/simulators/pty-pair.js'

export { hasSocat, startPtyPair, type PtyPair } from '../src/simulators/pty-pair.js'

/** True when PTY tests can run; says loudly why not; under CI=true a missing socat fails. */
export function ptyTestsEnabled(suite: string): boolean {
  if (hasSocat()) return true
  if (process.env['CI'] === 'true')
    throw new Error(`${suite}: socat is required under CI=true (apt-get install socat)`)
  console.warn(`\n*** SKIPPING ${suite}: socat is not installed (apt-get install socat) ***\n`)
  return false
}
