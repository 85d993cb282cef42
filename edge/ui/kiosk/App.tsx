import { CheckInRefusal, type BranchView, type QueueView, type TicketView } from '@kqms/shared/api'
import type { BranchId, Language, PriorityClass, TicketId } from '@kqms/shared/domain'
import { DeviceDesired, topics } from '@kqms/shared/mqtt'
import { LANGUAGE_NAMES, translate } from '@kqms/shared/i18n'
import { useCallback, useEffect, useMemo, useReducer, useRef, useState } from 'react'
import { createApi, errorMessage, isApiError, newIdempotencyKey } from '../common/api'
import { LanguageSwitch, PairingForm, Qr, useNow } from '../common/components'
import {
  deviceBirth,
  deviceCredentials,
  initialDevice,
  saveDevice,
  type DeviceIdentity,
} from '../common/device'
import { formatClock, formatWait, LANGUAGES, translator, type T } from '../common/i18n'
import { NO_LIVE, useLiveResource, useMqtt, useTopic } from '../common/live'
import { statusPageUrl } from '../common/links'
import {
  assumedPrint,
  cardReaderOnline,
  idleTimeoutSeconds,
  initialKiosk,
  isCompletePhone,
  kioskReducer,
  maskTypedPhone,
  printerAvailable,
  printerOverride,
  printerStateOf,
  printFace,
  registerBody,
  scannedToken,
  type CheckIn,
  type KioskAction,
  type KioskState,
  type PrinterState,
  type PrintStatus,
  type Step,
} from './state'
import { useCardReader } from './card-reader'

const api = createApi()
const APP = 'kiosk'

export function App() {
  const [device, setDevice] = useState<DeviceIdentity | null>(() => initialDevice(APP))
  const [pairing, setPairing] = useState(() => new URLSearchParams(location.search).has('pair'))
  const [state, dispatch] = useReducer(kioskReducer, undefined, () => initialKiosk())
  const t = useMemo(() => translator(state.language), [state.language])
  const branch = useLiveResource(NO_LIVE, () => api.branches(), { fastPollMs: 60_000 })
  const branchView: BranchView | null = branch.data?.branches[0] ?? null
  const deviceBranch = (device?.branchId as BranchId | null | undefined) ?? branchView?.id ?? null
  const live = useMqtt(
    device ? deviceCredentials(device) : null,
    device ? deviceBirth({ device, branchId: deviceBranch, kind: 'kiosk' }) : undefined,
  )
  const queues = useLiveResource(live, () => api.queues(), {
    fastPollMs: 5_000,
    triggers: branchView ? [topics.queueSnapshot(branchView.id)] : [],
  })
  const desired = useTopic(
    live,
    device && deviceBranch ? topics.deviceDesired(deviceBranch, device.deviceId) : null,
    DeviceDesired,
  )
  const override = printerOverride(location.search)
  const printer: PrinterState = override ?? printerStateOf(desired)
  const cardReader = cardReaderOnline(desired)
  const ticketId = state.step.name === 'ticket' ? state.step.ticket.id : null
  const print = usePrint({ ticketId, device: override === null ? device : null, printer })

  useEffect(() => {
    if (branchView)
      dispatch({
        type: 'branch',
        selfDeclarable: branchView.selfDeclarable,
        appointmentCheckIn: branchView.appointmentCheckIn,
      })
  }, [branchView])
  useEffect(() => {
    document.documentElement.lang = state.language
  }, [state.language])

  useIdleReset(state.step, dispatch)
  useIssue(state, dispatch)
  useCheckIn({ state, dispatch, device })
  useCardReader({
    live,
    branchId: deviceBranch,
    kioskId: device?.deviceId ?? null,
    active: state.step.name === 'card',
    onCard: (read) => dispatch({ type: 'card', ...read, requestKey: newIdempotencyKey('kiosk') }),
  })

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

  return (
    <div className={`kiosk${state.highContrast ? ' hc' : ''}`} data-step={state.step.name}>
      <KioskHeader t={t} state={state} dispatch={dispatch} branch={branchView} />
      <main className="kiosk-main">
        {state.step.name === 'services' && !printerAvailable(printer) ? (
          <div className="banner banner-warn kiosk-printer-notice" data-printer={printer}>
            {t('kiosk.printerNotice')}
          </div>
        ) : null}
        <Screen
          t={t}
          state={state}
          dispatch={dispatch}
          branch={branchView}
          queues={queues.data?.queues ?? null}
          printer={printer}
          print={print}
          cardReader={device ? cardReader : false}
          appointments={device !== null && state.appointmentCheckIn}
        />
      </main>
      {queues.stale || branch.stale ? (
        <div className="kiosk-offline">{t('common.offline')}</div>
      ) : null}
    </div>
  )
}

