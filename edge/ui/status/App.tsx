import type { StatusView } from '@kqms/shared/api'
import type { Language } from '@kqms/shared/domain'
import { useEffect, useMemo, useRef, useState } from 'react'
import { createApi, isApiError } from '../common/api'
import { LanguageSwitch } from '../common/components'
import { formatClock, formatWait, languageFromUrl, translator } from '../common/i18n'
import { isNewCall, layoutOf, pollIntervalMs, ticketIdFrom } from './state'

const api = createApi()

export function App() {
  const ticketId = useMemo(() => ticketIdFrom(location), [])
  const [view, setView] = useState<StatusView | null>(null)
  const [missing, setMissing] = useState(ticketId === null)
  const [offline, setOffline] = useState(false)
  const [updatedAt, setUpdatedAt] = useState<number | null>(null)
  const [chosen, setChosen] = useState<Language | null>(() => languageFromUrl())
  const previous = useRef<StatusView | null>(null)

  const language: Language = chosen ?? view?.language ?? 'kk'
  const t = useMemo(() => translator(language), [language])

  useEffect(() => {
    document.documentElement.lang = language
  }, [language])

  useEffect(() => {
    if (ticketId === null) return undefined
    let timer: ReturnType<typeof setTimeout> | undefined
    let cancelled = false
    const poll = () => {
      api
        .status(ticketId)
        .then((next) => {
          if (cancelled) return
          if (isNewCall(previous.current, next)) navigator.vibrate?.([300, 150, 300])
          previous.current = next
          setView(next)
          setOffline(false)
          setUpdatedAt(Date.now())
          timer = setTimeout(poll, pollIntervalMs(next))
        })
        .catch((error: unknown) => {
          if (cancelled) return
          if (isApiError(error) && (error.status === 404 || error.status === 400)) setMissing(true)
          else setOffline(true)
          timer = setTimeout(poll, pollIntervalMs(previous.current))
        })
    }
    poll()
    return () => {
      cancelled = true
      clearTimeout(timer)
    }
  }, [ticketId])

  const layout = view ? layoutOf(view) : null
  return (
    <div className="status-page" data-status={view?.status ?? 'loading'}>
      <header className="status-header">
        <div className="brand">
          <div className="brand-mark">K</div>
          <div>Kaspi</div>
        </div>
        <LanguageSwitch value={language} onChange={setChosen} short />
      </header>
      {missing ? (
        <div className="status-card">
          <p className="status-big-text">{t('statusPage.notFound')}</p>
        </div>
      ) : view === null || layout === null ? (
        <p className="muted status-loading">{t('common.loading')}</p>
      ) : (
        <>
          <div className={`status-card status-${layout.kind}`}>
            <p className="status-label">{t('statusPage.title')}</p>
            <p className="status-number">{view.number}</p>
            {view.service ? <p className="status-service">{view.service.name[language]}</p> : null}
          </div>
          {layout.kind === 'called' ? (
            <div className="status-call" role="alert" data-testid="status-call">
              {t('statusPage.goTo', { counter: layout.counterLabel })}
            </div>
          ) : layout.kind === 'serving' ? (
            <div className="status-card">
              <p className="status-big-text">
                {language === view.language ? view.message : t('status.serving')}
              </p>
            </div>
          ) : layout.kind === 'waiting' ? (
            <div className="status-grid">
              <div className="status-card">
                <p className="status-label">{t('statusPage.position')}</p>
                <p className="status-value" data-testid="status-position">
                  {layout.position ?? '—'}
                </p>
              </div>
              <div className="status-card">
                <p className="status-label">{t('statusPage.expectedWait')}</p>
                <p className="status-value status-value-small">{formatWait(t, view.wait)}</p>
              </div>
            </div>
          ) : (
            <div className="status-card">
              <p className="status-big-text">
                {language === view.language ? view.message : t(`status.${view.status}`)}
              </p>
            </div>
          )}
          {offline ? <div className="banner banner-bad">{t('common.offline')}</div> : null}
          {updatedAt !== null ? (
            <p className="muted status-updated">
              {t('statusPage.updated', {
                time: formatClock(language, { at: updatedAt, seconds: true }),
              })}
            </p>
          ) : null}
        </>
      )}
    </div>
  )
}
