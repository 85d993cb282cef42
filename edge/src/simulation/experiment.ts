import type { PriorityPolicy } from '@kqms/shared/domain'
import {
  createDedicatedQueues,
  createPooledFifo,
  createShortestLine,
  createShortestServiceFirst,
} from './baselines.js'
import { dailyServiceLevel, DEFAULT_SLA, type PolicyRunner, type SlaTarget } from './capacity.js'
import { simulateDayWithClairvoyant, type ClairvoyantOptions } from './clairvoyant.js'
import { createEnginePolicy, type IdleSelection } from './engine-policy.js'
import type { SimPolicy } from './policy.js'
import { meanServiceMinutes, serviceGroups, staffCount, type Scenario } from './scenario.js'
import { generateDay, type DayScript } from './script.js'
import { simulateDay, type DayResult, type SimulateOptions } from './simulator.js'

/** Running policies over replicated days with common random numbers (design/queueing.md §5). */

export const POLICY_NAMES = ['T', 'B0', 'B1', 'B2', 'L1', 'L2'] as const
export type PolicyName = (typeof POLICY_NAMES)[number]

export interface PolicySpec {
  readonly name: PolicyName
  /** T: the engine's routing policy (else the scenario's, else DEFAULT_POLICY). */
  readonly enginePolicy?: PriorityPolicy
  readonly idleSelection?: IdleSelection
  /** T: run the engine's wait predictor at every issue (default true). */
  readonly predict?: boolean
  /** B2: operators per service group (default: searched by `searchAllocation`). */
  readonly allocation?: readonly number[]
  /** L2: aging points per minute against expected service minutes (default 1). */
  readonly agingPerMinute?: number
  /** Also estimate the clairvoyant ETA floor for a sample of arrivals (`clairvoyant.ts`). */
  readonly clairvoyant?: ClairvoyantOptions
}

export function simulateOptionsOf(scenario: Scenario): SimulateOptions {
  return {
    meanServiceMs: meanServiceMinutes(scenario) * 60_000,
    walkMs: Math.round(scenario.walkSeconds * 1000),
    noShowGraceMs: Math.round(scenario.noShowGraceMinutes * 60_000),
  }
}

export function createPolicy(
  scenario: Scenario,
  input: { spec: PolicySpec; script: DayScript },
): SimPolicy {
  const { spec, script } = input
  switch (spec.name) {
    case 'T':
      return createEnginePolicy(scenario, script, {
        ...(spec.enginePolicy ? { policy: spec.enginePolicy } : {}),
        ...(spec.idleSelection ? { idleSelection: spec.idleSelection } : {}),
        predict: spec.predict ?? true,
        recordEvents: false,
      })
    case 'B0':
      return createShortestLine(script)
    case 'B1':
    case 'L1':
      return createPooledFifo(spec.name)
    case 'B2': {
      const groups = serviceGroups(scenario)
      const allocation = spec.allocation ?? defaultAllocation(scenario)
      if (allocation.length !== groups.length)
        throw new Error(`B2 allocation needs ${groups.length} numbers`)
      return createDedicatedQueues({ services: scenario.services, groups }, { script, allocation })
    }
    case 'L2':
      return createShortestServiceFirst(scenario, {
        ...(spec.agingPerMinute === undefined ? {} : { agingPerMinute: spec.agingPerMinute }),
      })
  }
}

/** The day scripts of replications `first … first + count − 1` (shared by every policy: CRN). */
export function generateDays(
  scenario: Scenario,
  input: { seed: number; replications: readonly number[] },
): DayScript[] {
  return input.replications.map((replication) =>
    generateDay(scenario, { seed: input.seed, replication }),
  )
}

export const replicationRange = (first: number, count: number): number[] =>
  Array.from({ length: count }, (_x, i) => first + i)

export function runPolicy(
  scenario: Scenario,
  input: { spec: PolicySpec; scripts: readonly DayScript[] },
): DayResult[] {
  const options = simulateOptionsOf(scenario)
  const clairvoyant = input.spec.clairvoyant
  return input.scripts.map((script) => {
    const policy = createPolicy(scenario, { spec: input.spec, script })
    return clairvoyant
      ? simulateDayWithClairvoyant(scenario, { script, policy, options, clairvoyant })
      : simulateDay(script, policy, options)
  })
}

/** A `PolicyRunner` (capacity and staffing searches) for a policy spec. */
export const policyRunner =
  (spec: PolicySpec): PolicyRunner =>
  (scenario, scripts) =>
    runPolicy(scenario, { spec, scripts })

export interface BestDedicatedOptions {
  readonly sla?: SlaTarget
  /**
   * 'exhaustive' (default): every allocation. 'local': hill-climbing from the previous call's best
   * allocation (else the work-proportional one), moving one operator between two groups while the
   * service level improves: about 7–20 allocations instead of up to 55 (L), but a local optimum,
   * so check the decisive grid point exhaustively (`pnpm bench:policy` does). Small branches
   * (≤ 12 allocations) are always searched exhaustively.
   */
  readonly search?: 'exhaustive' | 'local'
}

/**
 * B2 at its best for an SLA: allocations of the scenario's staff are simulated on the same days
 * and the one with the highest mean daily service level is kept (searched anew for every demand
 * level and headcount, on the very days it is measured on: this favours B2).
 */
