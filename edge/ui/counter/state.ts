import type { CounterState } from '@kqms/shared/mqtt'

/** What the LED-style counter display shows (pure, tested without a DOM). */
export type CounterFace =
  | { readonly kind: 'ticket'; readonly number: string; readonly blinkKey: string }
  | { readonly kind: 'free' }
  | { readonly kind: 'paused' }
  | { readonly kind: 'closed' }

export function counterFace(state: CounterState): CounterFace {
  if (state.current)
    return {
      kind: 'ticket',
      number: state.current.number,
      // A new call or a recall blinks again.
      blinkKey: `${state.current.ticketId}:${state.current.recallCount}`,
    }
  if (!state.active || state.operator === null) return { kind: 'closed' }
  if (state.operator.status === 'paused') return { kind: 'paused' }
  return { kind: 'free' }
}

/** The counter this display belongs to: its pairing, else `?counter=<id>`. */
export function counterIdFrom(input: { paired: string | null; search: string }): string | null {
  return input.paired ?? new URLSearchParams(input.search).get('counter')
}
