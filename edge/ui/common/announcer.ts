import type { Language } from '@kqms/shared/domain'
import type { HallAnnounce, NowServingItem } from '@kqms/shared/mqtt'

/**
 * The hall display's announcement queue as a pure reducer: calls are played one at a time, in
 * order, each once (a call and its recalls are distinct), and a call whose time has passed is
 * dropped rather than played late (a display that reconnects must not replay a backlog).
 */

export interface Announcement {
  /** `<ticketId>:<recallCount>`: the same call from MQTT and from a now-serving snapshot is one. */
  readonly key: string
  readonly number: string
  readonly counterLabel: string
  readonly language: Language
  readonly kind: 'call' | 'recall'
  /** Local clock (ms) after which it is not played. */
  readonly expiresAt: number
}

export interface AnnouncerState {
  readonly queue: readonly Announcement[]
  readonly playing: Announcement | null
  /** Keys already queued or played (the most recent ones only). */
  readonly seen: readonly string[]
}

export type AnnouncerAction =
  | {
      readonly type: 'enqueue'
      readonly announcements: readonly Announcement[]
      readonly now: number
    }
  /** Marks calls as already announced without playing them (the state a display starts from). */
  | { readonly type: 'prime'; readonly keys: readonly string[] }
  | { readonly type: 'next'; readonly now: number }
  | { readonly type: 'done'; readonly key: string }

export const INITIAL_ANNOUNCER: AnnouncerState = { queue: [], playing: null, seen: [] }

const SEEN_LIMIT = 500
/** How long after a call it may still be announced. */
export const ANNOUNCE_TTL_MS = 60_000

const remember = (seen: readonly string[], keys: readonly string[]): string[] =>
  [...seen, ...keys].slice(-SEEN_LIMIT)

export function announcerReducer(state: AnnouncerState, action: AnnouncerAction): AnnouncerState {
  switch (action.type) {
    case 'prime': {
      const fresh = action.keys.filter((k) => !state.seen.includes(k))
      return fresh.length === 0 ? state : { ...state, seen: remember(state.seen, fresh) }
    }
    case 'enqueue': {
      const added: Announcement[] = []
      for (const a of action.announcements) {
        if (a.expiresAt <= action.now) continue
        if (state.seen.includes(a.key) || added.some((b) => b.key === a.key)) continue
        added.push(a)
      }
      if (added.length === 0) return state
      return {
        ...state,
        queue: [...state.queue, ...added],
        seen: remember(
          state.seen,
          added.map((a) => a.key),
        ),
      }
    }
    case 'next': {
      if (state.playing !== null) return state
      const queue = state.queue.filter((a) => a.expiresAt > action.now)
      const [first, ...rest] = queue
      if (first === undefined)
        return queue.length === state.queue.length ? state : { ...state, queue }
      return { ...state, queue: rest, playing: first }
    }
    case 'done':
      return state.playing?.key === action.key ? { ...state, playing: null } : state
  }
}

export const callKey = (ticketId: string, recallCount: number): string =>
  `${ticketId}:${recallCount}`

/** An announcement from the broker's `hall/announce` (its expiry moved to the local clock). */
export function fromAnnounce(message: HallAnnounce, localNow: number): Announcement {
  return {
    key: callKey(message.ticketId, message.recallCount),
    number: message.number,
    counterLabel: message.counterLabel,
    language: message.language,
    kind: message.kind,
    expiresAt: localNow + Math.max(0, message.expiresAt - message.ts),
  }
}

/** Announcements for the calls of a now-serving snapshot taken at `ts` (appliance clock). */
export function fromNowServing(
  items: readonly NowServingItem[],
  input: { ts: number; localNow: number },
): Announcement[] {
  return items
    .map((item) => ({
      key: callKey(item.ticketId, item.recallCount),
      number: item.number,
      counterLabel: item.counterLabel,
      language: item.language,
      kind: item.recallCount > 0 ? ('recall' as const) : ('call' as const),
      expiresAt: input.localNow + (item.calledAt + ANNOUNCE_TTL_MS - input.ts),
    }))
    .reverse() // oldest call first
}

/** The clips of one announcement: the chime, then the call in the ticket's language, then others. */
export function clipsOf(a: Announcement, alsoIn: readonly Language[] = []): string[] {
  const languages = [a.language, ...alsoIn.filter((l) => l !== a.language)]
  const counter = encodeURIComponent(a.counterLabel)
  return [
    '/audio/chime.wav',
    ...languages.map(
      (language) => `/audio/${a.kind}/${language}/${encodeURIComponent(a.number)}/${counter}.wav`,
    ),
  ]
}
