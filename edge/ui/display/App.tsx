import type { BranchView, QueueView } from '@kqms/shared/api'
import type { BranchId, Language } from '@kqms/shared/domain'
import { translate, type MessageKey } from '@kqms/shared/i18n'
import { HallAnnounce, NowServing, QueueSnapshot, topics } from '@kqms/shared/mqtt'
import { useEffect, useMemo, useRef, useState } from 'react'
import { fromAnnounce, fromNowServing } from '../common/announcer'
import { createApi } from '../common/api'
import { useAnnouncer } from '../common/audio'
import { LinkBadge, PairingForm, useNow } from '../common/components'
import {
  deviceBirth,
  deviceCredentials,
  initialDevice,
  saveDevice,
  type DeviceIdentity,
} from '../common/device'
import { formatClock, formatWait, LANGUAGES, languageFromUrl, translator } from '../common/i18n'
import { NO_LIVE, useLiveResource, useLiveValue, useMqtt, useTopicEvents } from '../common/live'
import { alsoLanguages, hallView, isFresh } from './state'

const api = createApi()
const APP = 'display'

/** A heading in the display's language with the other two beneath it. */
function Caption(props: { language: Language; k: MessageKey }) {
  const main = translate(props.language, props.k)
  // Kazakh and Russian share some words ("Талон"): say each only once.
  const others = [...new Set(LANGUAGES.map((l) => translate(l, props.k)))].filter((s) => s !== main)
  return (
    <div className="caption">
      <span>{main}</span>
      <small>{others.join(' · ')}</small>
    </div>
  )
}

export function App() {
  const language: Language = languageFromUrl() ?? 'kk'
  const t = useMemo(() => translator(language), [language])
  const also = useMemo(() => alsoLanguages(location.search), [])
  const [device, setDevice] = useState<DeviceIdentity | null>(() => initialDevice(APP))
  const [pairing, setPairing] = useState(() => new URLSearchParams(location.search).has('pair'))
  const branch = useLiveResource(NO_LIVE, () => api.branches(), { fastPollMs: 60_000 })
  const branchView: BranchView | null = branch.data?.branches[0] ?? null
  const branchId = (device?.branchId as BranchId | null | undefined) ?? branchView?.id ?? null
  const live = useMqtt(
    device ? deviceCredentials(device) : null,
    device ? deviceBirth({ device, branchId, kind: 'hall-display' }) : undefined,
  )

  const nowServing = useLiveValue(live, {
    topic: branchId ? topics.hallNowServing(branchId) : null,
    schema: NowServing,
    load: () => api.nowServing(),
    pollMs: 2_000,
  })
  const snapshot = useLiveValue(live, {
    topic: branchId ? topics.queueSnapshot(branchId) : null,
    schema: QueueSnapshot,
    load: async (): Promise<QueueSnapshot> => {
      const { queues } = await api.queues()
      return { services: queues.map(toSnapshotService), ts: Date.now() }
    },
    pollMs: 5_000,
  })

  const announcer = useAnnouncer(also)
  const primed = useRef(false)
  const data = nowServing.data
  useEffect(() => {
    if (data === null) return
    const announcements = fromNowServing(data.items, { ts: data.ts, localNow: Date.now() })
    if (!primed.current) {
      // What was called before the display started is shown, not announced.
      primed.current = true
      announcer.dispatch({ type: 'prime', keys: announcements.map((a) => a.key) })
      return
    }
    announcer.dispatch({ type: 'enqueue', announcements, now: Date.now() })
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [data])
  useTopicEvents(live, branchId ? topics.hallAnnounce(branchId) : null, {
    schema: HallAnnounce,
    onMessage: (message) => {
      if (!primed.current) return
      const now = Date.now()
      announcer.dispatch({ type: 'enqueue', announcements: [fromAnnounce(message, now)], now })
    },
  })

  useEffect(() => {
    document.documentElement.lang = language
  }, [language])
  const now = useNow(1000)

  if (pairing)
    return (
      <PairingForm
        t={t}
        api={api}
        onPaired={(paired) => {
          saveDevice(APP, paired)
          setDevice(paired)
          setPairing(false)
        }}
        onSkip={() => setPairing(false)}
      />
    )

  const view = hallView(data?.items ?? [])
  const playing = announcer.state.playing
  return (
    <div className="hall">
      <header className="hall-header">
        <div className="brand">
          <div className="brand-mark">K</div>
          <div>
            Kaspi
            <small>{branchView?.name[language] ?? ''}</small>
          </div>
        </div>
        <div className="grow" />
        <LinkBadge t={t} live={live} stale={nowServing.stale} />
        <div className="hall-clock">
          {formatClock(language, { at: now, timeZone: branchView?.timeZone })}
        </div>
      </header>
      <main className="hall-main">
        <section className="hall-now">
          <div className="hall-now-head">
            <Caption language={language} k="display.ticket" />
            <Caption language={language} k="display.counter" />
          </div>
          {view.current.length === 0 ? (
            <div className="hall-empty">
              <Caption language={language} k="display.noCalls" />
            </div>
          ) : (
            view.current.map((item) => {
              const fresh = data !== null && isFresh(item, data.ts)
              const speaking = playing?.key === `${item.ticketId}:${item.recallCount}`
              return (
                <div
                  key={item.ticketId}
                  className={`hall-call${fresh ? ' hall-call-fresh' : ''}${speaking ? ' hall-call-speaking' : ''}`}
                  data-ticket={item.number}
                  data-counter={item.counterLabel}
                >
                  <span className="hall-ticket">{item.number}</span>
                  <span className="hall-arrow" aria-hidden>
                    ➜
                  </span>
                  <span className="hall-counter">{item.counterLabel}</span>
                </div>
              )
            })
          )}
        </section>
        <aside className="hall-side">
          <section className="hall-panel">
            <Caption language={language} k="display.recent" />
            <ul className="hall-history">
              {view.history.map((item) => (
                <li key={`${item.ticketId}:${item.recallCount}`}>
                  <span className="ticket-no">{item.number}</span>
                  <span className="muted">→ {item.counterLabel}</span>
                </li>
              ))}
            </ul>
          </section>
          <section className="hall-panel">
            <Caption language={language} k="display.queues" />
            <ul className="hall-queues">
              {(snapshot.data?.services ?? []).map((service) => (
                <li key={service.id}>
                  <span className="hall-prefix">{service.prefix}</span>
                  <span className="grow">{service.name[language]}</span>
                  <span className="hall-waiting">{service.waiting}</span>
                  <span className="hall-wait muted">
                    {service.isOpen ? formatWait(t, service.newTicketWait) : '—'}
                  </span>
                </li>
              ))}
            </ul>
          </section>
        </aside>
      </main>
      {playing ? (
        <div className="hall-banner" role="status">
          {translate(playing.language, 'display.goTo', { counter: playing.counterLabel })} ·{' '}
          <strong>{playing.number}</strong>
        </div>
      ) : null}
      {announcer.blocked ? (
        <button type="button" className="hall-sound" onClick={announcer.unblock}>
          🔊 {t('display.soundOff')}
        </button>
      ) : null}
    </div>
  )
}

function toSnapshotService(queue: QueueView): QueueSnapshot['services'][number] {
  return {
    id: queue.serviceId,
    prefix: queue.prefix,
    name: queue.name,
    isOpen: queue.isOpen,
    waiting: queue.waiting,
    newTicketWait: queue.newTicketWait,
  }
}
