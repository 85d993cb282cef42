import type { WaitRange } from '@kqms/shared/api'
import { Language, LANGUAGES } from '@kqms/shared/domain'
import { LOCALE_TAGS, translate, type MessageKey, type MessageVars } from '@kqms/shared/i18n'

/** A translator bound to one language. */
export type T = (key: MessageKey, vars?: MessageVars) => string

export const translator =
  (language: Language): T =>
  (key, vars) =>
    translate(language, key, vars)

/** `?lang=kk` of the page, if valid. */
export function languageFromUrl(search: string = location.search): Language | null {
  return Language.safeParse(new URLSearchParams(search).get('lang')).data ?? null
}

const STORAGE_KEY = 'kqms.language'

/** The language a staff app last used on this browser; then the page's `?lang=`; then Russian. */
export function initialLanguage(fallback: Language = 'ru'): Language {
  const fromUrl = languageFromUrl()
  if (fromUrl) return fromUrl
  const stored = Language.safeParse(localStorage.getItem(STORAGE_KEY)).data
  return stored ?? fallback
}

export function rememberLanguage(language: Language): void {
  localStorage.setItem(STORAGE_KEY, language)
  document.documentElement.lang = language
}

export { LANGUAGES }

/** A wait range as people read it: "5–9 min", or "No wait" when both ends are zero. */
export function formatWait(t: T, wait: WaitRange | null): string {
  if (wait === null) return t('common.waitUnknown')
  if (wait.highMinutes === 0) return t('common.noWait')
  if (wait.lowMinutes === wait.highMinutes)
    return t('common.minutes', { minutes: wait.highMinutes })
  return t('common.waitRange', { low: wait.lowMinutes, high: wait.highMinutes })
}

/** `mm:ss` (or `h:mm:ss`) for a running timer. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds))
  const h = Math.floor(s / 3600)
  const m = Math.floor((s % 3600) / 60)
  const rest = String(s % 60).padStart(2, '0')
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${rest}` : `${m}:${rest}`
}

/** Local clock time in the branch's time zone. */
export function formatClock(
  language: Language,
  input: { at: number | Date; timeZone?: string; seconds?: boolean },
): string {
  return new Intl.DateTimeFormat(LOCALE_TAGS[language], {
    hour: '2-digit',
    minute: '2-digit',
    ...(input.seconds ? { second: '2-digit' } : {}),
    hour12: false,
    timeZone: input.timeZone,
  }).format(input.at)
}
