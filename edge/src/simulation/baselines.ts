import type { IdleOperator, SimPolicy } from './policy.js'
import type { Scenario } from './scenario.js'
import type { DayScript, ScriptedCustomer, ScriptedOperator } from './script.js'

/**
 * The comparison policies of design/queueing.md §5.3, implemented directly (they are not the
 * engine). All of them treat operators as universal (speed factor 1) and ignore priority classes.
 *
 * - B0: a line per counter, the customer joins the shortest (JSQ), no jockeying.
 * - B1: one FIFO queue, universal operators ("one queue for all operations").
 * - B2: one FIFO queue per service group with dedicated operators (allocation given; search it).
 * - L1: pooled FIFO with fully cross-trained operators: the FIFO pooling limit. With universal
 *   operators at speed 1 it is the same discipline as B1.
 * - L2: pooled, shortest expected service first with aging.
 */

/** FIFO with lazy deletion (abandoned tickets are skipped when they reach the head). */
export class FifoLine {
  private readonly items: ScriptedCustomer[] = []
  private head = 0
  private readonly removed = new Set<number>()
  private count = 0

  get size(): number {
    return this.count
  }

  push(customer: ScriptedCustomer): void {
    this.items.push(customer)
    this.count++
  }

  remove(customer: ScriptedCustomer): boolean {
    if (!this.items.includes(customer) || this.removed.has(customer.index)) return false
    this.removed.add(customer.index)
    this.count--
    return true
  }

  shift(): ScriptedCustomer | null {
    while (this.head < this.items.length) {
      const next = this.items[this.head++]
      if (next && !this.removed.has(next.index)) {
        this.count--
        return next
      }
    }
    return null
  }

  clone(): FifoLine {
    const copy = new FifoLine()
    copy.items.push(...this.items.slice(this.head))
    for (const index of this.removed) copy.removed.add(index)
    copy.count = this.count
    return copy
  }

  /** Remaining customers in order, emptying the line. */
  drain(): ScriptedCustomer[] {
    const rest: ScriptedCustomer[] = []
    for (let c = this.shift(); c; c = this.shift()) rest.push(c)
    return rest
  }
}

const longestIdleFirst = (idle: readonly IdleOperator[]): IdleOperator[] =>
  [...idle].sort((a, b) => a.idleSince - b.idleSince || a.operator.index - b.operator.index)

const noop = (): void => undefined

/** Shared no-op parts: universal operators, nothing to tell the queue about service progress. */
const universal = {
  startService: noop,
  finish: noop,
  noShow: noop,
  speedFactor: () => 1,
}

/** B1 and L1: a single pooled FIFO queue. */
export function createPooledFifo(name: 'B1' | 'L1' = 'L1', line = new FifoLine()): SimPolicy {
  return {
    name,
    fork: () => createPooledFifo(name, line.clone()),
    ...universal,
    signIn: noop,
    signOut: noop,
    pause: noop,
    resume: noop,
    issue(customer) {
      line.push(customer)
      return { predictedWait: null }
    },
    offerTo: (_customer, idle) => longestIdleFirst(idle),
    callNext: () => line.shift(),
    abandon: (customer) => void line.remove(customer),
  }
}

/** B0: per-counter lines, join the shortest line; a closed counter's line rejoins the others. */
export function createShortestLine(
  script: DayScript,
  from?: {
    lines: readonly FifoLine[]
    status: readonly { atWork: boolean; busy: boolean }[]
    lineOf: ReadonlyMap<number, number>
  },
): SimPolicy {
  const lines = from?.lines.map((l) => l.clone()) ?? script.operators.map(() => new FifoLine())
  const status =
    from?.status.map((s) => ({ ...s })) ??
    script.operators.map(() => ({ atWork: false, busy: false }))
  const lineOf = new Map<number, number>(from?.lineOf ?? [])

  const join = (customer: ScriptedCustomer) => {
    const open = status.map((s, i) => (s.atWork ? i : -1)).filter((i) => i >= 0)
    const candidates = open.length > 0 ? open : status.map((_s, i) => i)
    const length = (i: number) => (lines[i]?.size ?? 0) + (status[i]?.busy ? 1 : 0)
    const shortest = Math.min(...candidates.map(length))
    const ties = candidates.filter((i) => length(i) === shortest)
    const chosen = ties[Math.floor(customer.tieBreak * ties.length)] ?? ties[0] ?? 0
    lines[chosen]?.push(customer)
    lineOf.set(customer.index, chosen)
  }
  const close = (o: ScriptedOperator) => {
    const s = status[o.index]
    if (s) s.atWork = false
    for (const customer of lines[o.index]?.drain() ?? []) join(customer)
  }
  return {
    name: 'B0',
    ...universal,
    fork: () => createShortestLine(script, { lines, status, lineOf }),
    signIn(o) {
      const s = status[o.index]
      if (s) s.atWork = true
    },
    signOut: close,
    pause: close,
    resume(o) {
      const s = status[o.index]
      if (s) s.atWork = true
    },
    issue(customer) {
      join(customer)
      return { predictedWait: null }
    },
    offerTo: (customer, idle) =>
      idle.filter((i) => i.operator.index === lineOf.get(customer.index)),
    callNext(o) {
      const next = lines[o.index]?.shift() ?? null
      const s = status[o.index]
      if (s) s.busy = next !== null
      return next
    },
    finish(o) {
      const s = status[o.index]
      if (s) s.busy = false
    },
    noShow(o) {
      const s = status[o.index]
      if (s) s.busy = false
    },
    abandon: (customer) => void lines[lineOf.get(customer.index) ?? -1]?.remove(customer),
  }
}

