import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { z } from 'zod'

/**
 * The bridge's birth/death sequence (Sparkplug `bdSeq`): one higher on every CONNECT, kept in
 * the state folder so it keeps growing across restarts. The core drops a death whose `bdSeq` is
 * below the current birth's (a late Will from a connection that was already replaced).
 */
export interface BdSeqStore {
  readonly current: number
  /** Counts one more CONNECT (written to disk before it is used). */
  next(): number
}

const BdSeqFile = z.object({ bdSeq: z.number().int().nonnegative() })

export function openBdSeqStore(stateDir: string): BdSeqStore {
  mkdirSync(stateDir, { recursive: true })
  const file = path.join(stateDir, 'bdseq.json')
  let current = 0
  try {
    const parsed = BdSeqFile.safeParse(JSON.parse(readFileSync(file, 'utf8')))
    if (parsed.success) current = parsed.data.bdSeq
  } catch {
    // First start (or an unreadable file): count from 0.
  }
  return {
    get current() {
      return current
    },
    next() {
      current++
      const temporary = `${file}.tmp`
      writeFileSync(temporary, JSON.stringify({ bdSeq: current }))
      renameSync(temporary, file)
      return current
    },
  }
}
