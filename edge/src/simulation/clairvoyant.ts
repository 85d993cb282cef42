import { drawAbove, exponential } from './distributions.js'
import type { SimPolicy } from './policy.js'
import { streamFor } from './random.js'
import type { Scenario } from './scenario.js'
import {
  arrivalRateOf,
  customerContext,
  drawCustomer,
  ticketIdOf,
  type DayScript,
  type ScriptedCustomer,
} from './script.js'
import {
  DaySimulation,
  type Continuation,
  type DayResult,
  type SimulateOptions,
} from './simulator.js'

/**
 * The clairvoyant ETA floor (design/queueing.md §2.3, §5.4). For a sample of arrivals who have to
 * wait, the running day is forked right after the ticket is issued and K continuations are run
 * under the same policy with fresh randomness for everything the state does not reveal: future
 * arrivals, the remaining work of services in progress (drawn given the time already spent), the
 * work, patience (given the time already waited) and ghost status of the tickets waiting. The
 * followed customer himself never leaves in a continuation. The mean of his K continuation waits
 * estimates E[wait | state at issue], the least mean squared error any announcement made at issue
 * can have under this policy; their median is the least-MAE announcement (both up to the Monte
 * Carlo error of K draws, about SD/√K).
 *
 * Simplification: appointment customers in continuations arrive exactly at their slot.
 */

export interface ClairvoyantOptions {
  /** Continuations per sampled arrival (K ≈ 20–50). */
  readonly continuations: number
  /** Share of arrivals sampled (those served at once are skipped: nothing to predict). */
  readonly sampleShare: number
}

/** Customer indices of continuation arrivals start here (script indices stay far below). */
const FRESH_INDEX = 100_000_000
const MINUTE = 60_000

/** Whether a customer is in the clairvoyant sample: a per-customer draw, the same for every policy. */
export const inClairvoyantSample = (
  script: Pick<DayScript, 'seed' | 'replication'>,
  input: { index: number; share: number },
): boolean =>
  streamFor([script.seed, script.replication, 'clairvoyant-sample', input.index]).next() <
  input.share

/**
 * Simulates the day like `simulateDay` (identical result) and fills `predictedByClairvoyant` (mean)
 * and `predictedByClairvoyantMedian` for the sampled tickets that had to wait.
 */
export function simulateDayWithClairvoyant(
  scenario: Scenario,
  input: {
    script: DayScript
    policy: SimPolicy
    options: SimulateOptions
    clairvoyant: ClairvoyantOptions
  },
): DayResult {
  const { script, clairvoyant } = input
  const floor = new Map<number, { mean: number; median: number }>()
  const model = continuationModel(scenario, script)
  const day = DaySimulation.start(script, input.policy, {
    ...input.options,
    afterArrival(running, customer) {
      if (!running.isWaiting(customer.index)) return
      if (!inClairvoyantSample(script, { index: customer.index, share: clairvoyant.sampleShare }))
        return
      const waits: number[] = []
      for (let k = 0; k < clairvoyant.continuations; k++) {
        const wait = running.continuationWait(
          model({ policy: input.policy.fork(), follow: customer, draw: k, from: running.time }),
        )
        if (wait !== null) waits.push(wait)
      }
      if (waits.length === 0) return
      waits.sort((a, b) => a - b)
      const middle = (waits.length - 1) / 2
      floor.set(customer.index, {
        mean: waits.reduce((a, b) => a + b, 0) / waits.length,
        median: ((waits[Math.floor(middle)] ?? 0) + (waits[Math.ceil(middle)] ?? 0)) / 2,
      })
    },
  })
  const result = day.run()
  return {
    ...result,
    tickets: result.tickets.map((t) => ({
      ...t,
      predictedByClairvoyant: floor.get(t.index)?.mean ?? null,
      predictedByClairvoyantMedian: floor.get(t.index)?.median ?? null,
    })),
  }
}

/** Fresh randomness for continuation `draw` of the fork at `from` (ms) following `follow`. */
function continuationModel(scenario: Scenario, script: DayScript) {
  const context = customerContext(scenario)
  const { rate, maxRate } = arrivalRateOf(scenario, script.dayFactor)
  const service = new Map(scenario.services.map((s) => [s.id, s]))
  return (input: {
    policy: SimPolicy
    follow: ScriptedCustomer
    draw: number
    from: number
  }): Continuation => {
    const key = [script.seed, script.replication, 'clairvoyant', input.follow.index, input.draw]
    const stream = (...rest: (string | number)[]) => streamFor([...key, ...rest])
    function* arrivals(): Generator<ScriptedCustomer> {
      if (maxRate <= 0) return
      const rng = stream('arrivals')
      const close = context.close
      let t = input.from / MINUTE
      for (let j = 0; ; j++) {
        t += exponential(rng, 1 / maxRate)
        if (t >= close) return
        if (rng.next() * maxRate >= rate(t)) continue
        const index = FRESH_INDEX + j
        const customer = drawCustomer(context, {
          rng: stream('customer', j),
          time: t,
          index,
          ticketId: ticketIdOf({ seed: script.seed, replication: script.replication, index }),
          punctual: true,
        })
        if (customer) yield customer
      }
    }
    return {
      policy: input.policy,
      follow: input.follow.index,
      arrivals: arrivals(),
      work(customer, atLeast) {
        const s = service.get(customer.serviceId)
        if (!s) return customer.work
        const mean = s.meanMinutes * scenario.workMultiplier * MINUTE
        const drawn = drawAbove(stream('work', customer.index), {
          distribution: s.distribution,
          mean,
          cv: s.cv,
          above: atLeast,
        })
        return Math.max(1000, Math.round(drawn))
      },
      patience(customer, atLeast) {
        const mean = scenario.classes[customer.priorityClass].patienceMinutes
        if (mean === null || customer.patience === null) return null
        const drawn = drawAbove(stream('patience', customer.index), {
          distribution: scenario.patience.distribution,
          mean: mean * MINUTE,
          cv: scenario.patience.cv,
          above: atLeast,
        })
        return Math.max(atLeast, Math.round(drawn))
      },
      isGhost: (customer) => stream('ghost', customer.index).next() < scenario.ghostShare,
    }
  }
}
