import type { StatusView } from '@kqms/shared/api'

/**
 * What the status page shows for a ticket's status: a pure mapping, tested without a DOM. Every
 * number (position, wait, counter) comes from the API; this only picks the layout.
 */
export type StatusLayout =
  | { readonly kind: 'waiting'; readonly position: number | null }
  | { readonly kind: 'called'; readonly counterLabel: string }
  | { readonly kind: 'serving'; readonly counterLabel: string }
  | { readonly kind: 'closed' }

export function layoutOf(view: StatusView): StatusLayout {
  switch (view.status) {
    case 'waiting':
    case 'parked':
      return { kind: 'waiting', position: view.position }
    case 'called':
      return { kind: 'called', counterLabel: view.counter?.label ?? '—' }
    case 'serving':
      return { kind: 'serving', counterLabel: view.counter?.label ?? '—' }
    case 'finished':
    case 'no_show':
    case 'cancelled':
    case 'expired':
      return { kind: 'closed' }
  }
}

/** True when this update is the moment the ticket was called (or called again). */
export function isNewCall(previous: StatusView | null, next: StatusView): boolean {
  if (next.status !== 'called') return false
  if (previous === null) return false
  return previous.status !== 'called' || previous.calledAt !== next.calledAt
}

/** Poll faster as the call gets close; slowly once it is over. */
export function pollIntervalMs(view: StatusView | null): number {
  if (view === null) return 5_000
  const layout = layoutOf(view)
  if (layout.kind === 'closed') return 60_000
  if (layout.kind === 'waiting' && layout.position !== null && layout.position > 5) return 10_000
  return 4_000
}

/** The ticket id from `/status/<id>` or `/status/?ticket=<id>`. */
export function ticketIdFrom(location: Pick<Location, 'pathname' | 'search'>): string | null {
  const fromQuery = new URLSearchParams(location.search).get('ticket')
  if (fromQuery) return fromQuery
  const match = /^\/status\/([^/]+)\/?$/.exec(location.pathname)
  return match?.[1] ? decodeURIComponent(match[1]) : null
}
