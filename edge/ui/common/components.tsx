import type { Language } from '@kqms/shared/domain'
import { LANGUAGE_NAMES } from '@kqms/shared/i18n'
import QRCode from 'qrcode'
import { useEffect, useState, type FormEvent, type ReactNode } from 'react'
import { errorMessage, type Api } from './api'
import { fromPairing, type DeviceIdentity } from './device'
import { LANGUAGES, type T } from './i18n'
import type { Live } from './live'

/** Re-renders every `intervalMs` and returns the current time (ms). */
export function useNow(intervalMs = 1000): number {
  const [now, setNow] = useState(() => Date.now())
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), intervalMs)
    return () => clearInterval(timer)
  }, [intervalMs])
  return now
}

export function BrandMark(props: { title: string; subtitle?: string }) {
  return (
    <div className="brand">
      <div className="brand-mark" aria-hidden>
        K
      </div>
      <div>
        {props.title}
        {props.subtitle ? <small>{props.subtitle}</small> : null}
      </div>
    </div>
  )
}

export function LanguageSwitch(props: {
  value: Language
  onChange: (language: Language) => void
  short?: boolean
}) {
  return (
    <div className="lang-switch" role="group" aria-label="Language">
      {LANGUAGES.map((language) => (
        <button
          key={language}
          type="button"
          lang={language}
          aria-pressed={props.value === language}
          onClick={() => props.onChange(language)}
        >
          {props.short ? language.toUpperCase() : LANGUAGE_NAMES[language]}
        </button>
      ))}
    </div>
  )
}

/** Where live data comes from: the broker, HTTP polling, or nowhere right now. */
export function LinkBadge(props: { t: T; live: Live; stale: boolean }) {
  const { t, live, stale } = props
  if (stale) return <span className="pill pill-bad">{t('common.offline')}</span>
  if (live.status === 'online') return <span className="pill pill-ok">{t('common.live')}</span>
  return <span className="pill pill-info">{t('common.polling')}</span>
}

export function Dialog(props: { title: string; onClose: () => void; children: ReactNode }) {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') props.onClose()
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [props])
  return (
    <div className="dialog-backdrop" onClick={props.onClose}>
      <div
        className="dialog"
        role="dialog"
        aria-modal="true"
        aria-label={props.title}
        onClick={(e) => e.stopPropagation()}
      >
        <h2>{props.title}</h2>
        {props.children}
      </div>
    </div>
  )
}

/** A QR code as an image (rendered in the browser by `qrcode`, no network). */
export function Qr(props: { text: string; size: number; label?: string }) {
  const [src, setSrc] = useState<string | null>(null)
  useEffect(() => {
    let cancelled = false
    QRCode.toDataURL(props.text, {
      width: props.size,
      margin: 1,
      errorCorrectionLevel: 'M',
      color: { dark: '#1d232b', light: '#ffffff' },
    })
      .then((url) => {
        if (!cancelled) setSrc(url)
      })
      .catch(() => setSrc(null))
    return () => {
      cancelled = true
    }
  }, [props.text, props.size])
  return src === null ? (
    <div style={{ width: props.size, height: props.size }} />
  ) : (
    <img
      src={src}
      width={props.size}
      height={props.size}
      alt={props.label ?? 'QR'}
      data-qr={props.text}
    />
  )
}

export function LoginForm(props: {
  t: T
  api: Api
  onLoggedIn: (session: Awaited<ReturnType<Api['login']>>) => void
  title: string
  extra?: ReactNode
}) {
  const { t, api } = props
  const [login, setLogin] = useState('')
  const [secret, setSecret] = useState('')
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const submit = (event: FormEvent) => {
    event.preventDefault()
    setBusy(true)
    setError(null)
    // A PIN is digits only; anything else is a password.
    const body = /^[0-9]{4,8}$/.test(secret)
      ? { login: login.trim(), pin: secret }
      : { login: login.trim(), password: secret }
    api
      .login(body)
      .then(props.onLoggedIn)
      .catch((e: unknown) => setError(errorMessage(e) || t('login.failed')))
      .finally(() => setBusy(false))
  }
  return (
    <div className="center-screen">
      <form className="card stack" style={{ width: 380 }} onSubmit={submit}>
        <BrandMark title={props.title} subtitle={t('login.title')} />
        {props.extra}
        <label className="field">
          {t('login.login')}
          <input
            className="input"
            name="login"
            autoComplete="username"
            value={login}
            onChange={(e) => setLogin(e.target.value)}
            autoFocus
          />
        </label>
        <label className="field">
          {t('login.password')}
          <input
            className="input"
            name="password"
            type="password"
            autoComplete="current-password"
            value={secret}
            onChange={(e) => setSecret(e.target.value)}
          />
        </label>
        {error ? <div className="banner banner-bad">{t('login.failed')}</div> : null}
        <button className="btn btn-primary" type="submit" disabled={busy || !login || !secret}>
          {t('login.submit')}
        </button>
      </form>
    </div>
  )
}

/** Pairs a kiosk or display with a one-time code from the manager dashboard. */
export function PairingForm(props: {
  t: T
  api: Api
  onPaired: (device: DeviceIdentity) => void
  onSkip: () => void
}) {
  const { t, api } = props
  const [code, setCode] = useState('')
  const [error, setError] = useState<string | null>(null)
  const submit = (event: FormEvent) => {
    event.preventDefault()
    setError(null)
    api
      .pair(code.trim())
      .then((paired) => props.onPaired(fromPairing(paired)))
      .catch((e: unknown) => setError(errorMessage(e)))
  }
  return (
    <div className="center-screen">
      <form className="card stack" style={{ width: 420 }} onSubmit={submit}>
        <h2>{t('pairing.title')}</h2>
        <label className="field">
          {t('pairing.code')}
          <input
            className="input"
            name="code"
            value={code}
            onChange={(e) => setCode(e.target.value.toUpperCase())}
            placeholder="ABCDE-FGHJK"
            autoFocus
          />
        </label>
        {error ? (
          <div className="banner banner-bad">{t('pairing.failed', { message: error })}</div>
        ) : null}
        <div className="row">
          <button className="btn btn-primary grow" type="submit" disabled={code.length < 10}>
            {t('pairing.submit')}
          </button>
          <button className="btn" type="button" onClick={props.onSkip}>
            {t('pairing.skip')}
          </button>
        </div>
      </form>
    </div>
  )
}