/**
 * B2: dedicated FIFO queues per service group. `allocation[g]` operators serve group g; operators
 * are assigned to groups in staff order.
 */
export function createDedicatedQueues(
  scenario: Pick<Scenario, 'services'> & { groups: readonly { services: readonly string[] }[] },
  input: { script: DayScript; allocation: readonly number[]; lines?: readonly FifoLine[] },
): SimPolicy {
  const { groups } = scenario
  const groupOfService = new Map<string, number>()
  groups.forEach((g, i) => {
    for (const s of g.services) groupOfService.set(s, i)
  })
  const groupOfOperator: number[] = []
  input.allocation.forEach((n, g) => {
    for (let k = 0; k < n; k++) groupOfOperator.push(g)
  })
  if (groupOfOperator.length !== input.script.operators.length)
    throw new Error(
      `B2 allocation ${input.allocation.join('/')} does not use all ${input.script.operators.length} operators`,
    )
  const lines = input.lines?.map((l) => l.clone()) ?? groups.map(() => new FifoLine())
  return {
    name: 'B2',
    ...universal,
    fork: () => createDedicatedQueues(scenario, { ...input, lines }),
    signIn: noop,
    signOut: noop,
    pause: noop,
    resume: noop,
    issue(customer) {
      lines[groupOfService.get(customer.serviceId) ?? 0]?.push(customer)
      return { predictedWait: null }
    },
    offerTo: (customer, idle) =>
      longestIdleFirst(
        idle.filter(
          (i) => groupOfOperator[i.operator.index] === groupOfService.get(customer.serviceId),
        ),
      ),
    callNext: (o) => lines[groupOfOperator[o.index] ?? -1]?.shift() ?? null,
    abandon: (customer) =>
      void lines[groupOfService.get(customer.serviceId) ?? 0]?.remove(customer),
  }
}

/**
 * L2: pooled queue ordered by aging · minutes waited − expected service minutes (shortest
 * expected service first, with aging so that long services are not starved).
 */
export function createShortestServiceFirst(
  scenario: Pick<Scenario, 'services'>,
  options: { agingPerMinute?: number; waiting?: readonly ScriptedCustomer[] } = {},
): SimPolicy {
  const aging = options.agingPerMinute ?? 1
  const expected = new Map(scenario.services.map((s) => [s.id, s.meanMinutes]))
  let waiting: ScriptedCustomer[] = [...(options.waiting ?? [])]
  return {
    name: 'L2',
    ...universal,
    fork: () => createShortestServiceFirst(scenario, { ...options, waiting }),
    signIn: noop,
    signOut: noop,
    pause: noop,
    resume: noop,
    issue(customer) {
      waiting.push(customer)
      return { predictedWait: null }
    },
    offerTo: (_customer, idle) => longestIdleFirst(idle),
    callNext(_o, now) {
      let best: ScriptedCustomer | null = null
      let bestScore = -Infinity
      for (const c of waiting) {
        const score = (aging * (now - c.arrival)) / 60_000 - (expected.get(c.serviceId) ?? 0)
        if (score > bestScore) {
          best = c
          bestScore = score
        }
      }
      if (best) waiting = waiting.filter((c) => c !== best)
      return best
    },
    abandon(customer) {
      waiting = waiting.filter((c) => c !== customer)
    },
  }
}
