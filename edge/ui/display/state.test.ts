import type { NowServingItem } from '@kqms/shared/mqtt'
import { describe, expect, it } from 'vitest'
import {
  announcerReducer,
  clipsOf,
  fromAnnounce,
  fromNowServing,
  INITIAL_ANNOUNCER,
  type AnnouncerState,
} from '../common/announcer'
import { alsoLanguages, hallView, isFresh } from './state'

const item = (
  n: number,
  counter: string,
  at: number | { calledAt: number; recallCount: number },
) => {
  const { calledAt, recallCount } = typeof at === 'number' ? { calledAt: at, recallCount: 0 } : at
  return {
    ticketId: `00000000-0000-7000-8000-${String(n).padStart(12, '0')}`,
    number: `A${String(n).padStart(3, '0')}`,
    counterId: `c${counter}`,
    counterLabel: counter,
    language: 'kk',
    calledAt,
    recallCount,
  } as NowServingItem
}

describe('hall view', () => {
  it('shows the newest call of each counter as current and the rest as history', () => {
    const items = [item(5, '1', 500), item(4, '2', 400), item(3, '1', 300), item(2, '3', 200)]
    const view = hallView(items)
    expect(view.current.map((i) => i.number)).toEqual(['A005', 'A004', 'A002'])
    expect(view.history.map((i) => i.number)).toEqual(['A003'])
  })

  it('limits both lists', () => {
    const items = [1, 2, 3, 4].map((n) => item(n, String(n), 1000 - n))
    expect(hallView(items, { current: 2, history: 1 })).toEqual({
      current: [items[0], items[1]],
      history: [items[2]],
    })
  })

  it('highlights a call for a few seconds', () => {
    expect(isFresh(item(1, '1', 1000), 5000)).toBe(true)
    expect(isFresh(item(1, '1', 1000), 20_000)).toBe(false)
  })

  it('reads extra announcement languages', () => {
    expect(alsoLanguages('?also=ru,xx,en')).toEqual(['ru', 'en'])
    expect(alsoLanguages('')).toEqual([])
  })
})

describe('announcement queue', () => {
  const reduce = (state: AnnouncerState, ...actions: Parameters<typeof announcerReducer>[1][]) =>
    actions.reduce(announcerReducer, state)

  it('plays calls one at a time, in order, each once', () => {
    const snapshot = fromNowServing([item(2, '2', 2000), item(1, '1', 1000)], {
      ts: 3000,
      localNow: 10_000,
    })
    let state = reduce(INITIAL_ANNOUNCER, { type: 'enqueue', announcements: snapshot, now: 10_000 })
    expect(state.queue.map((a) => a.number)).toEqual(['A001', 'A002'])
    state = reduce(state, { type: 'next', now: 10_001 })
    expect(state.playing?.number).toBe('A001')
    // The same calls again (next poll, or the MQTT announce) are not queued twice.
    state = reduce(state, { type: 'enqueue', announcements: snapshot, now: 10_002 })
    expect(state.queue).toHaveLength(1)
    state = reduce(state, { type: 'next', now: 10_003 })
    expect(state.playing?.number).toBe('A001') // still playing: nothing overlaps
    state = reduce(state, { type: 'done', key: snapshot[0]!.key }, { type: 'next', now: 10_004 })
    expect(state.playing?.number).toBe('A002')
    expect(state.queue).toHaveLength(0)
  })

  it('treats a recall as a new announcement', () => {
    const first = fromNowServing([item(1, '1', 1000)], { ts: 1000, localNow: 0 })
    const recall = fromNowServing([item(1, '1', { calledAt: 5000, recallCount: 1 })], {
      ts: 5000,
      localNow: 0,
    })
    const state = reduce(
      INITIAL_ANNOUNCER,
      { type: 'enqueue', announcements: first, now: 0 },
      { type: 'enqueue', announcements: recall, now: 0 },
    )
    expect(state.queue.map((a) => a.kind)).toEqual(['call', 'recall'])
  })

  it('does not announce what the display found on start, nor calls past their time', () => {
    const old = fromNowServing([item(1, '1', 1000)], { ts: 1000, localNow: 0 })
    let state = reduce(INITIAL_ANNOUNCER, { type: 'prime', keys: old.map((a) => a.key) })
    state = reduce(state, { type: 'enqueue', announcements: old, now: 0 })
    expect(state.queue).toHaveLength(0)
    const stale = fromNowServing([item(2, '1', 1000)], { ts: 120_000, localNow: 0 })
    state = reduce(state, { type: 'enqueue', announcements: stale, now: 0 })
    expect(state.queue).toHaveLength(0)
  })

  it('drops a queued call that expires before its turn', () => {
    const [a] = fromNowServing([item(1, '1', 1000)], { ts: 1000, localNow: 0 })
    let state = reduce(INITIAL_ANNOUNCER, { type: 'enqueue', announcements: [a!], now: 0 })
    state = reduce(state, { type: 'next', now: 61_000 })
    expect(state.playing).toBeNull()
    expect(state.queue).toHaveLength(0)
  })

  it('moves the expiry of a broker announcement to the local clock', () => {
    const announcement = fromAnnounce(
      {
        id: 'call-00000001',
        kind: 'call',
        ticketId: item(1, '1', 0).ticketId,
        number: 'A001',
        counterId: item(1, '1', 0).counterId,
        counterLabel: '1',
        language: 'ru',
        recallCount: 0,
        ts: 5_000_000,
        expiresAt: 5_030_000,
      },
      100,
    )
    expect(announcement.expiresAt).toBe(30_100)
  })

  it('plays the chime, then the call in the ticket language, then other languages', () => {
    const [a] = fromNowServing([item(7, '12', 1000)], { ts: 1000, localNow: 0 })
    expect(clipsOf(a!, ['ru', 'kk'])).toEqual([
      '/audio/chime.wav',
      '/audio/call/kk/A007/12.wav',
      '/audio/call/ru/A007/12.wav',
    ])
  })
})
