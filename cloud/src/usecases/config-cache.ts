import { performance } from 'node:perf_hooks'

/**
 * A short-lived in-memory copy of the configuration that every booking reads (the branch, its
 * effective services, the webhook targets), so the hot path does not re-read three tables per
 * request.
 *
 * Every administrative write in this process (branches, service masters, overrides, webhooks)
 * calls `invalidateConfiguration()` after it commits, so this instance sees its own changes at
 * once. A load that started before an invalidation is never stored (generation check), so a read
 * racing a commit cannot keep the old value. Another cloud instance's change is seen within
 * `CONFIG_CACHE_TTL_MS` (the entries expire), which bounds cross-instance staleness.
 */
export const CONFIG_CACHE_TTL_MS = 1_000

interface Entry {
  readonly value: unknown
  readonly loadedAt: number
}

let generation = 0
let entries = new WeakMap<object, Map<string, Entry>>()

/** Drops every cached configuration (call after an administrative change commits). */
export function invalidateConfiguration(): void {
  generation++
  entries = new WeakMap()
}

/** `load()`'s value under `key`, from the cache while fresh. */
export async function cachedConfiguration<T>(
  /** The database (entries are kept per database). */
  db: object,
  key: string,
  load: () => Promise<T>,
): Promise<T> {
  let map = entries.get(db)
  const hit = map?.get(key)
  const now = performance.now()
  if (hit && now - hit.loadedAt < CONFIG_CACHE_TTL_MS) return hit.value as T
  const startedAt = generation
  const value = await load()
  if (startedAt === generation) {
    map = entries.get(db)
    if (!map) {
      map = new Map()
      entries.set(db, map)
    }
    map.set(key, { value, loadedAt: now })
  }
  return value
}
