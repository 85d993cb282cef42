import { LANGUAGES } from '@kqms/shared/domain'
import { describe, expect, it } from 'vitest'
import { ALPHABET_SAMPLES, TICKET_LABELS } from './labels.js'
import type { TicketLabels } from './labels.js'

const texts = (labels: TicketLabels): [string, string][] =>
  Object.entries(labels).map(([key, value]) => [
    key,
    typeof value === 'function'
      ? String((value as (a: number, b: number) => string)(3, 7))
      : String(value),
  ])

describe('TICKET_LABELS', () => {
  it('has every label, non-empty, in kk, ru and en', () => {
    const keys = Object.keys(TICKET_LABELS.en).sort()
    for (const language of LANGUAGES) {
      expect(Object.keys(TICKET_LABELS[language]).sort()).toEqual(keys)
      for (const [key, text] of texts(TICKET_LABELS[language]))
        expect(text.trim(), `${language}.${key}`).not.toBe('')
    }
  })

  it('writes Kazakh with the Kazakh letters, not Russian or Latin look-alikes', () => {
    const kazakh = texts(TICKET_LABELS.kk)
      .map(([, text]) => text)
      .join(' ')
    for (const letter of ['ә', 'ғ', 'қ', 'ң', 'ө', 'ұ', 'ү', 'і']) expect(kazakh).toContain(letter)
    expect(ALPHABET_SAMPLES.kk).toContain('ӘәҒғҚқҢңӨөҰұҮүҺһІі')
    // A Latin letter inside a Cyrillic word (e.g. Latin "i" for "і") prints but reads wrong.
    for (const language of ['kk', 'ru'] as const) {
      for (const [key, text] of texts(TICKET_LABELS[language])) {
        for (const word of text.split(/[\s:.,-]+/)) {
          if (/\p{Script=Cyrillic}/u.test(word))
            expect(word, `${language}.${key}`).not.toMatch(/[A-Za-z]/)
        }
      }
    }
  })

  it('puts the numbers into the sentences', () => {
    for (const language of LANGUAGES) {
      expect(TICKET_LABELS[language].ahead(12)).toContain('12')
      expect(TICKET_LABELS[language].wait(10, 25)).toMatch(/10.*25/)
    }
  })
})

describe('the expected wait line', () => {
  it('never prints a "0-0 min" range: a short wait reads as words, an exact one as ~N', () => {
    expect(TICKET_LABELS.kk.wait(0, 0)).toBe('Күту уақыты: бір минуттан аз')
    expect(TICKET_LABELS.ru.wait(0, 1)).toBe('Ожидание: меньше минуты')
    expect(TICKET_LABELS.en.wait(0, 0)).toBe('Expected wait: under a minute')
    expect(TICKET_LABELS.en.wait(5, 5)).toBe('Expected wait: ~5\u00A0min')
    expect(TICKET_LABELS.ru.wait(10, 15)).toBe('Ожидание: 10-15\u00A0мин')
  })
})
