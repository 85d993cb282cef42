import type { DayScript, ScriptedCustomer, ScriptedOperator } from './script.js'

/**
 * What the simulator asks of a queueing policy. The simulator owns time, customers and operators
 * (arrivals, walking, service, patience, breaks); the policy owns only the queue: where a ticket
 * waits, which ticket a calling operator gets, and its own wait prediction.
 *
 * Calls arrive in time order. `callNext` must dequeue the customer it returns.
 */
export interface SimPolicy {
  readonly name: string
  signIn(operator: ScriptedOperator, now: number): void
  signOut(operator: ScriptedOperator, now: number): void
  pause(operator: ScriptedOperator, now: number): void
  resume(operator: ScriptedOperator, now: number): void
  /** A customer takes a ticket. Returns the policy's own wait prediction (ms), if it has one. */
  issue(customer: ScriptedCustomer, now: number): { predictedWait: number | null }
  /**
   * Idle operators who may call this new ticket, in the order they should try (the shell's
   * idle-operator selection: the engine decides only which ticket a calling operator gets).
   */
  offerTo(customer: ScriptedCustomer, idle: readonly IdleOperator[]): IdleOperator[]
  callNext(operator: ScriptedOperator, now: number): ScriptedCustomer | null
  startService(operator: ScriptedOperator, now: number): void
  finish(operator: ScriptedOperator, now: number): void
  noShow(operator: ScriptedOperator, now: number): void
  /** The customer left before being called. */
  abandon(customer: ScriptedCustomer, now: number): void
  /** Service-time multiplier of this operator for this customer (1 for universal operators). */
  speedFactor(operator: ScriptedOperator, customer: ScriptedCustomer): number
  /**
   * An independent copy that continues from the current state (the clairvoyant floor forks the
   * day, `simulator.ts`). Copies need not predict waits.
   */
  fork(): SimPolicy
}

export interface IdleOperator {
  readonly operator: ScriptedOperator
  /** When the operator last became idle (ms after midnight). */
  readonly idleSince: number
}

/** Builds a fresh policy instance for one day's script. */
export type PolicyFactory = (script: DayScript) => SimPolicy
