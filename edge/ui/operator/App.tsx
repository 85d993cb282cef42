import type { CounterView, QueueView, StaffTicketView, WaitingEntry } from '@kqms/shared/api'
import type { BranchId, CounterId, Language, ServiceId } from '@kqms/shared/domain'
import { topics, type CounterState } from '@kqms/shared/mqtt'
import { useCallback, useEffect, useMemo, useReducer, useState } from 'react'
import { errorMessage, type Api } from '../common/api'
import { BrandMark, Dialog, LanguageSwitch, LinkBadge, useNow } from '../common/components'
import { formatDuration, type T } from '../common/i18n'
import { useLiveResource, useMqtt, type Live } from '../common/live'
import { staffCredentials, type StaffSession } from '../common/session'
import { StaffApp } from '../common/staff-app'
import {
  availableActions,
  FINISH_OUTCOMES,
  INITIAL_TERMINAL,
  PAUSE_REASONS,
  shortcutFor,
  terminalReducer,
  type ActionName,
  type TerminalAction,
  type TerminalState,
} from './state'

const APP = 'operator'
const COUNTER_KEY = 'kqms.operator.counter'

export function App() {
  return (
    <StaffApp
      app={APP}
      titleKey="operator.title"
      onSignOut={() => sessionStorage.removeItem(COUNTER_KEY)}
    >
      {(props) => <Terminal {...props} />}
    </StaffApp>
  )
}

function Terminal(props: {
  t: T
  api: Api
  session: StaffSession
  language: Language
  onLanguage: (language: Language) => void
  onSignOut: () => void
}) {
  const { t, api, session, language } = props
  const credentials = useMemo(() => staffCredentials(session, APP), [session])
  const live = useMqtt(credentials)
  const [counterId, setCounterId] = useState<CounterId | null>(
    () => sessionStorage.getItem(COUNTER_KEY) as CounterId | null,
  )
  const choose = (id: CounterId | null) => {
    if (id === null) sessionStorage.removeItem(COUNTER_KEY)
    else sessionStorage.setItem(COUNTER_KEY, id)
    setCounterId(id)
  }
  const branch = useLiveResource(live, () => api.branches(), { fastPollMs: 60_000 })
  const branchId = branch.data?.branches[0]?.id ?? null
  const queues = useLiveResource(live, () => api.queues(), {
    fastPollMs: 10_000,
    triggers: branchId ? [topics.queueSnapshot(branchId)] : [],
  })

  return (
    <div className="op">
      <header className="topbar">
        <BrandMark
          title={t('operator.title')}
          subtitle={branch.data?.branches[0]?.name[language]}
        />
        <div className="grow" />
        <LinkBadge t={t} live={live} stale={queues.stale} />
        <LanguageSwitch value={language} onChange={props.onLanguage} short />
        <span className="muted">{session.user.displayName}</span>
        <button type="button" className="btn btn-ghost" onClick={props.onSignOut}>
          {t('common.signOut')}
        </button>
      </header>
      {counterId === null ? (
        <CounterChoice
          t={t}
          api={api}
          live={live}
          branchId={branchId}
          session={session}
          language={language}
          onChoose={choose}
        />
      ) : (
        <Workspace
          t={t}
          api={api}
          live={live}
          branchId={branchId}
          counterId={counterId}
          language={language}
          queues={queues.data?.queues ?? []}
          onLeave={() => choose(null)}
        />
      )}
    </div>
  )
}

