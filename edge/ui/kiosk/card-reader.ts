import { CommandEnvelope, topics } from '@kqms/shared/mqtt'
import type { BranchId } from '@kqms/shared/domain'
import { useTopicEvents, type Live } from '../common/live'
import { cardReadOf } from './state'

/**
 * The kiosk's card reader, as the kiosk sees it: the appliance relays a read of the reader
 * attached to this kiosk as `dev/{kioskId}/cmd/card-read` (the read's id and masked number; the
 * card number never leaves the reader's bridge). Reads count only while the card screen is open.
 */
export function useCardReader(input: {
  live: Live
  branchId: BranchId | null
  kioskId: string | null
  active: boolean
  onCard: (read: { readId: string; masked: string }) => void
}): void {
  // Subscribed only while the card screen is open: a read is never used for another step.
  const topic =
    input.active && input.branchId !== null && input.kioskId !== null
      ? topics.deviceCommand(input.branchId, input.kioskId, 'card-read')
      : null
  useTopicEvents(input.live, topic, {
    schema: CommandEnvelope,
    onMessage: (envelope) => {
      const read = cardReadOf(envelope, Date.now())
      if (read) input.onCard(read)
    },
  })
}
