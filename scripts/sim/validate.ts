/**
 * `pnpm exec tsx scripts/sim/validate.ts`: the harness validation of design/queueing.md §5.7 at a
 * larger sample than the unit tests: simulated (99% CI over days) versus exact Erlang C, Erlang A
 * and Cobham/Davis, through the real engine (T) and the pooled FIFO baseline (L1).
 */
import { formatTable } from './report.js'
import {
  isWithin,
  validateErlangA,
  validateErlangC,
  validatePriorities,
  type Check,
} from '../../edge/src/simulation/validation.js'

const DAYS = Number(process.env['VALIDATE_DAYS'] ?? 40)
const rows: string[][] = []
const add = (model: string, checks: readonly Check[]) => {
  for (const c of checks)
    rows.push([
      model,
      c.name,
      c.theory.toFixed(4),
      c.simulated.estimate.toFixed(4),
      `[${c.simulated.low.toFixed(4)}, ${c.simulated.high.toFixed(4)}]`,
      isWithin(c) ? 'yes' : 'NO',
    ])
}
const started = performance.now()
const mmc = { servers: 4, arrivalRate: 0.64, meanServiceMinutes: 5 }
add('M/M/4 ρ=0.8, engine T', validateErlangC(mmc, { policy: 'T', days: DAYS, warmupMinutes: 360 }))
add(
  'M/M/4 ρ=0.8, pooled FIFO L1',
  validateErlangC(mmc, { policy: 'L1', days: DAYS, warmupMinutes: 360 }),
)
add(
  'M/M/8 λ=45/h E[S]=9.36 (ρ=0.88), engine T',
  validateErlangC(
    { servers: 8, arrivalRate: 0.75, meanServiceMinutes: 9.36 },
    { policy: 'T', days: DAYS, warmupMinutes: 600 },
  ),
)
add(
  'M/M/4+M ρ=1.0, patience 10, engine T',
  validateErlangA(
    { servers: 4, arrivalRate: 0.8, meanServiceMinutes: 5, meanPatienceMinutes: 10 },
    { policy: 'T', days: DAYS, warmupMinutes: 360 },
  ),
)
add(
  'M/M/8+M λ=45/h, patience 30, engine T',
  validateErlangA(
    { servers: 8, arrivalRate: 0.75, meanServiceMinutes: 9.36, meanPatienceMinutes: 30 },
    { policy: 'T', days: DAYS, warmupMinutes: 360 },
  ),
)
add(
  'M/M/4 ρ=0.8, 4 classes strict priority, engine T',
  validatePriorities(
    { ...mmc, classShares: { appointment: 0.08, vip: 0.07, elderly: 0.1, regular: 0.75 } },
    { days: DAYS, warmupMinutes: 360 },
  ),
)
console.log(
  formatTable(['model', 'metric', 'exact', 'simulated', '99% CI over days', 'within'], rows),
)
console.log(
  `${DAYS} days of 20 h per model; ${((performance.now() - started) / 1000).toFixed(1)} s`,
)
