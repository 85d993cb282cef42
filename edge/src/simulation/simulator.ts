import type { PriorityClass } from '@kqms/shared/domain'
import { EventQueue } from './event-queue.js'
import type { IdleOperator, SimPolicy } from './policy.js'
import type { DayScript, ScriptedBreak, ScriptedCustomer, ScriptedOperator } from './script.js'

/**
 * One business day as a discrete-event simulation (design/queueing.md §5.1): the branch opens
 * empty, customers arrive as scripted, the doors shut at closing and everybody still waiting is
 * served. Pure: the result is a function of the script and the policy.
 *
 * A running day can be forked (`continuationWait`): the copy continues from the current instant
 * with fresh future arrivals, service work, patience and ghosts, which is how the clairvoyant ETA
 * floor samples E[wait | state] (§5.4, `clairvoyant.ts`).
 */

export type TicketOutcome = 'served' | 'abandoned' | 'no_show'

export interface TicketRecord {
  readonly index: number
  readonly serviceId: string
  readonly priorityClass: PriorityClass
  readonly arrival: number
  readonly outcome: TicketOutcome
  /** Time the ticket was called (served, no-show) or left (abandoned). */
  readonly leftQueue: number
  /** leftQueue − arrival, ms: the wait of served tickets, time to abandonment otherwise. */
  readonly wait: number
  readonly started: number | null
  readonly finished: number | null
  readonly operatorIndex: number | null
  /** The policy's own prediction at issue (the engine's `predictWaits`), ms. */
  readonly predictedByPolicy: number | null
  /** The queue-length predictor QL = (n + 1) · E[S] / s at issue, ms (0 if an operator was idle). */
  readonly predictedByQueueLength: number | null
  /**
   * HOL (head of line, design/queueing.md §2.2) at issue, ms: how long the longest-waiting ticket
   * of the same service had waited so far (0 if none was waiting or an operator was idle).
   */
  readonly predictedByHeadOfLine: number | null
  /**
   * LES (last to enter service) at issue, ms: the wait of the last ticket of the same service to
   * be called (0 if none was called yet that day or an operator was idle).
   */
  readonly predictedByLastToEnter: number | null
  /** The clairvoyant floor E[wait | state at issue] for sampled tickets (`clairvoyant.ts`), ms. */
  readonly predictedByClairvoyant: number | null
  /** The median of the same continuation waits (the least-MAE announcement), ms. */
  readonly predictedByClairvoyantMedian: number | null
  /** Tickets waiting when this one was issued. */
  readonly waitingAtIssue: number
  readonly appointmentSlot: number | null
}

export interface DayResult {
  readonly policy: string
  readonly script: DayScript
  readonly tickets: readonly TicketRecord[]
  /** Number of waiting tickets as a step function: [time, count] at every change. */
  readonly queueTrace: readonly (readonly [number, number])[]
  /** Last event (end of the last service), ms after midnight. */
  readonly end: number
  /** Operator time spent on ghost tickets, ms. */
  readonly ghostTime: number
}

export interface SimulateOptions {
  /** Mean configured service time, ms, for the QL predictor. */
  readonly meanServiceMs: number
  readonly walkMs: number
  readonly noShowGraceMs: number
  /**
   * Called after each scripted arrival has been issued and offered to idle operators (the
   * clairvoyant floor forks the day here). Must not change the simulation.
   */
  readonly afterArrival?: (day: DaySimulation, customer: ScriptedCustomer) => void
}

/** What a forked continuation draws afresh (design/queueing.md §5.4 clairvoyant floor). */
export interface Continuation {
  /** An independent copy of the policy at this instant (`SimPolicy.fork`). */
  readonly policy: SimPolicy
  /** The customer whose wait is followed; in the continuation he never leaves. */
  readonly follow: number
  /** Fresh arrivals after now, in time order, with indices unused by the script. */
  readonly arrivals: Iterator<ScriptedCustomer>
  /** Fresh service work (ms at speed 1), greater than `atLeast`. */
  readonly work: (customer: ScriptedCustomer, atLeast: number) => number
  /** Fresh patience (ms after arrival) greater than `atLeast`; null: never leaves. */
  readonly patience: (customer: ScriptedCustomer, atLeast: number) => number | null
  readonly isGhost: (customer: ScriptedCustomer) => boolean
}

type SimEvent =
  | { kind: 'arrival'; customer: ScriptedCustomer; fromSource?: true }
  | { kind: 'abandon'; customer: ScriptedCustomer }
  | { kind: 'start'; operator: number }
  | { kind: 'finish'; operator: number }
  | { kind: 'noShow'; operator: number }
  | { kind: 'shiftStart'; operator: number }
  | { kind: 'shiftEnd'; operator: number }
  | { kind: 'breakStart'; operator: number; pause: ScriptedBreak }
  | { kind: 'breakEnd'; operator: number }

