import { StaffUserView, type StaffSessionView } from '@kqms/shared/cloud'
import type { Language } from '@kqms/shared/domain'
import { z } from 'zod'

/** The signed-in staff member; kept in sessionStorage (gone when the tab closes). */
export const Session = z.object({ token: z.string(), expiresAt: z.string(), user: StaffUserView })
export type Session = z.infer<typeof Session>

const SESSION_KEY = 'kqms.console.session'
const LANGUAGE_KEY = 'kqms.console.language'

export function loadSession(): Session | null {
  try {
    const parsed = Session.safeParse(JSON.parse(sessionStorage.getItem(SESSION_KEY) ?? 'null'))
    if (!parsed.success || Date.parse(parsed.data.expiresAt) <= Date.now()) return null
    return parsed.data
  } catch {
    return null
  }
}

export function saveSession(session: StaffSessionView | null): void {
  if (session) sessionStorage.setItem(SESSION_KEY, JSON.stringify(session))
  else sessionStorage.removeItem(SESSION_KEY)
}

export function loadLanguage(): Language {
  const stored = localStorage.getItem(LANGUAGE_KEY)
  if (stored === 'en' || stored === 'ru' || stored === 'kk') return stored
  const browser = navigator.language.slice(0, 2)
  return browser === 'ru' || browser === 'kk' ? browser : 'en'
}

export function saveLanguage(language: Language): void {
  localStorage.setItem(LANGUAGE_KEY, language)
}
