import type { PriorityClass } from '@kqms/shared/domain'
import { EventQueue } from './event-queue.js'
import type { IdleOperator, SimPolicy } from './policy.js'
import type { DayScript, ScriptedBreak, ScriptedCustomer, ScriptedOperator } from './script.js'

/**
 * One business day as a discrete-event simulation (design/queueing.md §5.1): the branch opens
 * empty, customers arrive as scripted, the doors shut at closing and everybody still waiting is
 * served. Pure: the result is a function of the script and the policy.
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
}

type SimEvent =
  | { kind: 'arrival'; customer: ScriptedCustomer }
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
  waitingAtIssue: number
  called: number | null
  started: number | null
  operatorIndex: number | null
}

export function simulateDay(
  script: DayScript,
  policy: SimPolicy,
  options: SimulateOptions,
): DayResult {
  const agenda = new EventQueue<SimEvent>()
  const schedule = (time: number, event: SimEvent) => agenda.push(time, RANK[event.kind], event)
  const operators: OperatorRun[] = script.operators.map((member) => ({
    member,
    status: 'off',
    idleSince: 0,
    pendingBreak: null,
    pendingSignOut: false,
    current: null,
  }))
  const runs = new Map<number, CustomerRun>()
  const tickets: TicketRecord[] = []
  const queueTrace: [number, number][] = [[0, 0]]
  let waiting = 0
  let ghostTime = 0
  let now = 0

  const setWaiting = (delta: number) => {
    waiting += delta
    const last = queueTrace[queueTrace.length - 1]
    if (last?.[0] === now) last[1] = waiting
    else queueTrace.push([now, waiting])
  }

  for (const customer of script.customers) schedule(customer.arrival, { kind: 'arrival', customer })
  operators.forEach((o, i) => {
    schedule(o.member.shiftStartMs, { kind: 'shiftStart', operator: i })
    schedule(o.member.shiftEndMs, { kind: 'shiftEnd', operator: i })
    for (const pause of o.member.breaks)
      schedule(pause.start, { kind: 'breakStart', operator: i, pause })
  })

  const record = (run: CustomerRun, outcome: TicketOutcome, finished: number | null) => {
    const c = run.customer
    const leftQueue = run.called ?? now
    tickets.push({
      index: c.index,
      serviceId: c.serviceId,
      priorityClass: c.priorityClass,
      arrival: c.arrival,
      outcome,
      leftQueue,
      wait: leftQueue - c.arrival,
      started: run.started,
      finished,
      operatorIndex: run.operatorIndex,
      predictedByPolicy: run.predictedByPolicy,
      predictedByQueueLength: run.predictedByQueueLength,
      waitingAtIssue: run.waitingAtIssue,
      appointmentSlot: c.appointmentSlot,
    })
  }

  const dispatch = (index: number, customer: ScriptedCustomer) => {
    const o = operators[index]
    const run = runs.get(customer.index)
    if (!o || run?.status !== 'waiting')
      throw new Error(`policy ${policy.name} called customer ${customer.index} who is not waiting`)
    run.status = 'called'
    run.called = now
    run.operatorIndex = index
    setWaiting(-1)
    o.status = 'busy'
    o.current = customer
    if (customer.isGhost) schedule(now + options.noShowGraceMs, { kind: 'noShow', operator: index })
    else schedule(now + options.walkMs, { kind: 'start', operator: index })
  }

  /** The operator is free: take a pending break or sign-out, else call the next ticket. */
  const becomeFree = (index: number) => {
    const o = operators[index]
    if (!o) return
    o.current = null
    if (o.pendingSignOut) {
      o.pendingSignOut = false
      o.status = 'gone'
      policy.signOut(o.member, now)
      return
    }
    if (o.pendingBreak) {
      const pause = o.pendingBreak
      o.pendingBreak = null
      o.status = 'break'
      policy.pause(o.member, now)
      schedule(now + pause.duration, { kind: 'breakEnd', operator: index })
      return
    }
    const next = policy.callNext(o.member, now)
    if (next) dispatch(index, next)
    else {
      o.status = 'idle'
      o.idleSince = now
    }
  }

  const idleOperators = (): IdleOperator[] =>
    operators
      .filter((o) => o.status === 'idle')
      .map((o) => ({ operator: o.member, idleSince: o.idleSince }))

  const atWork = () => operators.filter((o) => o.status === 'idle' || o.status === 'busy').length

  for (let item = agenda.pop(); item; item = agenda.pop()) {
    now = item.time
    const event = item.event
    switch (event.kind) {
      case 'arrival': {
        const customer = event.customer
        const issued = policy.issue(customer, now)
        const offers = policy.offerTo(customer, idleOperators())
        const servers = atWork()
        const run: CustomerRun = {
          customer,
          status: 'waiting',
          predictedByPolicy: issued.predictedWait,
          predictedByQueueLength:
            offers.length > 0
              ? 0
              : servers > 0
                ? ((waiting + 1) * options.meanServiceMs) / servers
                : null,
          waitingAtIssue: waiting,
          called: null,
          started: null,
          operatorIndex: null,
        }
        runs.set(customer.index, run)
        setWaiting(+1)
        if (customer.patience !== null)
          schedule(now + customer.patience, { kind: 'abandon', customer })
        for (const offer of offers) {
          const next = policy.callNext(offer.operator, now)
          if (!next) continue
          dispatch(offer.operator.index, next)
          if (next.index === customer.index) break
        }
        break
      }
      case 'abandon': {
        const run = runs.get(event.customer.index)
        if (run?.status !== 'waiting') break
        run.status = 'done'
        setWaiting(-1)
        policy.abandon(run.customer, now)
        record(run, 'abandoned', null)
        break
      }
      case 'start': {
        const o = operators[event.operator]
        const customer = o?.current
        if (!o || !customer) break
        const run = runs.get(customer.index)
        if (run) run.started = now
        policy.startService(o.member, now)
        const duration = Math.max(
          1,
          Math.round(customer.work * policy.speedFactor(o.member, customer)),
        )
        schedule(now + duration, { kind: 'finish', operator: event.operator })
        break
      }
      case 'finish': {
        const o = operators[event.operator]
        const customer = o?.current
        if (!o || !customer) break
        policy.finish(o.member, now)
        const run = runs.get(customer.index)
        if (run) {
          run.status = 'done'
          record(run, 'served', now)
        }
        becomeFree(event.operator)
        break
      }
      case 'noShow': {
        const o = operators[event.operator]
        const customer = o?.current
        if (!o || !customer) break
        policy.noShow(o.member, now)
        ghostTime += options.noShowGraceMs
        const run = runs.get(customer.index)
        if (run) {
          run.status = 'done'
          record(run, 'no_show', null)
        }
        becomeFree(event.operator)
        break
      }
      case 'shiftStart': {
        const o = operators[event.operator]
        if (o?.status !== 'off') break
        policy.signIn(o.member, now)
        o.status = 'busy'
        becomeFree(event.operator)
        break
      }
      case 'shiftEnd': {
        const o = operators[event.operator]
        // Operators whose shift ends at closing stay until the queue is empty (doors shut).
        if (!o || o.member.shiftEndMs >= script.close) break
        if (o.status === 'idle') {
          o.status = 'gone'
          policy.signOut(o.member, now)
        } else if (o.status === 'busy' || o.status === 'break') o.pendingSignOut = true
        break
      }
      case 'breakStart': {
        const o = operators[event.operator]
        if (!o) break
        if (o.status === 'idle') {
          o.status = 'break'
          policy.pause(o.member, now)
          schedule(now + event.pause.duration, { kind: 'breakEnd', operator: event.operator })
        } else if (o.status === 'busy') o.pendingBreak = event.pause
        break
      }
      case 'breakEnd': {
        const o = operators[event.operator]
        if (o?.status !== 'break') break
        policy.resume(o.member, now)
        o.status = 'busy'
        becomeFree(event.operator)
        break
      }
    }
  }

  // Tickets nobody at work could serve (e.g. a what-if without any operator for a service) and
  // whose holders never give up: counted as unserved when the last operator leaves.
  for (const run of runs.values())
    if (run.status === 'waiting') {
      run.status = 'done'
      setWaiting(-1)
      policy.abandon(run.customer, now)
      record(run, 'abandoned', null)
    }
  tickets.sort((a, b) => a.arrival - b.arrival || a.index - b.index)
  return { policy: policy.name, script, tickets, queueTrace, end: now, ghostTime }
}
