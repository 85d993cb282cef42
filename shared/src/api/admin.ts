import { z } from 'zod'
import { Branch, Counter, Operator, PriorityPolicy, Service } from '../domain/catalogue.js'
import { BusinessDay } from '../domain/ids.js'
import { OperatorPresenceView } from './counter.js'

/** `PUT /api/admin/services/{id}`: the whole service; the id comes from the path. */
export const ServiceUpdate = Service.omit({ id: true }).strict().meta({ id: 'ServiceUpdate' })
export type ServiceUpdate = z.infer<typeof ServiceUpdate>
export const ServiceList = z.object({ services: z.array(Service) })
export type ServiceList = z.infer<typeof ServiceList>

export const CounterUpdate = Counter.omit({ id: true }).strict().meta({ id: 'CounterUpdate' })
export type CounterUpdate = z.infer<typeof CounterUpdate>
export const CounterList = z.object({ counters: z.array(Counter) })
export type CounterList = z.infer<typeof CounterList>

/** `PUT /api/admin/operators/{id}`: name, skills matrix (serviceId → level 1|2|3), active. */
export const OperatorUpdate = Operator.omit({ id: true }).strict().meta({ id: 'OperatorUpdate' })
export type OperatorUpdate = z.infer<typeof OperatorUpdate>
export const OperatorView = z
  .object({ operator: Operator, presence: OperatorPresenceView })
  .meta({ id: 'OperatorView' })
export type OperatorView = z.infer<typeof OperatorView>
export const OperatorList = z.object({ operators: z.array(OperatorView) })
export type OperatorList = z.infer<typeof OperatorList>

/** `PUT /api/admin/branch`: the whole branch configuration. */
export const BranchUpdate = Branch.strict().meta({ id: 'BranchUpdate' })
export type BranchUpdate = z.infer<typeof BranchUpdate>

/** `PUT /api/admin/priority-policy`: the whole policy. */
export const PolicyUpdate = PriorityPolicy.strict().meta({ id: 'PriorityPolicy' })
export type PolicyUpdate = z.infer<typeof PolicyUpdate>

/** `POST /api/admin/day/close`. */
export const DayCloseResult = z
  .object({
    /** False when there was no open day to close. */
    closed: z.boolean(),
    day: BusinessDay.nullable(),
    expiredTickets: z.number().int().nonnegative(),
  })
  .meta({ id: 'DayCloseResult' })
export type DayCloseResult = z.infer<typeof DayCloseResult>