function CounterChoice(props: {
  t: T
  api: Api
  live: Live
  branchId: BranchId | null
  session: StaffSession
  language: Language
  onChoose: (id: CounterId) => void
}) {
  const { t, api, language, session } = props
  const counters = useLiveResource(props.live, () => api.counters(), {
    fastPollMs: 5_000,
    triggers: props.branchId ? [topics.counterStateAll(props.branchId)] : [],
  })
  const [error, setError] = useState<string | null>(null)
  const mine = counters.data?.counters.find(
    (c) => c.operator !== null && c.operator.operatorId === session.user.operatorId,
  )
  const { onChoose } = props
  useEffect(() => {
    // Already signed in at a counter (another tab, a reload): go straight there.
    if (mine) onChoose(mine.counterId)
  }, [mine, onChoose])

  const open = (counter: CounterState) => {
    setError(null)
    api
      .signIn(counter.counterId)
      .then(() => onChoose(counter.counterId))
      .catch((e: unknown) => setError(errorMessage(e)))
  }
  return (
    <main className="op-choose">
      <h1>{t('operator.chooseCounter')}</h1>
      {error ? <div className="banner banner-bad">{error}</div> : null}
      <div className="op-counter-grid">
        {(counters.data?.counters ?? []).map((counter) => {
          const taken = counter.operator !== null
          return (
            <button
              key={counter.counterId}
              type="button"
              className="op-counter"
              data-counter={counter.counterId}
              disabled={taken || !counter.active}
              onClick={() => open(counter)}
            >
              <span className="op-counter-label">{counter.label}</span>
              <span>{counter.name[language]}</span>
              <span className={`pill ${taken ? 'pill-warn' : 'pill-ok'}`}>
                {taken
                  ? t('operator.counterTaken', { name: counter.operator?.displayName ?? '' })
                  : t('operator.counterFree')}
              </span>
            </button>
          )
        })}
      </div>
    </main>
  )
}

