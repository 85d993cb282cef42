/**
 * The last `capacity` entries by insertion (an LRU of recently seen command ids): a command that
 * arrives again (QoS 1 redelivery, the core resending after a reconnect) gets the first answer.
 */
export interface RecentMap<TValue> {
  get(key: string): TValue | undefined
  set(key: string, value: TValue): void
  delete(key: string): void
  readonly size: number
}

export function createRecentMap<TValue>(capacity: number): RecentMap<TValue> {
  const entries = new Map<string, TValue>()
  return {
    get: (key) => entries.get(key),
    set(key, value) {
      entries.delete(key)
      entries.set(key, value)
      while (entries.size > capacity) {
        const oldest = entries.keys().next()
        if (oldest.done === true) break
        entries.delete(oldest.value)
      }
    },
    delete(key) {
      entries.delete(key)
    },
    get size() {
      return entries.size
    },
  }
}