/** Back to the start after a while without a touch. */
function useIdleReset(step: Step, dispatch: (a: KioskAction) => void) {
  const timeout = idleTimeoutSeconds(step)
  useEffect(() => {
    if (timeout === null) return undefined
    let timer = setTimeout(() => dispatch({ type: 'reset' }), timeout * 1000)
    const touch = () => {
      clearTimeout(timer)
      timer = setTimeout(() => dispatch({ type: 'reset' }), timeout * 1000)
    }
    window.addEventListener('pointerdown', touch)
    window.addEventListener('keydown', touch)
    return () => {
      clearTimeout(timer)
      window.removeEventListener('pointerdown', touch)
      window.removeEventListener('keydown', touch)
    }
  }, [timeout, step, dispatch])
}

/**
 * Asks the appliance to print the ticket on this kiosk's printer once it is issued; without a
 * device identity (or with `?printer=`) nothing can be asked and the printer's state decides.
 */
function usePrint(input: {
  ticketId: TicketId | null
  device: DeviceIdentity | null
  printer: PrinterState
}): PrintStatus {
  const { ticketId, device } = input
  const [answers, setAnswers] = useState<ReadonlyMap<string, PrintStatus>>(new Map())
  useEffect(() => {
    if (ticketId === null || device === null) return
    let cancelled = false
    const settle = (status: PrintStatus) => {
      if (!cancelled) setAnswers((before) => new Map(before).set(ticketId, status))
    }
    api
      .print(ticketId, device)
      .then((answer) =>
        settle(
          answer.state === 'printed'
            ? { kind: 'printed' }
            : { kind: 'not-printed', code: answer.code ?? 'PRINT_FAILED' },
        ),
      )
      .catch((error: unknown) =>
        settle({ kind: 'not-printed', code: isApiError(error) ? error.code : 'PRINT_FAILED' }),
      )
    return () => {
      cancelled = true
    }
  }, [ticketId, device])
  if (device === null) return assumedPrint(input.printer)
  return (ticketId === null ? undefined : answers.get(ticketId)) ?? { kind: 'printing' }
}

