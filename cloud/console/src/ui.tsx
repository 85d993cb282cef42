import type { Language } from '@kqms/shared/domain'
import { maskPhone } from '@kqms/shared/cloud'
import { createContext, useContext, useEffect, useState, type ReactNode } from 'react'
import type { Api } from './api'
import { isApiError } from './api'
import { LOCALES, type Translate } from './i18n'
import type { Session } from './session'

/** What every page gets from the shell. */
export interface ConsoleContext {
  readonly api: Api
  readonly t: Translate
  readonly language: Language
  readonly session: Session
  readonly navigate: (hash: string) => void
}

const Context = createContext<ConsoleContext | null>(null)
export const ConsoleProvider = Context.Provider

export function useConsole(): ConsoleContext {
  const value = useContext(Context)
  if (!value) throw new Error('useConsole outside ConsoleProvider')
  return value
}

type Loaded<T> =
  { key: string; state: 'ok'; data: T } | { key: string; state: 'error'; message: string }

/**
 * Loads data for a key (e.g. a branch id + date); reloading the same key keeps the old data on
 * screen until the new answer arrives.
 */
export function useLoad<T>(key: string, load: () => Promise<T>) {
  const [loaded, setLoaded] = useState<Loaded<T> | null>(null)
  const [generation, setGeneration] = useState(0)
  useEffect(() => {
    let live = true
    load().then(
      (data) => {
        if (live) setLoaded({ key, state: 'ok', data })
      },
      (error: unknown) => {
        if (live) setLoaded({ key, state: 'error', message: errorText(error) })
      },
    )
    return () => {
      live = false
    }
    // `load` is a fresh closure each render; the key says when the data changes.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key, generation])
  const current = loaded?.key === key ? loaded : null
  return {
    data: current?.state === 'ok' ? current.data : undefined,
    error: current?.state === 'error' ? current.message : undefined,
    loading: current === null,
    reload: () => setGeneration((g) => g + 1),
  }
}

export function errorText(error: unknown): string {
  if (isApiError(error)) return `${error.message} (${error.code})`
  return error instanceof Error ? error.message : String(error)
}

/** Shows a load's state: a spinner line, an error with retry, or the content. */
export function Loadable<T>(props: {
  load: { data: T | undefined; error: string | undefined; reload: () => void }
  children: (data: T) => ReactNode
}) {
  const { t } = useConsole()
  const { data, error, reload } = props.load
  if (error !== undefined)
    return (
      <div className="notice notice-bad" role="alert">
        {error}{' '}
        <button type="button" className="link" onClick={reload}>
          {t('app.retry')}
        </button>
      </div>
    )
  if (data === undefined) return <div className="muted loading">{t('app.loading')}</div>
  return <>{props.children(data)}</>
}

export function Pill(props: {
  tone: 'ok' | 'bad' | 'warn' | 'muted' | 'info'
  children: ReactNode
}) {
  return <span className={`pill pill-${props.tone}`}>{props.children}</span>
}

export function PageHeader(props: { title: ReactNode; subtitle?: ReactNode; actions?: ReactNode }) {
  return (
    <header className="page-header">
      <div>
        <h1>{props.title}</h1>
        {props.subtitle ? <p className="muted">{props.subtitle}</p> : null}
      </div>
      {props.actions ? <div className="page-actions">{props.actions}</div> : null}
    </header>
  )
}

export function Section(props: {
  title: ReactNode
  actions?: ReactNode
  children: ReactNode
  testId?: string
}) {
  return (
    <section className="card" data-testid={props.testId}>
      <header className="card-header">
        <h2>{props.title}</h2>
        {props.actions}
      </header>
      {props.children}
    </section>
  )
}

/** Date and time in a given IANA zone (the branch's), in the staff member's language. */
export function formatDateTime(input: {
  at: string | number
  language: Language
  timeZone?: string
}) {
  return new Intl.DateTimeFormat(LOCALES[input.language], {
    timeZone: input.timeZone,
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(new Date(input.at))
}

export function formatTime(input: { at: string | number; language: Language; timeZone: string }) {
  return new Intl.DateTimeFormat(LOCALES[input.language], {
    timeZone: input.timeZone,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(new Date(input.at))
}

/** "3 min ago", "2 h ago", "5 days ago" in the staff member's language. */
export function formatAgo(input: { at: string; now: number; language: Language }) {
  const seconds = Math.round((Date.parse(input.at) - input.now) / 1000)
  const format = new Intl.RelativeTimeFormat(LOCALES[input.language], { numeric: 'auto' })
  const abs = Math.abs(seconds)
  if (abs < 60) return format.format(seconds, 'second')
  if (abs < 3600) return format.format(Math.round(seconds / 60), 'minute')
  if (abs < 86_400) return format.format(Math.round(seconds / 3600), 'hour')
  return format.format(Math.round(seconds / 86_400), 'day')
}

/** A phone number as staff may see it: masked unless it already is. */
export function shownPhone(phone: string): string {
  return /^\+\d{8,15}$/.test(phone) ? maskPhone(phone) : phone
}

/** Local `YYYY-MM-DD` of an instant in a zone. */
export function localDate(at: number, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(new Date(at))
}

/** A calendar date `days` after `date` (both `YYYY-MM-DD`). */
export function addDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number)
  return new Date(Date.UTC(y ?? 1970, (m ?? 1) - 1, (d ?? 1) + days)).toISOString().slice(0, 10)
}

/** The Monday of the week of `date`. */
export function startOfWeek(date: string): string {
  const weekday = new Date(`${date}T00:00:00Z`).getUTCDay() // 0 = Sunday
  return addDays(date, -((weekday + 6) % 7))
}

export function formatDay(input: { date: string; language: Language; long?: boolean }) {
  return new Intl.DateTimeFormat(LOCALES[input.language], {
    timeZone: 'UTC',
    weekday: input.long ? 'long' : 'short',
    day: 'numeric',
    month: input.long ? 'long' : 'short',
  }).format(new Date(`${input.date}T00:00:00Z`))
}

/** The current time, refreshed every `everyMs` (for "3 min ago" labels). */
export function useNow(everyMs = 30_000): number {
  const [now, setNow] = useState(() => Date.now())
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), everyMs)
    return () => clearInterval(timer)
  }, [everyMs])
  return now
}

export function formatWeekday(input: { date: string; language: Language }) {
  return new Intl.DateTimeFormat(LOCALES[input.language], {
    timeZone: 'UTC',
    weekday: 'long',
  }).format(new Date(`${input.date}T00:00:00Z`))
}

/** A text field of a submitted form ('' when absent). */
export function fieldText(form: FormData, name: string): string {
  const value = form.get(name)
  return typeof value === 'string' ? value : ''
}
