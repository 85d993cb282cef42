import type { BranchLive, DeviceView, OperatorView, PairingCodeView } from '@kqms/shared/api'
import type { BranchId, CounterId, Language, ServiceId, SkillLevel } from '@kqms/shared/domain'
import { DeviceState, topics, type DeviceId, type DeviceKind } from '@kqms/shared/mqtt'
import { useMemo, useReducer, useState } from 'react'
import { errorMessage, isApiError, type Api } from '../common/api'
import { BrandMark, Dialog, LanguageSwitch, LinkBadge } from '../common/components'
import { formatClock, formatWait, type T } from '../common/i18n'
import { useLiveResource, useMqtt, useTopicEvents, type Live } from '../common/live'
import { staffCredentials, type StaffSession } from '../common/session'
import { StaffApp } from '../common/staff-app'
import {
  hasChanges,
  operatorUpdate,
  paperOf,
  paperTone,
  SLA_TONE,
  skillsReducer,
  type Paper,
  type SkillsDraft,
} from './state'

const APP = 'manager'

export function App() {
  return (
    <StaffApp app={APP} titleKey="manager.title">
      {(props) => <Dashboard {...props} />}
    </StaffApp>
  )
}

const minutes = (seconds: number | null) => (seconds === null ? null : Math.floor(seconds / 60))