/** Issues the ticket when the flow reaches `issuing` (retry-safe through the Idempotency-Key). */
function useIssue(state: KioskState, dispatch: (a: KioskAction) => void) {
  const step = state.step
  const issuing = step.name === 'issuing' ? step : null
  useEffect(() => {
    if (issuing === null) return
    let cancelled = false
    api
      .register(registerBody(state, issuing), issuing.requestKey)
      .then((ticket) => {
        if (!cancelled) dispatch({ type: 'issued', ticket })
      })
      .catch((error: unknown) => {
        if (!cancelled) dispatch({ type: 'failed', message: errorMessage(error) })
      })
    return () => {
      cancelled = true
    }
    // The request is made once per issuing step (its key identifies it).
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [issuing?.requestKey])
}

/**
 * Checks in the scanned appointment code when the flow reaches `checking-in`: the appliance
 * verifies it offline; a refusal comes back in the customer's language.
 */
function useCheckIn(input: {
  state: KioskState
  dispatch: (a: KioskAction) => void
  device: DeviceIdentity | null
}) {
  const { state, dispatch, device } = input
  const step = state.step
  const token = step.name === 'checking-in' ? step.token : null
  useEffect(() => {
    if (token === null) return
    let cancelled = false
    const refused = (message: string) => {
      if (!cancelled) dispatch({ type: 'checkInRefused', message })
    }
    if (device === null) {
      refused(translate(state.language, 'checkin.unavailable'))
      return
    }
    api
      .checkIn({ token, language: state.language }, device)
      .then((answer) => {
        const checkIn: CheckIn = { outcome: answer.outcome, message: answer.message }
        if (!cancelled) dispatch({ type: 'checkedIn', ticket: answer.ticket, checkIn })
      })
      .catch((error: unknown) => {
        const refusal = isApiError(error) ? CheckInRefusal.safeParse(error.body) : null
        refused(
          refusal?.success
            ? refusal.data.refusal.messages[state.language]
            : translate(state.language, 'kiosk.errorIssue', { message: errorMessage(error) }),
        )
      })
    return () => {
      cancelled = true
    }
    // One request per scanned code.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [token])
}

function KioskHeader(props: {
  t: T
  state: KioskState
  dispatch: (a: KioskAction) => void
  branch: BranchView | null
}) {
  const { t, state, dispatch, branch } = props
  const now = useNow(10_000)
  return (
    <header className="kiosk-header">
      <div className="brand">
        <div className="brand-mark">K</div>
        <div>
          Kaspi
          <small>{branch ? branch.name[state.language] : ''}</small>
        </div>
      </div>
      <div className="grow" />
      {state.step.name !== 'welcome' ? (
        <LanguageSwitch
          value={state.language}
          onChange={(language) => dispatch({ type: 'language', language })}
        />
      ) : null}
      <button
        type="button"
        className="btn kiosk-contrast"
        aria-pressed={state.highContrast}
        onClick={() => dispatch({ type: 'contrast' })}
      >
        Aa · {t('kiosk.highContrast')}
      </button>
      <div className="kiosk-clock">
        {formatClock(state.language, { at: now, timeZone: branch?.timeZone })}
      </div>
    </header>
  )
}

function Screen(props: {
  t: T
  state: KioskState
  dispatch: (a: KioskAction) => void
  branch: BranchView | null
  queues: readonly QueueView[] | null
  printer: PrinterState
  print: PrintStatus
  /** Whether the card reader is there; null when the appliance did not say. */
  cardReader: boolean | null
  /** Whether appointment QR check-in is offered (the appliance has keys, this kiosk is paired). */
  appointments: boolean
}) {
  const { t, state, dispatch } = props
  const step = state.step
  const back = (
    <button type="button" className="btn kiosk-back" onClick={() => dispatch({ type: 'back' })}>
      ← {t('common.back')}
    </button>
  )
  switch (step.name) {
    case 'welcome':
      return <Welcome dispatch={dispatch} />
    case 'services':
      return (
        <Services
          t={t}
          language={state.language}
          queues={props.queues}
          branch={props.branch}
          onChoose={(serviceId) => dispatch({ type: 'service', serviceId })}
        />
      )
    case 'identify':
      return (
        <section className="kiosk-panel">
          <h1 className="kiosk-title">{t('kiosk.identifyTitle')}</h1>
          <p className="kiosk-hint">{t('kiosk.identifyHint')}</p>
          <div className="kiosk-options">
            {(props.appointments
              ? (['phone', 'card', 'appointment'] as const)
              : (['phone', 'card'] as const)
            ).map((method) => (
              <button
                key={method}
                type="button"
                className="kiosk-option"
                data-method={method}
                onClick={() => dispatch({ type: 'identify', method, requestKey: '' })}
              >
                <span className="kiosk-option-icon" aria-hidden>
                  {method === 'phone' ? '☎' : method === 'card' ? '▭' : '▦'}
                </span>
                {t(
                  method === 'phone'
                    ? 'kiosk.byPhone'
                    : method === 'card'
                      ? 'kiosk.byCard'
                      : 'kiosk.byAppointment',
                )}
              </button>
            ))}
            <button
              type="button"
              className="kiosk-option kiosk-option-primary"
              data-method="none"
              onClick={() =>
                dispatch({
                  type: 'identify',
                  method: 'none',
                  requestKey: newIdempotencyKey('kiosk'),
                })
              }
            >
              <span className="kiosk-option-icon" aria-hidden>
                →
              </span>
              {t('kiosk.skip')}
            </button>
          </div>
          {back}
        </section>
      )
    case 'phone':
      return (
        <section className="kiosk-panel">
          <h1 className="kiosk-title">{t('kiosk.phoneTitle')}</h1>
          <div className="kiosk-phone" aria-live="polite" data-testid="phone">
            {maskTypedPhone(step.digits)}
          </div>
          <p className="kiosk-hint">{t('kiosk.phoneHint')}</p>
          <Keypad onKey={(key) => dispatch({ type: 'key', key })} />
          <div className="kiosk-actions">
            {back}
            <button
              type="button"
              className="btn btn-primary kiosk-next"
              disabled={!isCompletePhone(step.digits)}
              onClick={() =>
                dispatch({ type: 'submitPhone', requestKey: newIdempotencyKey('kiosk') })
              }
            >
              {t('kiosk.takeTicket')} →
            </button>
          </div>
        </section>
      )
    case 'card':
      return (
        <section className="kiosk-panel">
          <div className="kiosk-illustration" aria-hidden>
            ▭
          </div>
          <h1 className="kiosk-title">{t('kiosk.cardTitle')}</h1>
          <p className="kiosk-hint">
            {props.cardReader === false ? t('kiosk.cardUnavailable') : t('kiosk.cardHint')}
          </p>
          {back}
        </section>
      )
    case 'appointment':
      return (
        <section className="kiosk-panel">
          <div className="kiosk-illustration" aria-hidden>
            ▦
          </div>
          <h1 className="kiosk-title">{t('kiosk.appointmentTitle')}</h1>
          <p className="kiosk-hint">{t('kiosk.appointmentHint')}</p>
          {step.refusal !== null ? (
            <div className="banner banner-warn" role="alert" data-testid="appointment-refusal">
              {step.refusal}
            </div>
          ) : null}
          <AppointmentScanner t={t} onScan={(text) => dispatch({ type: 'scan', text })} />
          {back}
        </section>
      )
    case 'checking-in':
      return (
        <section className="kiosk-panel kiosk-center">
          <div className="spinner" aria-hidden />
          <h1 className="kiosk-title">{t('kiosk.appointmentChecking')}</h1>
        </section>
      )
    case 'priority':
      return (
        <section className="kiosk-panel">
          <h1 className="kiosk-title">{t('kiosk.priorityTitle')}</h1>
          <p className="kiosk-hint">{t('kiosk.priorityHint')}</p>
          {step.identity.kind === 'card' ? (
            <p className="kiosk-hint" data-testid="card-masked">
              {t('kiosk.cardRead', { masked: step.identity.masked })}
            </p>
          ) : null}
          <div className="kiosk-options">
            {state.selfDeclarable.map((priorityClass: PriorityClass) => (
              <button
                key={priorityClass}
                type="button"
                className="kiosk-option"
                data-priority={priorityClass}
                onClick={() =>
                  dispatch({
                    type: 'priority',
                    priorityClass,
                    requestKey: newIdempotencyKey('kiosk'),
                  })
                }
              >
                {t(`priority.${priorityClass}`)}
              </button>
            ))}
            <button
              type="button"
              className="kiosk-option kiosk-option-primary"
              data-priority="regular"
              onClick={() =>
                dispatch({
                  type: 'priority',
                  priorityClass: 'regular',
                  requestKey: newIdempotencyKey('kiosk'),
                })
              }
            >
              {t('kiosk.priorityNo')}
            </button>
          </div>
          {back}
        </section>
      )
    case 'issuing':
      return (
        <section className="kiosk-panel kiosk-center">
          <div className="spinner" aria-hidden />
          <h1 className="kiosk-title">{t('kiosk.issuing')}</h1>
        </section>
      )
    case 'ticket':
      return (
        <TicketScreen
          t={t}
          ticket={step.ticket}
          checkIn={step.checkIn ?? null}
          language={state.language}
          print={props.print}
          onDone={() => dispatch({ type: 'reset' })}
        />
      )
    case 'error':
      return (
        <section className="kiosk-panel kiosk-center">
          <div className="banner banner-bad kiosk-error">
            {t('kiosk.errorIssue', { message: step.message })}
          </div>
          <div className="kiosk-actions">
            <button type="button" className="btn" onClick={() => dispatch({ type: 'back' })}>
              {t('common.retry')}
            </button>
            <button type="button" className="btn" onClick={() => dispatch({ type: 'reset' })}>
              {t('kiosk.startOver')}
            </button>
          </div>
        </section>
      )
  }
}

function Welcome(props: { dispatch: (a: KioskAction) => void }) {
  return (
    <section className="kiosk-welcome">
      <div className="kiosk-greeting">
        {LANGUAGES.map((language) => (
          <p key={language} lang={language}>
            {translate(language, 'kiosk.welcome')}
          </p>
        ))}
      </div>
      <p className="kiosk-hint">
        {LANGUAGES.map((language) => translate(language, 'kiosk.chooseLanguage')).join(' · ')}
      </p>
      <div className="kiosk-languages">
        {LANGUAGES.map((language: Language) => (
          <button
            key={language}
            type="button"
            lang={language}
            className="kiosk-language"
            data-language={language}
            onClick={() => props.dispatch({ type: 'language', language })}
          >
            {LANGUAGE_NAMES[language]}
          </button>
        ))}
      </div>
    </section>
  )
}

function Services(props: {
  t: T
  language: Language
  queues: readonly QueueView[] | null
  branch: BranchView | null
  onChoose: (serviceId: QueueView['serviceId']) => void
}) {
  const { t, language, queues } = props
  const groups = useMemo(() => {
    const byCategory = new Map<string, { title: string; services: QueueView[] }>()
    for (const queue of queues ?? []) {
      const title = queue.category[language]
      const group = byCategory.get(queue.category.en) ?? { title, services: [] }
      group.services.push(queue)
      byCategory.set(queue.category.en, group)
    }
    return [...byCategory.values()]
  }, [queues, language])
  if (queues === null) return <p className="kiosk-hint">{t('common.loading')}</p>
  if (props.branch && !props.branch.isOpen)
    return <h1 className="kiosk-title kiosk-center">{t('kiosk.closed')}</h1>
  if (groups.length === 0) return <h1 className="kiosk-title">{t('kiosk.noServices')}</h1>
  return (
    <section className="kiosk-services">
      <h1 className="kiosk-title">{t('kiosk.chooseService')}</h1>
      {groups.map((group) => (
        <div key={group.title} className="kiosk-category">
          <h2>{group.title}</h2>
          <div className="kiosk-service-grid">
            {group.services.map((queue) => {
              const capped = queue.dailyCapRemaining === 0
              const disabled = !queue.isOpen || capped
              return (
                <button
                  key={queue.serviceId}
                  type="button"
                  className="kiosk-service"
                  data-service={queue.serviceId}
                  disabled={disabled}
                  onClick={() => props.onChoose(queue.serviceId)}
                >
                  <span className="kiosk-prefix">{queue.prefix}</span>
                  <span className="kiosk-service-name">{queue.name[language]}</span>
                  <span className="kiosk-service-meta">
                    {!queue.isOpen
                      ? t('kiosk.serviceClosed')
                      : capped
                        ? t('kiosk.capReached')
                        : `${t('kiosk.waitingCount', { count: queue.waiting })} · ${
                            queue.newTicketWait
                              ? formatWait(t, queue.newTicketWait)
                              : t('common.waitUnknown')
                          }`}
                  </span>
                </button>
              )
            })}
          </div>
        </div>
      ))}
    </section>
  )
}

const KEYS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', 'clear', '0', 'back'] as const

function Keypad(props: { onKey: (key: string) => void }) {
  const onKey = useCallback(
    (e: KeyboardEvent) => {
      if (/^[0-9]$/.test(e.key)) props.onKey(e.key)
      else if (e.key === 'Backspace') props.onKey('back')
    },
    [props],
  )
  useEffect(() => {
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [onKey])
  return (
    <div className="keypad">
      {KEYS.map((key) => (
        <button
          key={key}
          type="button"
          className={`keypad-key${key.length > 1 ? ' keypad-fn' : ''}`}
          data-key={key}
          onClick={() => props.onKey(key)}
        >
          {key === 'back' ? '⌫' : key === 'clear' ? 'C' : key}
        </button>
      ))}
    </div>
  )
}

/**
 * A barcode scanner is a keyboard: it types the code and Enter. A hidden input keeps the focus to
 * catch it (taken back whenever it is lost); the visible field lets staff paste a code to test.
 */
function AppointmentScanner(props: { t: T; onScan: (text: string) => void }) {
  const { t, onScan } = props
  const hidden = useRef<HTMLInputElement>(null)
  const [pasted, setPasted] = useState('')
  const [invalid, setInvalid] = useState(false)
  const submit = (text: string) => {
    if (scannedToken(text) === null) {
      setInvalid(text.trim() !== '')
      return
    }
    setInvalid(false)
    onScan(text)
  }
  useEffect(() => {
    const refocus = () => {
      const active = document.activeElement
      if (active instanceof HTMLInputElement && active !== hidden.current) return
      hidden.current?.focus()
    }
    refocus()
    const timer = setInterval(refocus, 1000)
    return () => clearInterval(timer)
  }, [])
  return (
    <div className="kiosk-scan">
      <input
        ref={hidden}
        className="kiosk-scan-capture"
        data-testid="appointment-scan"
        aria-label={t('kiosk.appointmentInput')}
        autoComplete="off"
        spellCheck={false}
        onKeyDown={(event) => {
          if (event.key !== 'Enter') return
          event.preventDefault()
          const input = event.currentTarget
          submit(input.value)
          input.value = ''
        }}
      />
      {invalid ? (
        <div className="banner banner-warn" role="alert">
          {t('checkin.invalid')}
        </div>
      ) : null}
      <form
        className="kiosk-scan-paste"
        onSubmit={(event) => {
          event.preventDefault()
          submit(pasted)
        }}
      >
        <input
          className="input"
          data-testid="appointment-paste"
          placeholder={t('kiosk.appointmentInput')}
          aria-label={t('kiosk.appointmentInput')}
          autoComplete="off"
          spellCheck={false}
          value={pasted}
          onChange={(event) => setPasted(event.target.value)}
        />
        <button type="submit" className="btn btn-primary" disabled={pasted.trim() === ''}>
          {t('kiosk.appointmentSubmit')}
        </button>
      </form>
    </div>
  )
}

function TicketScreen(props: {
  t: T
  ticket: TicketView
  checkIn: CheckIn | null
  language: Language
  print: PrintStatus
  onDone: () => void
}) {
  const { t, ticket, language } = props
  const face = printFace(props.print)
  // While printing the ticket is shown as printed; if printing fails it is emphasised.
  const printed = face.printer === 'ok' || face.printer === 'printing'
  const url = statusPageUrl(ticket)
  return (
    <section className="kiosk-ticket" data-printer={face.printer}>
      <div className={`banner ${printed ? 'banner-info' : 'banner-warn'} kiosk-printer`}>
        {t(face.message)}
      </div>
      <div className={`ticket-card${printed ? '' : ' ticket-card-emphasis'}`}>
        <p className="ticket-label">{t('kiosk.yourTicket')}</p>
        {ticket.priorityClass === 'appointment' ? (
          <p className="ticket-badge" data-testid="ticket-appointment">
            {t('kiosk.appointmentBadge')}
          </p>
        ) : null}
        <p className="ticket-number" data-testid="ticket-number">
          {ticket.number}
        </p>
        <p className="ticket-service">{ticket.service.name[language]}</p>
        {props.checkIn ? (
          <p
            className="ticket-meta"
            data-testid="ticket-check-in"
            data-outcome={props.checkIn.outcome}
          >
            {props.checkIn.message}
          </p>
        ) : null}
        {ticket.position !== null ? (
          <p className="ticket-meta">{t('kiosk.position', { position: ticket.position })}</p>
        ) : null}
        <p className="ticket-meta">{formatWait(t, ticket.wait)}</p>
        {ticket.phoneMasked ? <p className="ticket-meta muted">{ticket.phoneMasked}</p> : null}
        {ticket.cardMasked ? (
          <p className="ticket-meta muted" data-testid="ticket-card">
            {t('kiosk.cardRead', { masked: ticket.cardMasked })}
          </p>
        ) : null}
        <div className="ticket-qr">
          <Qr text={url} size={printed ? 200 : 280} label={t('kiosk.scanToFollow')} />
          <p>{t('kiosk.scanToFollow')}</p>
        </div>
      </div>
      <button type="button" className="btn btn-primary kiosk-next" onClick={props.onDone}>
        {t('kiosk.done')}
      </button>
    </section>
  )
}
