import { mkdir, readFile, rename, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { z } from 'zod'

/**
 * The printer driver's durable state in its state folder: the paper counter and the last job ids
 * (so a resent job prints once, across restarts). One JSON file, replaced atomically.
 */

export const RECENT_JOB_LIMIT = 1000

const RecentJob = z.object({
  id: z.string().max(128),
  mode: z.enum(['text', 'raster', 'mixed']),
  bytes: z.number().int().nonnegative(),
  paperUsedMm: z.number().nonnegative(),
})
export type RecentJob = z.infer<typeof RecentJob>

export const PrinterDurableState = z.object({
  version: z.literal(1),
  paperUsedMm: z.number().nonnegative(),
  ticketsPrinted: z.number().int().nonnegative(),
  /** Set by `paper-replaced` with a roll length; null: the configured length. */
  rollLengthMm: z.number().positive().nullable(),
  recentJobs: z.array(RecentJob).max(RECENT_JOB_LIMIT),
})
export type PrinterDurableState = z.infer<typeof PrinterDurableState>

export const EMPTY_DURABLE_STATE: PrinterDurableState = {
  version: 1,
  paperUsedMm: 0,
  ticketsPrinted: 0,
  rollLengthMm: null,
  recentJobs: [],
}

export interface PrinterStore {
  readonly path: string
  /** The saved state; a missing file is a fresh printer; a corrupt one is moved aside (reported). */
  load(): Promise<{ state: PrinterDurableState; problem: string | null }>
  save(state: PrinterDurableState): Promise<void>
}

export function createPrinterStore(stateDir: string): PrinterStore {
  const path = join(stateDir, 'printer.json')
  return {
    path,
    async load() {
      let text: string
      try {
        text = await readFile(path, 'utf8')
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT')
          return { state: EMPTY_DURABLE_STATE, problem: null }
        throw new Error(`Cannot read the printer state ${path}`, { cause: error })
      }
      let json: unknown
      try {
        json = JSON.parse(text)
      } catch {
        json = undefined
      }
      const parsed = PrinterDurableState.safeParse(json)
      if (parsed.success) return { state: parsed.data, problem: null }
      const aside = `${path}.corrupt`
      await rename(path, aside)
      return {
        state: EMPTY_DURABLE_STATE,
        problem: `printer state ${path} was unreadable; moved to ${aside}`,
      }
    },
    async save(state) {
      await mkdir(stateDir, { recursive: true })
      const temporary = `${path}.tmp`
      await writeFile(temporary, JSON.stringify(state))
      await rename(temporary, path)
    },
  }
}

/** Adds a job to the recent ones, keeping the newest `RECENT_JOB_LIMIT`. */
export function rememberJob(state: PrinterDurableState, job: RecentJob): PrinterDurableState {
  return { ...state, recentJobs: [...state.recentJobs, job].slice(-RECENT_JOB_LIMIT) }
}
