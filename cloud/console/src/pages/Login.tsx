import type { StaffSessionView } from '@kqms/shared/cloud'
import QRCode from 'qrcode'
import { useEffect, useState, type FormEvent, type ReactNode } from 'react'
import { isApiError, type Api } from '../api'
import type { Translate } from '../i18n'
import { errorText, fieldText } from '../ui'

type Step =
  | { kind: 'password' }
  | { kind: 'totp'; challengeId: string }
  | { kind: 'enrol'; challengeId: string; secret: string; otpauthUrl: string }

/** Password, then (administrators) the TOTP code; a first sign-in enrols the authenticator. */
export function Login(props: {
  api: Api
  t: Translate
  languageSwitch: ReactNode
  onSignedIn: (session: StaffSessionView) => void
}) {
  const { api, t } = props
  const [step, setStep] = useState<Step>({ kind: 'password' })
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)

  const failure = (e: unknown, wrong: 'login.wrongCredentials' | 'login.wrongCode') => {
    if (isApiError(e) && e.status === 429) return t('login.tooMany')
    if (isApiError(e) && (e.status === 401 || e.code === 'CODE_INVALID')) return t(wrong)
    return errorText(e)
  }

  const submitPassword = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault()
    const form = new FormData(event.currentTarget)
    setBusy(true)
    setError(null)
    try {
      const answer = await api.login({
        email: fieldText(form, 'email'),
        password: fieldText(form, 'password'),
      })
      if (answer.status === 'signed-in') props.onSignedIn(answer.session)
      else if (answer.status === 'totp-required')
        setStep({ kind: 'totp', challengeId: answer.challengeId })
      else setStep({ kind: 'enrol', ...answer })
    } catch (e) {
      setError(failure(e, 'login.wrongCredentials'))
    } finally {
      setBusy(false)
    }
  }

  const submitCode = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault()
    if (step.kind === 'password') return
    const form = new FormData(event.currentTarget)
    const input = event.currentTarget.elements.namedItem('code')
    setBusy(true)
    setError(null)
    try {
      props.onSignedIn(
        await api.verifyTotp({
          challengeId: step.challengeId,
          code: fieldText(form, 'code').trim(),
        }),
      )
    } catch (e) {
      setError(failure(e, 'login.wrongCode'))
      if (input instanceof HTMLInputElement) {
        input.value = ''
        input.focus()
      }
      if (isApiError(e) && e.status !== 401 && e.code !== 'CODE_INVALID')
        setStep({ kind: 'password' })
    } finally {
      setBusy(false)
    }
  }

  return (
    <div className="login-page">
      <div className="login-card card">
        <div className="login-brand">
          <span className="brand-mark">K</span>
          <span>{t('app.title')}</span>
        </div>
        {step.kind === 'password' ? (
          <form
            onSubmit={(e) => void submitPassword(e)}
            className="form"
            aria-label={t('login.title')}
          >
            <h1>{t('login.title')}</h1>
            <label>
              {t('login.email')}
              <input name="email" type="email" autoComplete="username" required autoFocus />
            </label>
            <label>
              {t('login.password')}
              <input name="password" type="password" autoComplete="current-password" required />
            </label>
            {error ? (
              <p className="notice notice-bad" role="alert">
                {error}
              </p>
            ) : null}
            <button type="submit" className="button primary" disabled={busy}>
              {t('login.submit')}
            </button>
          </form>
        ) : (
          <form
            onSubmit={(e) => void submitCode(e)}
            className="form"
            aria-label={t('login.totpTitle')}
          >
            <h1>{step.kind === 'enrol' ? t('login.enrolTitle') : t('login.totpTitle')}</h1>
            {step.kind === 'enrol' ? (
              <Enrolment t={t} secret={step.secret} url={step.otpauthUrl} />
            ) : null}
            <p className="muted">{t('login.totpHint')}</p>
            <label>
              {t('login.totpCode')}
              <input
                name="code"
                inputMode="numeric"
                autoComplete="one-time-code"
                pattern="\d{6}"
                maxLength={6}
                required
                autoFocus
                className="code-input"
              />
            </label>
            {error ? (
              <p className="notice notice-bad" role="alert">
                {error}
              </p>
            ) : null}
            <div className="row">
              <button
                type="button"
                className="button"
                onClick={() => {
                  setStep({ kind: 'password' })
                  setError(null)
                }}
              >
                {t('login.back')}
              </button>
              <button type="submit" className="button primary" disabled={busy}>
                {t('login.totpSubmit')}
              </button>
            </div>
          </form>
        )}
        <div className="login-footer">{props.languageSwitch}</div>
      </div>
    </div>
  )
}

function Enrolment(props: { t: Translate; secret: string; url: string }) {
  const [image, setImage] = useState<string | null>(null)
  useEffect(() => {
    QRCode.toDataURL(props.url, { margin: 1, width: 168 }).then(setImage, () => setImage(null))
  }, [props.url])
  return (
    <div className="enrol">
      {image ? <img src={image} alt="" width={168} height={168} /> : null}
      <div>
        <p className="muted">{props.t('login.enrolHint')}</p>
        <code className="secret" data-testid="totp-secret">
          {props.secret}
        </code>
      </div>
    </div>
  )
}
