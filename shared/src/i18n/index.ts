import type { Language } from '../domain/ids.js'
import { en, type Catalogue, type MessageKey } from './en.js'
import { kk } from './kk.js'
import { ru } from './ru.js'

export type { Catalogue, MessageKey } from './en.js'

/** Every text a person reads or hears, in kk, ru and en (ARCHITECTURE.md §8). */
export const MESSAGES: Readonly<Record<Language, Catalogue>> = { kk, ru, en }

/** Values for a message's `{placeholders}`. */
export type MessageVars = Readonly<Record<string, string | number>>

const PLACEHOLDER = /\{([a-zA-Z][a-zA-Z0-9]*)\}/g

/** The placeholder names of a message, sorted and without repeats. */
export function placeholdersOf(text: string): string[] {
  return [...new Set([...text.matchAll(PLACEHOLDER)].map((m) => m[1] ?? ''))].sort()
}

/** A message in a language with its placeholders filled; a missing value stays visible as `{name}`. */
export function translate(language: Language, key: MessageKey, vars: MessageVars = {}): string {
  return MESSAGES[language][key].replace(PLACEHOLDER, (whole, name: string) => {
    const value = vars[name]
    return value === undefined ? whole : String(value)
  })
}

/** Each language's name in itself, for language pickers. */
export const LANGUAGE_NAMES: Readonly<Record<Language, string>> = {
  kk: 'Қазақша',
  ru: 'Русский',
  en: 'English',
}

/** BCP 47 tags for `Intl` formatting and the `lang` attribute. */
export const LOCALE_TAGS: Readonly<Record<Language, string>> = {
  kk: 'kk-KZ',
  ru: 'ru-RU',
  en: 'en-GB',
}

// prettier-ignore
type Letter =
  | 'A' | 'B' | 'C' | 'D' | 'E' | 'F' | 'G' | 'H' | 'I' | 'J' | 'K' | 'L' | 'M'
  | 'N' | 'O' | 'P' | 'Q' | 'R' | 'S' | 'T' | 'U' | 'V' | 'W' | 'X' | 'Y' | 'Z'

/**
 * How a ticket-prefix letter is said in each language. Prefixes are Latin capitals; kk and ru
 * speakers read the look-alikes as Cyrillic (C as "эс"), so the names follow what people say.
 */
// prettier-ignore
const LETTER_NAMES: Readonly<Record<Language, Readonly<Record<Letter, string>>>> = {
  kk: {
    A: 'А', B: 'Бэ', C: 'Сэ', D: 'Дэ', E: 'Е', F: 'Эф', G: 'Гэ', H: 'Һа', I: 'И', J: 'Жэй',
    K: 'Ка', L: 'Эл', M: 'Эм', N: 'Эн', O: 'О', P: 'Пэ', Q: 'Қу', R: 'Эр', S: 'Эс', T: 'Тэ',
    U: 'У', V: 'Вэ', W: 'Дабл ю', X: 'Икс', Y: 'Игрек', Z: 'Зэт',
  },
  ru: {
    A: 'А', B: 'Бэ', C: 'Эс', D: 'Дэ', E: 'Е', F: 'Эф', G: 'Гэ', H: 'Аш', I: 'И', J: 'Йот',
    K: 'Ка', L: 'Эль', M: 'Эм', N: 'Эн', O: 'О', P: 'Пэ', Q: 'Ку', R: 'Эр', S: 'Эс', T: 'Тэ',
    U: 'У', V: 'Вэ', W: 'Дубль вэ', X: 'Икс', Y: 'Игрек', Z: 'Зэт',
  },
  en: {
    A: 'ay', B: 'bee', C: 'see', D: 'dee', E: 'ee', F: 'ef', G: 'gee', H: 'aitch', I: 'eye',
    J: 'jay', K: 'kay', L: 'el', M: 'em', N: 'en', O: 'oh', P: 'pee', Q: 'cue', R: 'ar',
    S: 'ess', T: 'tee', U: 'you', V: 'vee', W: 'double you', X: 'ex', Y: 'why', Z: 'zed',
  },
}

const isLetter = (c: string): c is Letter => /^[A-Z]$/.test(c)

/**
 * A ticket number as a speech engine should say it: each prefix letter by name, then the number
 * as a whole (`C012` → "Сэ 12" in kk, "see 12" in en); leading zeros are not spoken.
 */
export function spokenTicketNumber(number: string, language: Language): string {
  const match = /^([A-Z]*)(\d*)$/.exec(number)
  if (!match) return number
  const letters = [...(match[1] ?? '')].map((c) => (isLetter(c) ? LETTER_NAMES[language][c] : c))
  const digits = match[2] ?? ''
  const spoken = digits === '' ? [] : [String(Number.parseInt(digits, 10))]
  return [...letters, ...spoken].join(' ')
}

/** The sentence the hall announces for a call (or a recall), in one language. */
export function announcementText(
  language: Language,
  call: { readonly number: string; readonly counterLabel: string; readonly recall: boolean },
): string {
  return translate(language, call.recall ? 'speech.recall' : 'speech.call', {
    ticket: spokenTicketNumber(call.number, language),
    counter: call.counterLabel,
  })
}
