import type { BranchId, CounterId, Language } from '@kqms/shared/domain'
import { CounterState, topics } from '@kqms/shared/mqtt'
import { useMemo, useState } from 'react'
import { createApi } from '../common/api'
import { PairingForm } from '../common/components'
import {
  deviceBirth,
  deviceCredentials,
  initialDevice,
  saveDevice,
  type DeviceIdentity,
} from '../common/device'
import { languageFromUrl, translator } from '../common/i18n'
import { NO_LIVE, useLiveResource, useLiveValue, useMqtt } from '../common/live'
import { counterFace, counterIdFrom } from './state'

const api = createApi()
const APP = 'counter'

export function App() {
  const language: Language = languageFromUrl() ?? 'kk'
  const t = useMemo(() => translator(language), [language])
  const [device, setDevice] = useState<DeviceIdentity | null>(() => initialDevice(APP))
  const [pairing, setPairing] = useState(() => new URLSearchParams(location.search).has('pair'))
  const counterId = counterIdFrom({ paired: device?.counterId ?? null, search: location.search })
  const branch = useLiveResource(NO_LIVE, () => api.branches(), { fastPollMs: 60_000 })
  const branchId = (device?.branchId as BranchId | null | undefined) ?? branch.data?.branches[0]?.id
  const live = useMqtt(
    device ? deviceCredentials(device) : null,
    device
      ? deviceBirth({ device, branchId: branchId ?? null, kind: 'counter-display' })
      : undefined,
  )

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
  if (counterId === null) return <CounterPicker t={t} />
  return (
    <CounterFaceView
      counterId={counterId as CounterId}
      branchId={device ? (branchId ?? null) : null}
      live={live}
      t={t}
    />
  )
}

function CounterFaceView(props: {
  counterId: CounterId
  branchId: BranchId | null
  live: ReturnType<typeof useMqtt>
  t: ReturnType<typeof translator>
}) {
  const { t, counterId } = props
  const state = useLiveValue(props.live, {
    topic: props.branchId ? topics.counterState(props.branchId, counterId) : null,
    schema: CounterState,
    load: () => api.counterState(counterId),
    pollMs: 2_000,
  })
  const face = state.data ? counterFace(state.data) : null
  // A new key remounts the value, which restarts its blink animation (a call or a recall).
  const blinkKey = face?.kind === 'ticket' ? face.blinkKey : (face?.kind ?? 'loading')

  return (
    <div className="led" data-face={face?.kind ?? 'loading'}>
      <div className="led-label">
        <span>{t('common.counter')}</span>
        <strong>{state.data?.label ?? '…'}</strong>
      </div>
      <div
        key={blinkKey}
        className={`led-value${face?.kind === 'ticket' ? ' led-blink' : ''}`}
        data-testid="led-value"
      >
        {face === null
          ? '····'
          : face.kind === 'ticket'
            ? face.number
            : face.kind === 'free'
              ? t('counterDisplay.free')
              : face.kind === 'paused'
                ? t('counterDisplay.paused')
                : t('counterDisplay.closed')}
      </div>
      {state.stale ? <div className="led-offline">{t('common.offline')}</div> : null}
    </div>
  )
}

function CounterPicker(props: { t: ReturnType<typeof translator> }) {
  const counters = useLiveResource(NO_LIVE, () => api.counters(), {
    fastPollMs: 30_000,
  })
  return (
    <div className="center-screen">
      <div className="card stack" style={{ width: 460 }}>
        <h2>{props.t('counterDisplay.chooseCounter')}</h2>
        <div className="choice-grid">
          {(counters.data?.counters ?? []).map((counter) => (
            <a
              key={counter.counterId}
              className="btn"
              href={`?counter=${encodeURIComponent(counter.counterId)}${location.search.replace(/^\?/, '&')}`}
            >
              {counter.name[languageFromUrl() ?? 'kk']}
            </a>
          ))}
        </div>
      </div>
    </div>
  )
}
