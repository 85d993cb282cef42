import type { Language } from '@kqms/shared/domain'
import { useEffect, useMemo, useState } from 'react'
import { createApi } from './api'
import { CONSOLE_TEXTS, translator } from './i18n'
import { AnalyticsPage } from './pages/Analytics'
import { AppointmentsPage } from './pages/Appointments'
import { AuditPage } from './pages/Audit'
import { BranchPage } from './pages/Branch'
import { BranchesPage } from './pages/Branches'
import { ConfigurationPage } from './pages/Configuration'
import { InventoryPage } from './pages/Inventory'
import { Login } from './pages/Login'
import { UsersPage } from './pages/Users'
import { canOpen, NAVIGATION, parseRoute, type Route } from './routes'
import { loadLanguage, loadSession, saveLanguage, saveSession, type Session } from './session'
import { ConsoleProvider, useConsole, type ConsoleContext } from './ui'

const LANGUAGE_LABELS: Readonly<Record<Language, string>> = { en: 'EN', ru: 'RU', kk: 'ҚАЗ' }

function useHash(): string {
  const [hash, setHash] = useState(() => window.location.hash)
  useEffect(() => {
    const onChange = () => setHash(window.location.hash)
    window.addEventListener('hashchange', onChange)
    return () => window.removeEventListener('hashchange', onChange)
  }, [])
  return hash
}

function LanguageSwitch(props: { value: Language; onChange: (language: Language) => void }) {
  return (
    <div className="segmented" role="group" aria-label="Language">
      {(Object.keys(CONSOLE_TEXTS) as Language[]).map((language) => (
        <button
          key={language}
          type="button"
          data-language={language}
          aria-pressed={props.value === language}
          className={props.value === language ? 'active' : ''}
          onClick={() => props.onChange(language)}
        >
          {LANGUAGE_LABELS[language]}
        </button>
      ))}
    </div>
  )
}

export function App() {
  const [language, setLanguage] = useState<Language>(loadLanguage)
  const t = useMemo(() => translator(language), [language])
  const [session, setSession] = useState<Session | null>(loadSession)
  const hash = useHash()
  const route = parseRoute(hash)
  const api = useMemo(
    () =>
      createApi({
        token: () => session?.token ?? null,
        onUnauthenticated: () => {
          saveSession(null)
          setSession(null)
        },
      }),
    [session],
  )
  useEffect(() => {
    document.documentElement.lang = language
    saveLanguage(language)
  }, [language])

  const languageSwitch = <LanguageSwitch value={language} onChange={setLanguage} />
  if (!session)
    return (
      <Login
        api={api}
        t={t}
        languageSwitch={languageSwitch}
        onSignedIn={(next) => {
          saveSession(next)
          setSession(next)
        }}
      />
    )

  const context: ConsoleContext = {
    api,
    t,
    language,
    session,
    navigate: (next) => {
      window.location.hash = next
    },
  }
  const role = session.user.role
  const signOut = () => {
    api.logout().catch(() => undefined)
    saveSession(null)
    setSession(null)
  }
  const activePage = route.page === 'branch' ? 'branches' : route.page

  return (
    <ConsoleProvider value={context}>
      <div className="shell">
        <aside className="sidebar">
          <div className="brand">
            <span className="brand-mark">K</span>
            <span className="brand-name">KQMS</span>
          </div>
          <nav aria-label="Main">
            {NAVIGATION.filter((entry) => canOpen(role, entry.page)).map((entry) => (
              <a
                key={entry.page}
                href={entry.hash}
                data-nav={entry.page}
                className={activePage === entry.page ? 'active' : ''}
              >
                {t(entry.key)}
              </a>
            ))}
          </nav>
        </aside>
        <div className="main">
          <header className="topbar">
            <span className="topbar-title">{t('app.title')}</span>
            <div className="topbar-right">
              {languageSwitch}
              <span className="user" data-testid="current-user">
                <strong>{session.user.displayName}</strong>
                <span className="muted">
                  {session.user.email} · {t(`role.${role}`)}
                </span>
              </span>
              <button type="button" className="button small" onClick={signOut}>
                {t('app.signOut')}
              </button>
            </div>
          </header>
          <main className="content">
            {canOpen(role, route.page) ? (
              <Page route={route} />
            ) : (
              <div className="notice notice-bad" role="alert" data-testid="forbidden">
                {t('app.forbidden')}
              </div>
            )}
          </main>
        </div>
      </div>
    </ConsoleProvider>
  )
}

function Page(props: { route: Route }) {
  const { route } = props
  switch (route.page) {
    case 'branches':
      return <BranchesPage />
    case 'branch':
      return <BranchPage key={route.branchId} branchId={route.branchId} />
    case 'appointments':
      return <AppointmentsPage route={route} />
    case 'configuration':
      return <ConfigurationPage branchId={route.branchId} />
    case 'users':
      return <UsersPage />
    case 'inventory':
      return <InventoryPage branchId={route.branchId} />
    case 'audit':
      return <AuditPage />
    case 'analytics':
      return <AnalyticsPage />
    case 'not-found':
      return <NotFound />
  }
}

function NotFound() {
  const { t } = useConsole()
  return <div className="notice">{t('app.notFound')}</div>
}
