import type { TicketView } from '@kqms/shared/api'

/**
 * The customer status page of a ticket, on the appliance that issued it. The appliance's public
 * base URL (EDGE_PUBLIC_URL) is the origin of the ticket's `statusUrl`, so the QR code works from
 * a phone on the branch network even when the kiosk itself runs on localhost.
 */
export function statusPageUrl(ticket: Pick<TicketView, 'id' | 'statusUrl'>): string {
  let origin: string
  try {
    origin = new URL(ticket.statusUrl).origin
  } catch {
    origin = location.origin
  }
  return `${origin}/status/${encodeURIComponent(ticket.id)}`
}
