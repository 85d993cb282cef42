import type { NowServingItem } from '@kqms/shared/mqtt'

/**
 * What the hall display shows from a now-serving snapshot (pure, tested without a DOM): the
 * current call of each counter, newest first, and the older calls as history.
 */
export interface HallView {
  readonly current: readonly NowServingItem[]
  readonly history: readonly NowServingItem[]
}

export function hallView(
  items: readonly NowServingItem[],
  limits: { current: number; history: number } = { current: 5, history: 6 },
): HallView {
  const seenCounters = new Set<string>()
  const current: NowServingItem[] = []
  const history: NowServingItem[] = []
  for (const item of items) {
    if (!seenCounters.has(item.counterId) && current.length < limits.current) {
      seenCounters.add(item.counterId)
      current.push(item)
    } else if (history.length < limits.history) history.push(item)
  }
  return { current, history }
}

/** A call is highlighted (blinks) for this long after it was made. */
export const HIGHLIGHT_MS = 12_000

/** Whether a call is fresh at `ts` (appliance clock of the snapshot). */
export const isFresh = (item: NowServingItem, ts: number): boolean =>
  ts - item.calledAt < HIGHLIGHT_MS

/** Extra announcement languages from `?also=ru,en` (the ticket's own language always comes first). */
export function alsoLanguages(search: string): ('kk' | 'ru' | 'en')[] {
  const raw = new URLSearchParams(search).get('also') ?? ''
  return raw
    .split(',')
    .map((s) => s.trim())
    .filter((s): s is 'kk' | 'ru' | 'en' => s === 'kk' || s === 'ru' || s === 'en')
}
