import { PRIORITY_CLASSES, type PriorityClass, type PriorityPolicy } from '@kqms/shared/domain'
import { DEFAULT_POLICY } from '../domain/state.js'
import { erlangA, erlangC, priorityWaits } from './erlang.js'
import { generateDays, replicationRange, runPolicy, type PolicyName } from './experiment.js'
import { averageQueueLength } from './metrics.js'
import { parseScenario, type Scenario } from './scenario.js'
import type { DayResult } from './simulator.js'
import { meanInterval, type Interval } from './statistics.js'

/**
 * Harness validation (design/queueing.md §5.7): constant-rate scenarios with exponential service
 * where the exact answer is known, simulated through the real engine (T) or a baseline, compared
 * with Erlang C, Erlang A and the Cobham/Davis priority formula. Statistics are over customers who
 * arrive after a warm-up, one replication (day) per sample; intervals are t intervals over days.
 * Days are long (20 h) because a branch-sized M/M/c near full load needs hours to forget that it
 * opened empty (relaxation time ≈ 1 / (cμ (1 − √ρ)²)).
 */

export interface Check {
  readonly name: string
  readonly theory: number
  readonly simulated: Interval
}

export const isWithin = (c: Check): boolean =>
  c.simulated.low <= c.theory && c.theory <= c.simulated.high

export interface ConstantRateOptions {
  readonly servers: number
  /** Per minute. */
  readonly arrivalRate: number
  readonly meanServiceMinutes: number
  /** Exponential patience; null: infinite. */
  readonly meanPatienceMinutes: number | null
  /** Length of the simulated day (opens at 00:00), at most 20 h so overtime stays in the day. */
  readonly hours?: number
  /** Class shares (default: all regular). */
  readonly classShares?: Partial<Record<PriorityClass, number>>
}

/** An M/M/c (or M/M/c+M) branch: one exponential service, universal operators, no breaks. */
export function constantRateScenario(options: ConstantRateOptions): Scenario {
  const hours = Math.min(20, options.hours ?? 20)
  const shares = options.classShares ?? { regular: 1 }
  const classes = Object.fromEntries(
    PRIORITY_CLASSES.map((c) => [
      c,
      { share: shares[c] ?? 0, patienceMinutes: options.meanPatienceMinutes },
    ]),
  )
  return parseScenario({
    id: `mmc-${options.servers}`,
    startDate: '2026-11-24',
    hours: { open: '00:00', close: `${String(hours).padStart(2, '0')}:00` },
    arrivals: {
      peakUtilisation: (options.arrivalRate * options.meanServiceMinutes) / options.servers,
      hourlyProfile: Array.from({ length: hours }, () => 1),
    },
    services: [
      {
        id: 'svc',
        prefix: 'A',
        share: 1,
        meanMinutes: options.meanServiceMinutes,
        cv: 1,
        distribution: 'exponential',
      },
    ],
    classes,
    roles: { universal: { skills: { svc: 1 } } },
    staff: [{ role: 'universal', count: options.servers }],
  })
}

interface RunOptions {
  readonly policy: PolicyName
  readonly days: number
  readonly warmupMinutes: number
  readonly seed?: number
  readonly enginePolicy?: PriorityPolicy
}

function simulate(scenario: Scenario, options: RunOptions): DayResult[] {
  const scripts = generateDays(scenario, {
    seed: options.seed ?? 7,
    replications: replicationRange(1, options.days),
  })
  return runPolicy(scenario, {
    spec: {
      name: options.policy,
      predict: false,
      ...(options.enginePolicy ? { enginePolicy: options.enginePolicy } : {}),
    },
    scripts,
  })
}

const MINUTE = 60_000

function afterWarmup(day: DayResult, warmupMinutes: number) {
  return day.tickets.filter((t) => t.arrival >= day.script.open + warmupMinutes * MINUTE)
}

const perDay = (days: readonly DayResult[], value: (d: DayResult) => number): Interval =>
  meanInterval(days.map(value), 0.99)

const meanOf = (xs: readonly number[]) =>
  xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length

