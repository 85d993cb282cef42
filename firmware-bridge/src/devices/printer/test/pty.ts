import { ptyTestsEnabled } from '../../../../test/pty.js'
import { startPtyPair as startSocatPair } from '../../../simulators/pty-pair.js'

/** A socat PTY pair (design/devices.md §5) for the printer's tests over the real serial binding. */
export const ptyTestsCanRun = ptyTestsEnabled

export interface PtyPair extends AsyncDisposable {
  /** The bridge end. */
  readonly hostPath: string
  /** The printer end. */
  readonly devicePath: string
  stop(): Promise<void>
}

export async function startPtyPair(): Promise<PtyPair> {
  const pair = await startSocatPair()
  return {
    hostPath: pair.bridgeEnd,
    devicePath: pair.deviceEnd,
    stop: pair.stop,
    [Symbol.asyncDispose]: pair.stop,
  }
}