export function bestDedicatedRunner(options: BestDedicatedOptions = {}): PolicyRunner {
  const sla = options.sla ?? DEFAULT_SLA
  let last: readonly number[] | null = null
  return (scenario, scripts) => {
    const total = staffCount(scenario)
    const groups = serviceGroups(scenario).length
    const all = allocations(total, groups)
    if (all.length === 0) throw new Error('no B2 allocation: fewer operators than service groups')
    // Only levels are remembered: the days of all allocations would not fit in memory (L: 55 ×
    // 100 days). A remembered allocation is never better than the best so far, so never needed.
    const seen = new Map<string, number>()
    const evaluate = (allocation: readonly number[]) => {
      const key = allocation.join('/')
      const known = seen.get(key)
      if (known !== undefined) return { level: known, days: [] as readonly DayResult[] }
      const days = runPolicy(scenario, { spec: { name: 'B2', allocation }, scripts })
      const level = days.reduce((sum, d) => sum + dailyServiceLevel(d, sla), 0) / days.length
      seen.set(key, level)
      return { level, days }
    }
    if (options.search !== 'local' || all.length <= 12) {
      let best: { level: number; days: readonly DayResult[] } | null = null
      for (const allocation of all) {
        const r = evaluate(allocation)
        if (best === null || r.level > best.level) best = r
      }
      if (!best) throw new Error('no B2 allocation')
      return best.days
    }
    let current: readonly number[] =
      last?.length === groups && last.reduce((a, b) => a + b, 0) === total
        ? last
        : defaultAllocation(scenario)
    let best = evaluate(current)
    for (;;) {
      let step: { allocation: number[]; level: number; days: readonly DayResult[] } | null = null
      for (let from = 0; from < groups; from++)
        for (let to = 0; to < groups; to++) {
          if (from === to || (current[from] ?? 0) <= 1) continue
          const next = current.map((n, g) => n + (g === to ? 1 : g === from ? -1 : 0))
          const r = evaluate(next)
          if (r.level > (step ?? best).level) step = { allocation: next, ...r }
        }
      if (!step) break
      current = step.allocation
      best = step
    }
    last = current
    return best.days
  }
}

/** All ways to give every group at least one of `total` operators. */
export function allocations(total: number, groups: number): number[][] {
  if (groups === 1) return total >= 1 ? [[total]] : []
  const result: number[][] = []
  for (let first = 1; first <= total - (groups - 1); first++)
    for (const rest of allocations(total - first, groups - 1)) result.push([first, ...rest])
  return result
}

/** Operators per group proportional to the group's offered work (largest remainders, ≥ 1 each). */
export function defaultAllocation(scenario: Scenario): number[] {
  const groups = serviceGroups(scenario)
  const total = staffCount(scenario)
  const work = groups.map((g) =>
    scenario.services
      .filter((s) => g.services.includes(s.id))
      .reduce((sum, s) => sum + s.share * s.meanMinutes, 0),
  )
  const all = work.reduce((a, b) => a + b, 0)
  const exact = work.map((w) => (w / all) * total)
  const result = exact.map((x) => Math.max(1, Math.floor(x)))
  while (result.reduce((a, b) => a + b, 0) < total) {
    let best = 0
    for (let g = 1; g < result.length; g++)
      if ((exact[g] ?? 0) - (result[g] ?? 0) > (exact[best] ?? 0) - (result[best] ?? 0)) best = g
    result[best] = (result[best] ?? 0) + 1
  }
  while (result.reduce((a, b) => a + b, 0) > total) {
    const g = result.indexOf(Math.max(...result))
    result[g] = (result[g] ?? 1) - 1
  }
  return result
}

export interface AllocationResult {
  readonly allocation: readonly number[]
  /** Mean time in queue over all tickets, minutes (abandoners count until they left). */
  readonly objective: number
}

/**
 * The best B2 allocation under CRN: every allocation on the same scripts, ranked by the mean time
 * in queue of all tickets (so an allocation cannot look good by losing customers).
 */
export function searchAllocation(
  scenario: Scenario,
  scripts: readonly DayScript[],
): { best: AllocationResult; all: AllocationResult[] } {
  const groups = serviceGroups(scenario)
  const all = allocations(staffCount(scenario), groups.length).map((allocation) => {
    const days = runPolicy(scenario, { spec: { name: 'B2', allocation }, scripts })
    const tickets = days.flatMap((d) => d.tickets)
    const objective = tickets.reduce((s, t) => s + t.wait, 0) / Math.max(1, tickets.length) / 60_000
    return { allocation, objective }
  })
  all.sort((a, b) => a.objective - b.objective)
  const best = all[0]
  if (!best) throw new Error('no B2 allocation: fewer operators than service groups')
  return { best, all }
}

export interface Comparison {
  readonly scripts: readonly DayScript[]
  /** B2's allocation (searched on the same scripts unless given). */
  readonly allocation: readonly number[] | null
  readonly results: ReadonlyMap<PolicyName, readonly DayResult[]>
}

/**
 * Runs several policies over the same days. B2 gets the best allocation found by exhaustive search
 * on these very scripts, which favours B2 (it is tuned on the days it is measured on): comparisons
 * against it are conservative.
 */
export function comparePolicies(
  scenario: Scenario,
  input: {
    seed: number
    replications: readonly number[]
    policies: readonly PolicyName[]
    engine?: Omit<PolicySpec, 'name'>
    allocation?: readonly number[]
    /** The days to run (e.g. read back from stored scripts); default: drawn from the seed. */
    scripts?: readonly DayScript[]
  },
): Comparison {
  const scripts = input.scripts ?? generateDays(scenario, input)
  let allocation: readonly number[] | null = null
  if (input.policies.includes('B2'))
    allocation = input.allocation ?? searchAllocation(scenario, scripts).best.allocation
  const results = new Map<PolicyName, readonly DayResult[]>()
  for (const name of input.policies) {
    const spec: PolicySpec =
      name === 'T'
        ? { ...input.engine, name }
        : name === 'B2' && allocation
          ? { name, allocation }
          : { name }
    results.set(name, runPolicy(scenario, { spec, scripts }))
  }
  return { scripts, allocation, results }
}