/**
 * Same-instant order (§5.6): a break or shift end due now is noted before a completion frees the
 * operator (so a replayed log, whose pauses start exactly at a completion, replays identically);
 * completions free operators before anyone arrives.
 */
const RANK: Record<SimEvent['kind'], number> = {
  breakStart: 0,
  shiftEnd: 1,
  finish: 2,
  noShow: 3,
  breakEnd: 4,
  shiftStart: 5,
  start: 6,
  arrival: 7,
  abandon: 8,
}

type OperatorStatus = 'off' | 'idle' | 'busy' | 'break' | 'gone'

interface OperatorRun {
  readonly member: ScriptedOperator
  status: OperatorStatus
  idleSince: number
  pendingBreak: ScriptedBreak | null
  pendingSignOut: boolean
  current: ScriptedCustomer | null
}

interface CustomerRun {
  readonly customer: ScriptedCustomer
  status: 'waiting' | 'called' | 'done'
  predictedByPolicy: number | null
  predictedByQueueLength: number | null
  predictedByHeadOfLine: number | null
  predictedByLastToEnter: number | null
  waitingAtIssue: number
  called: number | null
  started: number | null
  operatorIndex: number | null
}

/** Tickets of one service in issue order; `head` skips those no longer waiting (lazily). */
interface ServiceLine {
  readonly runs: CustomerRun[]
  head: number
}

interface DayState {
  readonly script: DayScript
  readonly policy: SimPolicy
  readonly options: SimulateOptions
  readonly agenda: EventQueue<SimEvent>
  readonly operators: OperatorRun[]
  readonly runs: Map<number, CustomerRun>
  readonly lines: Map<string, ServiceLine>
  readonly lastCalledWait: Map<string, number>
  readonly now: number
  readonly waiting: number
  /** Full records and queue trace (off in continuations, which only follow one wait). */
  readonly traced: boolean
  readonly overrides: { work: Map<number, number>; ghost: Map<number, boolean> }
  readonly source: Iterator<ScriptedCustomer> | null
}

export function simulateDay(
  script: DayScript,
  policy: SimPolicy,
  options: SimulateOptions,
): DayResult {
  return DaySimulation.start(script, policy, options).run()
}

const withoutHook = ({ afterArrival: _hook, ...rest }: SimulateOptions): SimulateOptions => rest

export class DaySimulation {
  private readonly script: DayScript
  private readonly policy: SimPolicy
  private readonly options: SimulateOptions
  private readonly agenda: EventQueue<SimEvent>
  private readonly operators: OperatorRun[]
  private readonly runs: Map<number, CustomerRun>
  private readonly lines: Map<string, ServiceLine>
  private readonly lastCalledWait: Map<string, number>
  private readonly traced: boolean
  private readonly overrides: DayState['overrides']
  private readonly source: Iterator<ScriptedCustomer> | null
  private readonly tickets: TicketRecord[] = []
  private readonly queueTrace: [number, number][] = [[0, 0]]
  private waiting: number
  private ghostTime = 0
  private now: number
  private stopAtCallOf: number | null = null
  private stoppedWait: number | null = null

  private constructor(state: DayState) {
    this.script = state.script
    this.policy = state.policy
    this.options = state.options
    this.agenda = state.agenda
    this.operators = state.operators
    this.runs = state.runs
    this.lines = state.lines
    this.lastCalledWait = state.lastCalledWait
    this.traced = state.traced
    this.overrides = state.overrides
    this.source = state.source
    this.now = state.now
    this.waiting = state.waiting
  }

  /** A day at midnight with the script's arrivals and operator events scheduled. */
  static start(script: DayScript, policy: SimPolicy, options: SimulateOptions): DaySimulation {
    const day = new DaySimulation({
      script,
      policy,
      options,
      agenda: new EventQueue<SimEvent>(),
      operators: script.operators.map((member) => ({
        member,
        status: 'off',
        idleSince: 0,
        pendingBreak: null,
        pendingSignOut: false,
        current: null,
      })),
      runs: new Map(),
      lines: new Map(),
      lastCalledWait: new Map(),
      now: 0,
      waiting: 0,
      traced: true,
      overrides: { work: new Map(), ghost: new Map() },
      source: null,
    })
    for (const customer of script.customers)
      day.schedule(customer.arrival, { kind: 'arrival', customer })
    day.operators.forEach((o, i) => {
      day.schedule(o.member.shiftStartMs, { kind: 'shiftStart', operator: i })
      day.schedule(o.member.shiftEndMs, { kind: 'shiftEnd', operator: i })
      for (const pause of o.member.breaks)
        day.schedule(pause.start, { kind: 'breakStart', operator: i, pause })
    })
    return day
  }

