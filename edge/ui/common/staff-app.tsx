import type { Language } from '@kqms/shared/domain'
import type { MessageKey } from '@kqms/shared/i18n'
import { useEffect, useMemo, useState, type ReactNode } from 'react'
import { createApi, type Api } from './api'
import { LanguageSwitch, LoginForm } from './components'
import { initialLanguage, rememberLanguage, translator, type T } from './i18n'
import { loadSession, saveSession, type StaffSession } from './session'

/** What a signed-in staff app (operator terminal, manager dashboard) gets from its shell. */
export interface StaffAppProps {
  readonly t: T
  readonly api: Api
  readonly session: StaffSession
  readonly language: Language
  readonly onLanguage: (language: Language) => void
  readonly onSignOut: () => void
}

/**
 * The shell every staff app shares: language, the stored session, an API client that drops the
 * session on 401, and the login form until someone signs in.
 */
export function StaffApp(props: {
  app: string
  titleKey: MessageKey
  /** Extra clean-up on sign-out (e.g. forgetting the chosen counter). */
  onSignOut?: () => void
  children: (props: StaffAppProps) => ReactNode
}) {
  const { app } = props
  const [language, setLanguage] = useState<Language>(() => initialLanguage('ru'))
  const t = useMemo(() => translator(language), [language])
  const [session, setSession] = useState<StaffSession | null>(() => loadSession(app))
  const api = useMemo(
    () =>
      createApi({
        token: () => session?.token ?? null,
        onUnauthenticated: () => {
          saveSession(app, null)
          setSession(null)
        },
      }),
    [session, app],
  )
  const changeLanguage = (next: Language) => {
    rememberLanguage(next)
    setLanguage(next)
  }
  useEffect(() => rememberLanguage(language), [language])

  if (session === null)
    return (
      <LoginForm
        t={t}
        api={api}
        title={t(props.titleKey)}
        extra={<LanguageSwitch value={language} onChange={changeLanguage} />}
        onLoggedIn={(next) => {
          saveSession(app, next)
          setSession(next)
        }}
      />
    )
  return props.children({
    t,
    api,
    session,
    language,
    onLanguage: changeLanguage,
    onSignOut: () => {
      saveSession(app, null)
      props.onSignOut?.()
      setSession(null)
    },
  })
}
