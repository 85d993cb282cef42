import { useEffect, useRef } from 'react'

/**
 * The card reader, as the kiosk sees it: a keyed hash of the card (never its number) arrives while
 * the card screen is open. Placeholder until issue 4 wires the reader's MQTT `event/card` to the
 * kiosk; until then a `kqms:card` DOM event with `{ detail: { token } }` stands in for it (used
 * by tests and the demo).
 */
export function useCardReader(input: { active: boolean; onCard: (token: string) => void }): void {
  const onCard = useRef(input.onCard)
  useEffect(() => {
    onCard.current = input.onCard
  })
  useEffect(() => {
    if (!input.active) return undefined
    const listener = (event: Event) => {
      const detail = (event as CustomEvent<{ token?: unknown }>).detail
      if (typeof detail.token === 'string' && detail.token.length > 0) onCard.current(detail.token)
    }
    window.addEventListener('kqms:card', listener)
    return () => window.removeEventListener('kqms:card', listener)
  }, [input.active])
}