  /** Current simulated time, ms after midnight. */
  get time(): number {
    return this.now
  }

  /** Whether the customer holds a ticket and has not been called yet. */
  isWaiting(index: number): boolean {
    return this.runs.get(index)?.status === 'waiting'
  }

  /** Runs the day to its end. */
  run(): DayResult {
    while (this.step());
    this.closeLeftovers()
    this.tickets.sort((a, b) => a.arrival - b.arrival || a.index - b.index)
    return {
      policy: this.policy.name,
      script: this.script,
      tickets: this.tickets,
      queueTrace: this.queueTrace,
      end: this.now,
      ghostTime: this.ghostTime,
    }
  }

  /**
   * Forks the day at this instant and runs the copy with fresh randomness (`continuation`) until
   * the followed customer is called. Returns his wait (ms since his arrival), or null if nobody
   * ever calls him. This day is not changed.
   */
  continuationWait(continuation: Continuation): number | null {
    const fork = this.fork(continuation)
    fork.stopAtCallOf = continuation.follow
    while (fork.stoppedWait === null && fork.step());
    return fork.stoppedWait
  }

  private fork(c: Continuation): DaySimulation {
    const runs = new Map<number, CustomerRun>()
    for (const [index, run] of this.runs) runs.set(index, { ...run })
    const lines = new Map<string, ServiceLine>()
    for (const [service, line] of this.lines) {
      const rest: CustomerRun[] = []
      for (let i = line.head; i < line.runs.length; i++) {
        const run = runs.get(line.runs[i]?.customer.index ?? -1)
        if (run?.status === 'waiting') rest.push(run)
      }
      lines.set(service, { runs: rest, head: 0 })
    }
    const operators = this.operators.map((o) => ({ ...o }))
    const overrides = { work: new Map(this.overrides.work), ghost: new Map(this.overrides.ghost) }
    const now = this.now
    // Redraw what the state does not reveal: the remaining work of services in progress, the
    // work, patience and ghost status of everybody still waiting, and all future arrivals.
    const inService = new Set<number>()
    const finishes: { operator: number; at: number }[] = []
    operators.forEach((o, i) => {
      const customer = o.current
      const run = customer ? runs.get(customer.index) : undefined
      if (!customer || !run || o.status !== 'busy') return
      if (run.started === null) {
        overrides.work.set(customer.index, c.work(customer, 0))
        return
      }
      const speed = c.policy.speedFactor(o.member, customer)
      const elapsed = now - run.started
      const work = c.work(customer, (elapsed + 1) / speed)
      overrides.work.set(customer.index, work)
      inService.add(i)
      finishes.push({
        operator: i,
        at: run.started + Math.max(elapsed + 1, Math.round(work * speed)),
      })
    })
    const abandons: { customer: ScriptedCustomer; at: number }[] = []
    for (const run of runs.values()) {
      if (run.status !== 'waiting') continue
      const customer = run.customer
      overrides.work.set(customer.index, c.work(customer, 0))
      if (customer.index === c.follow) {
        overrides.ghost.set(customer.index, false)
        continue
      }
      overrides.ghost.set(customer.index, c.isGhost(customer))
      const patience = c.patience(customer, now - customer.arrival + 1)
      if (patience !== null) abandons.push({ customer, at: customer.arrival + patience })
    }
    const agenda = this.agenda.clone(
      ({ event }) =>
        event.kind !== 'arrival' &&
        event.kind !== 'abandon' &&
        !(event.kind === 'finish' && inService.has(event.operator)),
    )
    const day = new DaySimulation({
      script: this.script,
      policy: c.policy,
      options: withoutHook(this.options),
      agenda,
      operators,
      runs,
      lines,
      lastCalledWait: new Map(this.lastCalledWait),
      now,
      waiting: this.waiting,
      traced: false,
      overrides,
      source: c.arrivals,
    })
    for (const f of finishes) day.schedule(f.at, { kind: 'finish', operator: f.operator })
    for (const a of abandons) day.schedule(a.at, { kind: 'abandon', customer: a.customer })
    day.pullArrival()
    return day
  }

  private schedule(time: number, event: SimEvent): void {
    this.agenda.push(time, RANK[event.kind], event)
  }

