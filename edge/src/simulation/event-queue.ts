/**
 * The discrete-event kernel's agenda: a binary heap ordered by (time, rank, insertion sequence),
 * so events at the same instant run in a fixed order (design/queueing.md §5.6) and the run is a
 * pure function of its inputs.
 */
export interface Scheduled<TEvent> {
  readonly time: number
  readonly rank: number
  readonly sequence: number
  readonly event: TEvent
}

export class EventQueue<TEvent> {
  private readonly heap: Scheduled<TEvent>[] = []
  private sequence = 0

  get size(): number {
    return this.heap.length
  }

  /**
   * An independent copy holding the scheduled items that pass `keep` (all by default), with the
   * same keys, so the copy pops them in the same order; later pushes continue the sequence.
   */
  clone(keep: (item: Scheduled<TEvent>) => boolean = () => true): EventQueue<TEvent> {
    const copy = new EventQueue<TEvent>()
    // A sorted array is a valid binary heap.
    for (const item of this.heap.filter(keep).sort((a, b) => (before(a, b) ? -1 : 1)))
      copy.heap.push(item)
    copy.sequence = this.sequence
    return copy
  }

  push(time: number, rank: number, event: TEvent): void {
    const item = { time, rank, sequence: this.sequence++, event }
    const heap = this.heap
    heap.push(item)
    let i = heap.length - 1
    while (i > 0) {
      const parent = (i - 1) >> 1
      const p = heap[parent]
      if (!p || !before(item, p)) break
      heap[i] = p
      i = parent
    }
    heap[i] = item
  }

  pop(): Scheduled<TEvent> | undefined {
    const heap = this.heap
    const top = heap[0]
    const last = heap.pop()
    if (top === undefined || last === undefined || heap.length === 0) return top
    let i = 0
    for (;;) {
      const left = 2 * i + 1
      const right = left + 1
      let smallest = last
      let at = -1
      const l = heap[left]
      if (l && before(l, smallest)) {
        smallest = l
        at = left
      }
      const r = heap[right]
      if (r && before(r, smallest)) {
        smallest = r
        at = right
      }
      if (at < 0) break
      heap[i] = smallest
      i = at
    }
    heap[i] = last
    return top
  }
}

const before = <T>(a: Scheduled<T>, b: Scheduled<T>): boolean =>
  a.time < b.time ||
  (a.time === b.time && (a.rank < b.rank || (a.rank === b.rank && a.sequence < b.sequence)))