/** M/M/c FIFO against Erlang C: P(wait), E[Wq], and the time-average queue (Little). */
export function validateErlangC(
  model: Omit<ConstantRateOptions, 'meanPatienceMinutes'>,
  options: RunOptions,
): Check[] {
  const scenario = constantRateScenario({ ...model, meanPatienceMinutes: null })
  const days = simulate(scenario, options)
  const theory = erlangC({
    arrivalRate: model.arrivalRate,
    serviceRate: 1 / model.meanServiceMinutes,
    servers: model.servers,
  })
  return [
    {
      name: 'P(wait > 0)',
      theory: theory.pWait,
      simulated: perDay(days, (d) => {
        const t = afterWarmup(d, options.warmupMinutes)
        return t.filter((x) => x.wait > 0).length / t.length
      }),
    },
    {
      name: 'E[Wq], min',
      theory: theory.meanWait,
      simulated: perDay(days, (d) =>
        meanOf(afterWarmup(d, options.warmupMinutes).map((t) => t.wait / MINUTE)),
      ),
    },
    {
      name: 'time-average queue length (Little: λ·E[Wq])',
      theory: theory.meanQueue,
      simulated: perDay(days, (d) =>
        averageQueueLength(d.queueTrace, {
          from: d.script.open + options.warmupMinutes * MINUTE,
          to: d.script.close,
        }),
      ),
    },
  ]
}

/** M/M/c+M against the exact Erlang A chain: P(wait), P(abandon), E[Wq] over all arrivals. */
export function validateErlangA(
  model: ConstantRateOptions & { meanPatienceMinutes: number },
  options: RunOptions,
): Check[] {
  const scenario = constantRateScenario(model)
  const days = simulate(scenario, options)
  const theory = erlangA({
    arrivalRate: model.arrivalRate,
    serviceRate: 1 / model.meanServiceMinutes,
    servers: model.servers,
    abandonmentRate: 1 / model.meanPatienceMinutes,
  })
  const share = (d: DayResult, test: (t: DayResult['tickets'][number]) => boolean) => {
    const t = afterWarmup(d, options.warmupMinutes)
    return t.filter(test).length / t.length
  }
  return [
    {
      name: 'P(wait > 0)',
      theory: theory.pWait,
      simulated: perDay(days, (d) => share(d, (t) => t.wait > 0)),
    },
    {
      name: 'P(abandon)',
      theory: theory.pAbandon,
      simulated: perDay(days, (d) => share(d, (t) => t.outcome === 'abandoned')),
    },
    {
      name: 'E[Wq] all arrivals, min',
      theory: theory.meanWait,
      simulated: perDay(days, (d) =>
        meanOf(afterWarmup(d, options.warmupMinutes).map((t) => t.wait / MINUTE)),
      ),
    },
  ]
}

/** Strict non-preemptive priorities (no aging, no caps) for the engine's priority logic. */
export const STRICT_PRIORITY_POLICY: PriorityPolicy = {
  ...DEFAULT_POLICY,
  classes: {
    appointment: { headStart: 600, agingPerMinute: 0, maxWaitMinutes: 600 },
    vip: { headStart: 400, agingPerMinute: 0, maxWaitMinutes: 600 },
    elderly: { headStart: 200, agingPerMinute: 0, maxWaitMinutes: 600 },
    regular: { headStart: 0, agingPerMinute: 0, maxWaitMinutes: 600 },
  },
}

/** M/M/c with four non-preemptive classes against Cobham/Davis, plus the conservation law. */
export function validatePriorities(
  model: Omit<ConstantRateOptions, 'meanPatienceMinutes'> & {
    classShares: Record<PriorityClass, number>
  },
  options: Omit<RunOptions, 'policy' | 'enginePolicy'>,
): Check[] {
  const scenario = constantRateScenario({ ...model, meanPatienceMinutes: null })
  const days = simulate(scenario, { ...options, policy: 'T', enginePolicy: STRICT_PRIORITY_POLICY })
  const waits = priorityWaits({
    arrivalRates: PRIORITY_CLASSES.map((c) => model.arrivalRate * model.classShares[c]),
    serviceRate: 1 / model.meanServiceMinutes,
    servers: model.servers,
  })
  const fcfs = erlangC({
    arrivalRate: model.arrivalRate,
    serviceRate: 1 / model.meanServiceMinutes,
    servers: model.servers,
  }).meanWait
  return [
    ...PRIORITY_CLASSES.map((c, k) => ({
      name: `W(${c}), min`,
      theory: waits[k] ?? Number.NaN,
      simulated: perDay(days, (d) =>
        meanOf(
          afterWarmup(d, options.warmupMinutes)
            .filter((t) => t.priorityClass === c)
            .map((t) => t.wait / MINUTE),
        ),
      ),
    })),
    {
      name: 'weighted mean = FCFS (conservation), min',
      theory: fcfs,
      simulated: perDay(days, (d) =>
        meanOf(afterWarmup(d, options.warmupMinutes).map((t) => t.wait / MINUTE)),
      ),
    },
  ]
}