  /** Schedules the next arrival of a continuation's fresh source. */
  private pullArrival(): void {
    const next = this.source?.next()
    if (next && !next.done)
      this.schedule(Math.max(this.now, next.value.arrival), {
        kind: 'arrival',
        customer: next.value,
        fromSource: true,
      })
  }

  private setWaiting(delta: number): void {
    this.waiting += delta
    if (!this.traced) return
    const last = this.queueTrace[this.queueTrace.length - 1]
    if (last?.[0] === this.now) last[1] = this.waiting
    else this.queueTrace.push([this.now, this.waiting])
  }

  private record(run: CustomerRun, input: { outcome: TicketOutcome; finished: number | null }) {
    if (!this.traced) return
    const c = run.customer
    const leftQueue = run.called ?? this.now
    this.tickets.push({
      index: c.index,
      serviceId: c.serviceId,
      priorityClass: c.priorityClass,
      arrival: c.arrival,
      outcome: input.outcome,
      leftQueue,
      wait: leftQueue - c.arrival,
      started: run.started,
      finished: input.finished,
      operatorIndex: run.operatorIndex,
      predictedByPolicy: run.predictedByPolicy,
      predictedByQueueLength: run.predictedByQueueLength,
      predictedByHeadOfLine: run.predictedByHeadOfLine,
      predictedByLastToEnter: run.predictedByLastToEnter,
      predictedByClairvoyant: null,
      predictedByClairvoyantMedian: null,
      waitingAtIssue: run.waitingAtIssue,
      appointmentSlot: c.appointmentSlot,
    })
  }

  private dispatch(index: number, customer: ScriptedCustomer): void {
    const o = this.operators[index]
    const run = this.runs.get(customer.index)
    if (!o || run?.status !== 'waiting')
      throw new Error(
        `policy ${this.policy.name} called customer ${customer.index} who is not waiting`,
      )
    run.status = 'called'
    run.called = this.now
    run.operatorIndex = index
    this.lastCalledWait.set(customer.serviceId, this.now - customer.arrival)
    this.setWaiting(-1)
    o.status = 'busy'
    o.current = customer
    if (customer.index === this.stopAtCallOf) this.stoppedWait = this.now - customer.arrival
    if (this.overrides.ghost.get(customer.index) ?? customer.isGhost)
      this.schedule(this.now + this.options.noShowGraceMs, { kind: 'noShow', operator: index })
    else this.schedule(this.now + this.options.walkMs, { kind: 'start', operator: index })
  }

  /** The operator is free: take a pending break or sign-out, else call the next ticket. */
  private becomeFree(index: number): void {
    const o = this.operators[index]
    if (!o) return
    o.current = null
    if (o.pendingSignOut) {
      o.pendingSignOut = false
      o.status = 'gone'
      this.policy.signOut(o.member, this.now)
      return
    }
    if (o.pendingBreak) {
      const pause = o.pendingBreak
      o.pendingBreak = null
      o.status = 'break'
      this.policy.pause(o.member, this.now)
      this.schedule(this.now + pause.duration, { kind: 'breakEnd', operator: index })
      return
    }
    const next = this.policy.callNext(o.member, this.now)
    if (next) this.dispatch(index, next)
    else {
      o.status = 'idle'
      o.idleSince = this.now
    }
  }

  private idleOperators(): IdleOperator[] {
    return this.operators
      .filter((o) => o.status === 'idle')
      .map((o) => ({ operator: o.member, idleSince: o.idleSince }))
  }

  private atWork(): number {
    return this.operators.filter((o) => o.status === 'idle' || o.status === 'busy').length
  }

  /** Longest wait so far among tickets of the service still waiting (HOL), ms. */
  private headOfLineWait(serviceId: string): number {
    const line = this.lines.get(serviceId)
    if (!line) return 0
    while (line.head < line.runs.length && line.runs[line.head]?.status !== 'waiting') line.head++
    const head = line.runs[line.head]
    return head ? this.now - head.customer.arrival : 0
  }