function Dashboard(props: {
  t: T
  api: Api
  session: StaffSession
  language: Language
  onLanguage: (language: Language) => void
  onSignOut: () => void
}) {
  const { t, api, language } = props
  const live = useMqtt(useMemo(() => staffCredentials(props.session, APP), [props.session]))
  const branch = useLiveResource(live, () => api.branches(), { fastPollMs: 60_000 })
  const branchView = branch.data?.branches[0] ?? null
  const branchId = branchView?.id ?? null
  const state = useLiveResource(live, () => api.live(), {
    // Waits and risk grow with time even when nothing happens: keep polling.
    fastPollMs: 4_000,
    slowPollMs: 10_000,
    triggers: branchId ? [topics.queueSnapshot(branchId), topics.counterStateAll(branchId)] : [],
  })
  const operators = useLiveResource(live, () => api.operators(), { fastPollMs: 30_000 })
  const data = state.data
  const serviceName = (id: string) =>
    data?.services.find((s) => s.serviceId === id)?.name[language] ?? id
  const counterLabel = (id: string | null) =>
    id === null ? null : (data?.counters.find((c) => c.counterId === id)?.label ?? id)

  return (
    <div className="mgr">
      <header className="topbar">
        <BrandMark title={t('manager.title')} subtitle={branchView?.name[language]} />
        <div className="grow" />
        <LinkBadge t={t} live={live} stale={state.stale} />
        {data ? (
          <span className="muted">
            {formatClock(language, { at: Date.parse(data.ts), timeZone: branchView?.timeZone })}
          </span>
        ) : null}
        <LanguageSwitch value={language} onChange={props.onLanguage} short />
        <span className="muted">{props.session.user.displayName}</span>
        <button type="button" className="btn btn-ghost" onClick={props.onSignOut}>
          {t('common.signOut')}
        </button>
      </header>
      {data === null ? (
        <p className="muted mgr-loading">{t('common.loading')}</p>
      ) : (
        <main className="mgr-grid">
          <Alerts t={t} data={data} serviceName={serviceName} />
          <section className="card mgr-queues">
            <h2>{t('manager.queues')}</h2>
            <table className="table">
              <thead>
                <tr>
                  <th>{t('common.service')}</th>
                  <th className="num">{t('common.waiting')}</th>
                  <th className="num">{t('manager.oldestWait')}</th>
                  <th className="num">{t('manager.newTicketWait')}</th>
                  <th className="num">{t('manager.operators')}</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {data.services.map((service) => (
                  <tr key={service.serviceId} data-service={service.serviceId}>
                    <td>
                      <span className="mgr-prefix">{service.prefix}</span>
                      {service.name[language]}
                    </td>
                    <td className="num mgr-big">{service.waiting}</td>
                    <td className="num">
                      {service.oldestWaitSeconds === null
                        ? '—'
                        : t('common.minutes', { minutes: minutes(service.oldestWaitSeconds) ?? 0 })}
                    </td>
                    <td className="num">
                      {service.isOpen ? formatWait(t, service.newTicketWait) : '—'}
                    </td>
                    <td className="num">{service.operatorsOnline}</td>
                    <td className="num">
                      <span className={`pill ${SLA_TONE[service.sla]}`}>
                        {t(`manager.sla.${service.sla}`)}
                      </span>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
          <section className="card mgr-counters">
            <h2>{t('manager.counters')}</h2>
            <div className="mgr-counter-grid">
              {data.counters.map((counter) => (
                <div
                  key={counter.counterId}
                  className={`mgr-counter mgr-counter-${counter.operator?.status ?? 'closed'}`}
                >
                  <div className="mgr-counter-label">{counter.label}</div>
                  <div className="mgr-counter-body">
                    <strong>{counter.current?.number ?? '—'}</strong>
                    <span className="muted">
                      {counter.operator
                        ? `${counter.operator.displayName} · ${t(`presence.${counter.operator.status}`)}`
                        : t('presence.offline')}
                    </span>
                  </div>
                </div>
              ))}
            </div>
          </section>
          <Operators
            t={t}
            api={api}
            data={data}
            operators={operators.data?.operators ?? []}
            language={language}
            counterLabel={counterLabel}
            onSaved={() => {
              operators.reload()
              state.reload()
            }}
          />
          <Devices
            t={t}
            api={api}
            live={live}
            branchId={branchId}
            data={data}
            language={language}
          />
        </main>
      )}
    </div>
  )
}

function Alerts(props: { t: T; data: BranchLive; serviceName: (id: string) => string }) {
  const { t, data } = props
  return (
    <section className={`card mgr-alerts${data.alerts.length > 0 ? ' mgr-alerts-on' : ''}`}>
      <h2>{t('manager.alerts')}</h2>
      {data.alerts.length === 0 ? (
        <p className="mgr-ok">✓ {t('manager.noAlerts')}</p>
      ) : (
        <ul className="mgr-alert-list">
          {data.alerts.slice(0, 6).map((alert) => (
            <li key={alert.ticketId} className={`mgr-alert mgr-alert-${alert.state}`}>
              <span className={`pill ${SLA_TONE[alert.state]}`}>
                {t(`manager.sla.${alert.state}`)}
              </span>
              {t(alert.state === 'breached' ? 'manager.alertBreached' : 'manager.alertAtRisk', {
                ticket: alert.number,
                class: t(`priority.${alert.priorityClass}`),
                service: props.serviceName(alert.serviceId),
                waited: Math.floor(alert.waitedSeconds / 60),
                limit: Math.round(alert.limitSeconds / 60),
              })}
            </li>
          ))}
        </ul>
      )}
    </section>
  )
}

function Operators(props: {
  t: T
  api: Api
  data: BranchLive
  operators: readonly OperatorView[]
  language: Language
  counterLabel: (id: string | null) => string | null
  onSaved: () => void
}) {
  const { t, data } = props
  const [draft, dispatch] = useReducer(skillsReducer, null)
  const [error, setError] = useState<string | null>(null)
  const skillsOf = (id: string) => props.operators.find((o) => o.operator.id === id)?.operator
  return (
    <section className="card mgr-operators">
      <h2>{t('manager.operators')}</h2>
      <table className="table">
        <tbody>
          {data.operators.map((operator) => {
            const full = skillsOf(operator.operatorId)
            const label = props.counterLabel(operator.counterId)
            return (
              <tr key={operator.operatorId} data-operator={operator.operatorId}>
                <td>
                  <strong>{operator.displayName}</strong>
                  <div className="muted mgr-skills">
                    {full
                      ? Object.entries(full.skills)
                          .sort((a, b) => (a[1] ?? 9) - (b[1] ?? 9))
                          .map(
                            ([id, level]) =>
                              `${serviceLabel(data, id)}${level === 1 ? '' : `·${level}`}`,
                          )
                          .join(', ')
                      : ''}
                  </div>
                </td>
                <td>
                  <span
                    className={`pill ${operator.status === 'offline' ? '' : operator.status === 'paused' ? 'pill-warn' : 'pill-ok'}`}
                  >
                    {t(`presence.${operator.status}`)}
                    {operator.status === 'paused' && operator.pauseReason
                      ? ` · ${t(`pause.${operator.pauseReason}`)}`
                      : ''}
                  </span>
                </td>
                <td className="muted">
                  {label === null ? '' : t('manager.atCounter', { counter: label })}
                </td>
                <td className="num">
                  <button
                    type="button"
                    className="btn"
                    disabled={!full}
                    onClick={() => {
                      setError(null)
                      if (full) dispatch({ type: 'edit', operator: full })
                    }}
                  >
                    {t('manager.editSkills')}
                  </button>
                </td>
              </tr>
            )
          })}
        </tbody>
      </table>
      {draft ? (
        <SkillsDialog
          t={t}
          draft={draft}
          data={data}
          language={props.language}
          error={error}
          onLevel={(serviceId, level) => dispatch({ type: 'level', serviceId, level })}
          onClose={() => dispatch({ type: 'close' })}
          onSave={() => {
            props.api
              .putOperator(draft.operator.id, operatorUpdate(draft))
              .then(() => {
                dispatch({ type: 'close' })
                props.onSaved()
              })
              .catch((e: unknown) => setError(errorMessage(e)))
          }}
        />
      ) : null}
    </section>
  )
}

const serviceLabel = (data: BranchLive, id: string) =>
  data.services.find((s) => s.serviceId === id)?.prefix ?? id

const LEVELS: readonly (SkillLevel | 0)[] = [0, 1, 2, 3]

function SkillsDialog(props: {
  t: T
  draft: SkillsDraft
  data: BranchLive
  language: Language
  error: string | null
  onLevel: (serviceId: ServiceId, level: SkillLevel | 0) => void
  onClose: () => void
  onSave: () => void
}) {
  const { t, draft } = props
  return (
    <Dialog
      title={`${t('manager.editSkills')}: ${draft.operator.displayName}`}
      onClose={props.onClose}
    >
      <table className="table">
        <tbody>
          {props.data.services.map((service) => {
            const level = draft.skills[service.serviceId] ?? 0
            return (
              <tr key={service.serviceId}>
                <td>
                  <span className="mgr-prefix">{service.prefix}</span>
                  {service.name[props.language]}
                </td>
                <td className="num">
                  <div className="lang-switch" role="group">
                    {LEVELS.map((l) => (
                      <button
                        key={l}
                        type="button"
                        aria-pressed={level === l}
                        data-skill={`${service.serviceId}:${l}`}
                        onClick={() => props.onLevel(service.serviceId, l)}
                      >
                        {t(`manager.skillLevel.${l}`)}
                      </button>
                    ))}
                  </div>
                </td>
              </tr>
            )
          })}
        </tbody>
      </table>
      {props.error ? <div className="banner banner-bad">{props.error}</div> : null}
      <div className="row" style={{ justifyContent: 'flex-end', marginTop: 16 }}>
        <button type="button" className="btn" onClick={props.onClose}>
          {t('common.cancel')}
        </button>
        <button
          type="button"
          className="btn btn-primary"
          disabled={!hasChanges(draft)}
          onClick={props.onSave}
        >
          {t('common.save')}
        </button>
      </div>
    </Dialog>
  )
}

const PAIRABLE: readonly DeviceKind[] = [
  'kiosk',
  'hall-display',
  'counter-display',
  'printer',
  'card-reader',
  'firmware-bridge',
]
/** Kinds that serve one kiosk and are driven by a firmware bridge. */
const ATTACHED: readonly DeviceKind[] = ['printer', 'card-reader']

function Devices(props: {
  t: T
  api: Api
  live: Live
  branchId: BranchId | null
  data: BranchLive
  language: Language
}) {
  const { t, api } = props
  const devices = useLiveResource(props.live, () => api.devices(), {
    fastPollMs: 10_000,
    triggers: props.branchId ? [topics.deviceAvailabilityAll(props.branchId)] : [],
  })
  const [paper, setPaper] = useState<Record<string, Paper | null>>({})
  useTopicEvents(props.live, props.branchId ? topics.deviceState(props.branchId, '+') : null, {
    schema: DeviceState,
    onMessage: (state, topic) => {
      const deviceId = topic.split('/').at(-2) ?? ''
      setPaper((current) => ({ ...current, [deviceId]: paperOf(state) }))
    },
  })
  const [pairing, setPairing] = useState(false)
  const unavailable = isApiError(devices.error) && devices.error.status === 404
  return (
    <section className="card mgr-devices">
      <div className="row">
        <h2 className="grow">{t('manager.devices')}</h2>
        <button
          type="button"
          className="btn"
          data-testid="pair-device"
          disabled={unavailable}
          onClick={() => setPairing(true)}
        >
          {t('manager.pairDevice')}
        </button>
      </div>
      {unavailable ? (
        <p className="muted">{t('manager.devicesUnavailable')}</p>
      ) : (devices.data?.devices.length ?? 0) === 0 ? (
        <p className="muted">{t('manager.noDevices')}</p>
      ) : (
        <table className="table">
          <tbody>
            {(devices.data?.devices ?? []).map((device: DeviceView) => (
              <tr key={device.id} data-device={device.id}>
                <td>
                  <strong>{device.name}</strong>
                  <div className="muted">{t(`device.${device.kind}`)}</div>
                </td>
                <td>
                  <span className={`pill ${isDeviceUp(device) ? 'pill-ok' : 'pill-bad'}`}>
                    {t(isDeviceUp(device) ? 'manager.deviceOnline' : 'manager.deviceOffline')}
                  </span>
                </td>
                <td>
                  <PaperPill t={t} paper={paper[device.id] ?? paperOf(device.printer)} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {pairing ? (
        <PairDialog
          t={t}
          api={api}
          data={props.data}
          language={props.language}
          devices={devices.data?.devices ?? []}
          onClose={() => {
            setPairing(false)
            devices.reload()
          }}
        />
      ) : null}
    </section>
  )
}

/** A device behind a firmware bridge never connects itself: its bridge says it is available. */
const isDeviceUp = (device: DeviceView): boolean =>
  device.bridgeId === null ? device.health.connected : device.health.availability === 'online'

/** A printer's paper: the share left, warned near the end, alarmed when out. */
function PaperPill(props: { t: T; paper: Paper | null }) {
  const { t, paper } = props
  if (paper === null) return null
  const tone = paperTone(paper)
  const label =
    paper.level === 'out'
      ? t('manager.paperOut')
      : tone === 'warn'
        ? t('manager.paperLow')
        : t('manager.paperOk')
  return (
    <span className={`pill pill-${tone}`} data-paper={paper.level} data-tone={tone}>
      {label}
      {paper.percent !== null && paper.level !== 'out'
        ? ` · ${t('manager.paperLeft', { percent: paper.percent })}`
        : null}
    </span>
  )
}

function PairDialog(props: {
  t: T
  api: Api
  data: BranchLive
  language: Language
  devices: readonly DeviceView[]
  onClose: () => void
}) {
  const { t } = props
  const [kind, setKind] = useState<DeviceKind>('kiosk')
  const [counterId, setCounterId] = useState<CounterId | null>(null)
  const [attachedTo, setAttachedTo] = useState<string | null>(null)
  const [bridgeId, setBridgeId] = useState<string | null>(null)
  const attached = ATTACHED.includes(kind)
  const enrolled = (k: DeviceKind) =>
    props.devices.filter((d) => d.kind === k && d.revokedAt === null)
  const [code, setCode] = useState<PairingCodeView | null>(null)
  const [error, setError] = useState<string | null>(null)
  const needsCounter = kind === 'counter-display'
  return (
    <Dialog title={t('manager.pairDevice')} onClose={props.onClose}>
      <div className="stack">
        <div className="choice-grid">
          {PAIRABLE.map((k) => (
            <button
              key={k}
              type="button"
              className={`btn${kind === k ? ' btn-primary' : ''}`}
              onClick={() => {
                setKind(k)
                setCode(null)
              }}
            >
              {t(`device.${k}`)}
            </button>
          ))}
        </div>
        {needsCounter ? (
          <div className="row wrap">
            {props.data.counters.map((c) => (
              <button
                key={c.counterId}
                type="button"
                className={`btn${counterId === c.counterId ? ' btn-primary' : ''}`}
                onClick={() => setCounterId(c.counterId)}
              >
                {c.name[props.language]}
              </button>
            ))}
          </div>
        ) : null}
        {attached ? (
          <>
            <p className="muted">{t('manager.attachToKiosk')}</p>
            <div className="row wrap">
              {enrolled('kiosk').map((d) => (
                <button
                  key={d.id}
                  type="button"
                  data-kiosk={d.id}
                  className={`btn${attachedTo === d.id ? ' btn-primary' : ''}`}
                  onClick={() => setAttachedTo(d.id)}
                >
                  {d.name}
                </button>
              ))}
            </div>
            <p className="muted">{t('manager.drivenByBridge')}</p>
            <div className="row wrap">
              {enrolled('firmware-bridge').map((d) => (
                <button
                  key={d.id}
                  type="button"
                  data-bridge={d.id}
                  className={`btn${bridgeId === d.id ? ' btn-primary' : ''}`}
                  onClick={() => setBridgeId(d.id)}
                >
                  {d.name}
                </button>
              ))}
            </div>
          </>
        ) : null}
        {code ? (
          <div className="banner banner-info mgr-code" data-testid="pairing-code">
            {t('manager.pairingCode', {
              code: code.code,
              until: formatClock(props.language, { at: Date.parse(code.expiresAt) }),
            })}
          </div>
        ) : null}
        {error ? <div className="banner banner-bad">{error}</div> : null}
        <div className="row" style={{ justifyContent: 'flex-end' }}>
          <button type="button" className="btn" data-testid="close-pairing" onClick={props.onClose}>
            {t('common.close')}
          </button>
          <button
            type="button"
            className="btn btn-primary"
            data-testid="create-code"
            disabled={(needsCounter && counterId === null) || (attached && attachedTo === null)}
            onClick={() => {
              setError(null)
              props.api
                .createPairingCode({
                  kind,
                  ...(counterId && needsCounter ? { counterId } : {}),
                  ...(attached && attachedTo ? { attachedTo: attachedTo as DeviceId } : {}),
                  ...(attached && bridgeId ? { bridgeId: bridgeId as DeviceId } : {}),
                })
                .then(setCode)
                .catch((e: unknown) => setError(errorMessage(e)))
            }}
          >
            {t('manager.pairDevice')}
          </button>
        </div>
      </div>
    </Dialog>
  )
}