function Workspace(props: {
  t: T
  api: Api
  live: Live
  branchId: BranchId | null
  counterId: CounterId
  language: Language
  queues: readonly QueueView[]
  onLeave: () => void
}) {
  const { t, api, counterId, language } = props
  const counter = useLiveResource(props.live, () => api.counterView(counterId), {
    fastPollMs: 3_000,
    slowPollMs: 20_000,
    triggers: props.branchId
      ? [topics.counterState(props.branchId, counterId), topics.queueSnapshot(props.branchId)]
      : [],
  })
  const [ui, dispatch] = useReducer(terminalReducer, INITIAL_TERMINAL)
  const view = counter.data
  const allowed = availableActions(view)
  const serviceName = useCallback(
    (id: string) => props.queues.find((q) => q.serviceId === id)?.name[language] ?? id,
    [props.queues, language],
  )

  const run = useCallback(
    (action: ActionName, call: () => Promise<unknown>, after?: () => void) => {
      if (ui.pending !== null) return
      dispatch({ type: 'started', action })
      call()
        .then((result) => {
          const empty =
            typeof result === 'object' &&
            result !== null &&
            'outcome' in result &&
            result.outcome === 'queue_empty'
          dispatch({
            type: 'succeeded',
            notice: empty ? { tone: 'info', text: t('operator.queueEmptyCalled') } : undefined,
          })
          counter.reload()
          after?.()
        })
        .catch((error: unknown) => {
          dispatch({ type: 'failed', message: errorMessage(error) })
          counter.reload()
        })
    },
    [ui.pending, counter, t],
  )

  const perform = useCallback(
    (action: ActionName) => {
      switch (action) {
        case 'callNext':
          return run(action, () => api.callNext(counterId))
        case 'recall':
          return run(action, () => api.recall(counterId))
        case 'start':
          return run(action, () => api.start(counterId))
        case 'noShow':
          return run(action, () => api.noShow(counterId))
        case 'park':
          return run(action, () => api.park(counterId))
        case 'resume':
          return run(action, () => api.resume(counterId))
        case 'signIn':
          return run(action, () => api.signIn(counterId))
        case 'signOut':
          return run(action, () => api.signOut(counterId), props.onLeave)
        case 'finish':
        case 'transfer':
        case 'pause':
          return dispatch({ type: 'open', dialog: action })
        case 'call':
        case 'resumeParked':
          return undefined
      }
    },
    [api, counterId, run, props.onLeave],
  )

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (ui.dialog !== null || event.ctrlKey || event.metaKey || event.altKey) return
      if (event.target instanceof HTMLInputElement) return
      const action = shortcutFor(event.key, allowed)
      if (action === null) return
      event.preventDefault()
      perform(action)
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [allowed, perform, ui.dialog])

  if (view === null) return <p className="muted op-loading">{t('common.loading')}</p>
  const operator = view.operator
  return (
    <main className="op-work">
      <section className="op-left">
        <div className="op-counter-head">
          <div>
            <h1>{view.counter.name[language]}</h1>
            {operator ? (
              <span
                className={`pill ${operator.status === 'paused' ? 'pill-warn' : operator.status === 'serving' ? 'pill-info' : 'pill-ok'}`}
              >
                {operator.displayName} · {t(`presence.${operator.status}`)}
              </span>
            ) : (
              <span className="pill">{t('presence.offline')}</span>
            )}
          </div>
          <div className="row">
            {allowed.has('signIn') ? (
              <button type="button" className="btn btn-primary" onClick={() => perform('signIn')}>
                {t('operator.signIn')}
              </button>
            ) : null}
            {allowed.has('signOut') ? (
              <button type="button" className="btn" onClick={() => perform('signOut')}>
                {t('operator.signOutCounter')}
              </button>
            ) : null}
          </div>
        </div>
        {ui.notice ? (
          <div
            className={`banner ${ui.notice.tone === 'error' ? 'banner-bad' : 'banner-info'}`}
            role="status"
            onClick={() => dispatch({ type: 'dismiss' })}
          >
            {ui.notice.text}
          </div>
        ) : null}
        {operator?.status === 'paused' ? (
          <div className="op-paused card">
            <p>
              {t('operator.paused', {
                reason: operator.pauseReason ? t(`pause.${operator.pauseReason}`) : '',
              })}
            </p>
            <button type="button" className="btn btn-primary" onClick={() => perform('resume')}>
              {t('operator.resume')} <span className="kbd">P</span>
            </button>
          </div>
        ) : null}
        <CurrentTicket t={t} ticket={view.current} serviceName={serviceName} />
        <ActionBar t={t} allowed={allowed} pending={ui.pending} perform={perform} />
        <p className="muted op-shortcuts">{t('operator.shortcuts')}</p>
      </section>
      <section className="op-right">
        <WaitingList
          t={t}
          view={view}
          serviceName={serviceName}
          canCall={allowed.has('call') && ui.pending === null}
          onCall={(entry) => run('call', () => api.call(counterId, entry.id))}
        />
        {view.parked.length > 0 ? (
          <div className="card">
            <h2>{t('operator.parked')}</h2>
            <table className="table">
              <tbody>
                {view.parked.map((ticket) => (
                  <tr key={ticket.id}>
                    <td className="ticket-no">{ticket.number}</td>
                    <td>{serviceName(ticket.serviceId)}</td>
                    <td className="num">
                      <button
                        type="button"
                        className="btn"
                        disabled={!allowed.has('resumeParked')}
                        onClick={() =>
                          run('resumeParked', () => api.resumeParked(counterId, ticket.id))
                        }
                      >
                        {t('operator.resumeParked')}
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : null}
      </section>
      <Dialogs
        t={t}
        ui={ui}
        dispatch={dispatch}
        queues={props.queues}
        language={language}
        current={view.current}
        submit={{
          finish: (outcome) => run('finish', () => api.finish(counterId, { outcome })),
          transfer: (toServiceId, keepPlace) =>
            run('transfer', () => api.transfer(counterId, { toServiceId, keepPlace })),
          pause: (reason) => run('pause', () => api.pause(counterId, { reason })),
        }}
      />
    </main>
  )
}

function CurrentTicket(props: {
  t: T
  ticket: StaffTicketView | null
  serviceName: (id: string) => string
}) {
  const { t, ticket } = props
  const now = useNow(1000)
  if (ticket === null)
    return (
      <div className="card op-current op-current-empty">
        <h2>{t('operator.current')}</h2>
        <p className="muted">{t('operator.noCurrent')}</p>
      </div>
    )
  const since = ticket.timerStartedAt ? Date.parse(ticket.timerStartedAt) : now
  return (
    <div className={`card op-current op-current-${ticket.status}`} data-testid="current-ticket">
      <div className="row">
        <h2 className="grow">{t('operator.current')}</h2>
        <span className={`pill ${ticket.status === 'serving' ? 'pill-info' : 'pill-warn'}`}>
          {t(`status.${ticket.status}`)}
        </span>
      </div>
      <div className="op-current-main">
        <div>
          <p className="op-number">{ticket.number}</p>
          <p className="op-service">{props.serviceName(ticket.serviceId)}</p>
        </div>
        <div className="op-timer">
          <span className="muted">{t('operator.timer')}</span>
          <strong>{formatDuration((now - since) / 1000)}</strong>
        </div>
      </div>
      <div className="row wrap">
        <span className="pill">{t(`priority.${ticket.priorityClass}`)}</span>
        <span className="pill">{ticket.language.toUpperCase()}</span>
        {ticket.phoneMasked ? <span className="pill">{ticket.phoneMasked}</span> : null}
        {ticket.recallCount > 0 ? (
          <span className="pill pill-warn">
            {t('operator.recalls', { count: ticket.recallCount })}
          </span>
        ) : null}
      </div>
      {ticket.callReason ? (
        <p className="muted op-why">
          {t('operator.why', {
            minutes: Math.round(ticket.callReason.waitSeconds / 60),
            score: Math.round(ticket.callReason.score),
          })}
        </p>
      ) : null}
    </div>
  )
}

const BAR: readonly { action: ActionName; key: string; label: Parameters<T>[0]; primary?: true }[] =
  [
    { action: 'callNext', key: 'N', label: 'operator.callNext', primary: true },
    { action: 'recall', key: 'R', label: 'operator.recall' },
    { action: 'start', key: 'S', label: 'operator.start', primary: true },
    { action: 'finish', key: 'F', label: 'operator.finish', primary: true },
    { action: 'noShow', key: 'X', label: 'operator.noShow' },
    { action: 'transfer', key: 'T', label: 'operator.transfer' },
    { action: 'park', key: 'H', label: 'operator.park' },
    { action: 'pause', key: 'P', label: 'operator.pause' },
  ]

function ActionBar(props: {
  t: T
  allowed: ReadonlySet<ActionName>
  pending: ActionName | null
  perform: (action: ActionName) => void
}) {
  return (
    <div className="op-actions">
      {BAR.map((item) => (
        <button
          key={item.action}
          type="button"
          data-action={item.action}
          className={`btn op-action${item.primary && props.allowed.has(item.action) ? ' btn-primary' : ''}`}
          disabled={!props.allowed.has(item.action) || props.pending !== null}
          onClick={() => props.perform(item.action)}
        >
          {props.pending === item.action ? '…' : props.t(item.label)}
          <span className="kbd">{item.key}</span>
        </button>
      ))}
    </div>
  )
}

function WaitingList(props: {
  t: T
  view: CounterView
  serviceName: (id: string) => string
  canCall: boolean
  onCall: (entry: WaitingEntry) => void
}) {
  const { t, view } = props
  return (
    <div className="card op-waiting">
      <h2>{t('operator.waitingList', { count: view.waiting.length })}</h2>
      {view.waiting.length === 0 ? (
        <p className="muted">{t('operator.emptyQueue')}</p>
      ) : (
        <table className="table">
          <thead>
            <tr>
              <th>{t('common.ticket')}</th>
              <th>{t('common.service')}</th>
              <th />
              <th className="num">{t('common.waiting')}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {view.waiting.map((entry) => (
              <tr key={entry.id} data-ticket={entry.number}>
                <td className="ticket-no">{entry.number}</td>
                <td>
                  {props.serviceName(entry.serviceId)}
                  {entry.phoneMasked ? (
                    <div className="muted op-phone">{entry.phoneMasked}</div>
                  ) : null}
                </td>
                <td>
                  <div className="row wrap op-flags">
                    {entry.priorityClass !== 'regular' ? (
                      <span className="pill pill-info">{t(`priority.${entry.priorityClass}`)}</span>
                    ) : null}
                    {entry.overdue ? (
                      <span className="pill pill-bad">{t('operator.overdue')}</span>
                    ) : null}
                    {entry.assignedToOperator ? (
                      <span className="pill pill-ok">{t('operator.assigned')}</span>
                    ) : null}
                    {entry.skillLevel > 1 ? (
                      <span className="pill">{t('operator.secondary')}</span>
                    ) : null}
                  </div>
                </td>
                <td className="num">
                  {t('common.minutes', { minutes: Math.floor(entry.waitSeconds / 60) })}
                </td>
                <td className="num">
                  <button
                    type="button"
                    className="btn"
                    disabled={!props.canCall}
                    onClick={() => props.onCall(entry)}
                  >
                    {t('operator.call')}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  )
}

function Dialogs(props: {
  t: T
  ui: TerminalState
  dispatch: (action: TerminalAction) => void
  queues: readonly QueueView[]
  language: Language
  current: StaffTicketView | null
  submit: {
    finish: (outcome: (typeof FINISH_OUTCOMES)[number]) => void
    transfer: (toServiceId: ServiceId, keepPlace: boolean) => void
    pause: (reason: (typeof PAUSE_REASONS)[number]) => void
  }
}) {
  const { t, ui, dispatch } = props
  const close = () => dispatch({ type: 'close' })
  const dialog = ui.dialog
  if (dialog === null) return null
  switch (dialog.kind) {
    case 'finish':
      return (
        <ChoiceDialog
          title={t('operator.finishWith')}
          onClose={close}
          choices={FINISH_OUTCOMES.map((outcome) => ({
            value: outcome,
            label: t(`outcome.${outcome}`),
          }))}
          attribute="data-outcome"
          highlightFirst
          disabled={ui.pending !== null}
          onChoose={(outcome) => props.submit.finish(outcome)}
        />
      )
    case 'pause':
      return (
        <ChoiceDialog
          title={t('operator.pauseWith')}
          onClose={close}
          choices={PAUSE_REASONS.map((reason) => ({ value: reason, label: t(`pause.${reason}`) }))}
          attribute="data-reason"
          disabled={ui.pending !== null}
          onChoose={(reason) => props.submit.pause(reason)}
        />
      )
    case 'transfer':
      return (
        <Dialog title={t('operator.transferTo')} onClose={close}>
          <div className="choice-grid">
            {props.queues
              .filter((q) => q.serviceId !== props.current?.serviceId)
              .map((queue) => (
                <button
                  key={queue.serviceId}
                  type="button"
                  className={`btn${dialog.toServiceId === queue.serviceId ? ' btn-primary' : ''}`}
                  onClick={() => dispatch({ type: 'transferTo', serviceId: queue.serviceId })}
                >
                  {queue.prefix} · {queue.name[props.language]}
                </button>
              ))}
          </div>
          <label className="row op-keep">
            <input
              type="checkbox"
              checked={dialog.keepPlace}
              onChange={(e) => dispatch({ type: 'keepPlace', keepPlace: e.target.checked })}
            />
            {t('operator.keepPlace')}
          </label>
          <div className="row" style={{ justifyContent: 'flex-end' }}>
            <button type="button" className="btn" onClick={close}>
              {t('common.cancel')}
            </button>
            <button
              type="button"
              className="btn btn-primary"
              disabled={dialog.toServiceId === null || ui.pending !== null}
              onClick={() => {
                if (dialog.toServiceId !== null)
                  props.submit.transfer(dialog.toServiceId, dialog.keepPlace)
              }}
            >
              {t('operator.transfer')}
            </button>
          </div>
        </Dialog>
      )
  }
}

/** A dialog of choices (finish outcome, pause reason), optionally with the first highlighted. */
function ChoiceDialog<TValue extends string>(props: {
  title: string
  onClose: () => void
  choices: readonly { value: TValue; label: string }[]
  /** The data attribute that names each choice (for tests and styling). */
  attribute: 'data-outcome' | 'data-reason'
  highlightFirst?: boolean
  disabled: boolean
  onChoose: (value: TValue) => void
}) {
  return (
    <Dialog title={props.title} onClose={props.onClose}>
      <div className="choice-grid">
        {props.choices.map((choice, i) => (
          <button
            key={choice.value}
            type="button"
            className={`btn${i === 0 && props.highlightFirst ? ' btn-primary' : ''}`}
            {...{ [props.attribute]: choice.value }}
            disabled={props.disabled}
            onClick={() => props.onChoose(choice.value)}
          >
            {choice.label}
          </button>
        ))}
      </div>
    </Dialog>
  )
}