  private arrive(customer: ScriptedCustomer): void {
    const now = this.now
    const issued = this.policy.issue(customer, now)
    const offers = this.policy.offerTo(customer, this.idleOperators())
    const servers = this.atWork()
    const idle = offers.length > 0
    const run: CustomerRun = {
      customer,
      status: 'waiting',
      predictedByPolicy: issued.predictedWait,
      predictedByQueueLength: idle
        ? 0
        : servers > 0
          ? ((this.waiting + 1) * this.options.meanServiceMs) / servers
          : null,
      predictedByHeadOfLine: idle ? 0 : this.headOfLineWait(customer.serviceId),
      predictedByLastToEnter: idle ? 0 : (this.lastCalledWait.get(customer.serviceId) ?? 0),
      waitingAtIssue: this.waiting,
      called: null,
      started: null,
      operatorIndex: null,
    }
    this.runs.set(customer.index, run)
    const line = this.lines.get(customer.serviceId)
    if (line) line.runs.push(run)
    else this.lines.set(customer.serviceId, { runs: [run], head: 0 })
    this.setWaiting(+1)
    if (customer.patience !== null)
      this.schedule(now + customer.patience, { kind: 'abandon', customer })
    for (const offer of offers) {
      const next = this.policy.callNext(offer.operator, now)
      if (!next) continue
      this.dispatch(offer.operator.index, next)
      if (next.index === customer.index) break
    }
  }

  /** Processes the next event; false when the agenda is empty. */
  private step(): boolean {
    const item = this.agenda.pop()
    if (!item) return false
    this.now = item.time
    const event = item.event
    switch (event.kind) {
      case 'arrival': {
        this.arrive(event.customer)
        if (event.fromSource) this.pullArrival()
        else this.options.afterArrival?.(this, event.customer)
        break
      }
      case 'abandon': {
        const run = this.runs.get(event.customer.index)
        if (run?.status !== 'waiting') break
        run.status = 'done'
        this.setWaiting(-1)
        this.policy.abandon(run.customer, this.now)
        this.record(run, { outcome: 'abandoned', finished: null })
        break
      }
      case 'start': {
        const o = this.operators[event.operator]
        const customer = o?.current
        if (!o || !customer) break
        const run = this.runs.get(customer.index)
        if (run) run.started = this.now
        this.policy.startService(o.member, this.now)
        const work = this.overrides.work.get(customer.index) ?? customer.work
        const duration = Math.max(1, Math.round(work * this.policy.speedFactor(o.member, customer)))
        this.schedule(this.now + duration, { kind: 'finish', operator: event.operator })
        break
      }
      case 'finish': {
        const o = this.operators[event.operator]
        const customer = o?.current
        if (!o || !customer) break
        this.policy.finish(o.member, this.now)
        const run = this.runs.get(customer.index)
        if (run) {
          run.status = 'done'
          this.record(run, { outcome: 'served', finished: this.now })
        }
        this.becomeFree(event.operator)
        break
      }
      case 'noShow': {
        const o = this.operators[event.operator]
        const customer = o?.current
        if (!o || !customer) break
        this.policy.noShow(o.member, this.now)
        this.ghostTime += this.options.noShowGraceMs
        const run = this.runs.get(customer.index)
        if (run) {
          run.status = 'done'
          this.record(run, { outcome: 'no_show', finished: null })
        }
        this.becomeFree(event.operator)
        break
      }
      case 'shiftStart': {
        const o = this.operators[event.operator]
        if (o?.status !== 'off') break
        this.policy.signIn(o.member, this.now)
        o.status = 'busy'
        this.becomeFree(event.operator)
        break
      }
      case 'shiftEnd': {
        const o = this.operators[event.operator]
        // Operators whose shift ends at closing stay until the queue is empty (doors shut).
        if (!o || o.member.shiftEndMs >= this.script.close) break
        if (o.status === 'idle') {
          o.status = 'gone'
          this.policy.signOut(o.member, this.now)
        } else if (o.status === 'busy' || o.status === 'break') o.pendingSignOut = true
        break
      }
      case 'breakStart': {
        const o = this.operators[event.operator]
        if (!o) break
        if (o.status === 'idle') {
          o.status = 'break'
          this.policy.pause(o.member, this.now)
          this.schedule(this.now + event.pause.duration, {
            kind: 'breakEnd',
            operator: event.operator,
          })
        } else if (o.status === 'busy') o.pendingBreak = event.pause
        break
      }
      case 'breakEnd': {
        const o = this.operators[event.operator]
        if (o?.status !== 'break') break
        this.policy.resume(o.member, this.now)
        o.status = 'busy'
        this.becomeFree(event.operator)
        break
      }
    }
    return true
  }

  /**
   * Tickets nobody at work could serve (e.g. a what-if without any operator for a service) and
   * whose holders never give up: counted as unserved when the last operator leaves.
   */
  private closeLeftovers(): void {
    for (const run of this.runs.values())
      if (run.status === 'waiting') {
        run.status = 'done'
        this.setWaiting(-1)
        this.policy.abandon(run.customer, this.now)
        this.record(run, { outcome: 'abandoned', finished: null })
      }
  }
}
