import { describe, expect, it } from 'vitest'
import { LANGUAGES } from '../domain/ids.js'
import { en, type MessageKey } from './en.js'
import {
  announcementText,
  MESSAGES,
  placeholdersOf,
  spokenTicketNumber,
  translate,
} from './index.js'

const KEYS = Object.keys(en) as MessageKey[]

describe('i18n catalogues', () => {
  it.each(LANGUAGES)('%s has exactly the message keys of en', (language) => {
    expect(Object.keys(MESSAGES[language]).sort()).toEqual([...KEYS].sort())
  })

  it.each(LANGUAGES)('%s has no empty message', (language) => {
    const empty = KEYS.filter((key) => MESSAGES[language][key].trim() === '')
    expect(empty).toEqual([])
  })

  it.each(LANGUAGES)('%s uses the same placeholders as en in every message', (language) => {
    const mismatched = KEYS.filter(
      (key) => placeholdersOf(MESSAGES[language][key]).join() !== placeholdersOf(en[key]).join(),
    ).map((key) => `${key}: ${MESSAGES[language][key]}`)
    expect(mismatched).toEqual([])
  })

  it('fills placeholders and leaves unknown ones visible', () => {
    expect(translate('ru', 'display.goTo', { counter: 5 })).toBe('Пройдите к окну 5')
    expect(translate('kk', 'display.goTo', { counter: '5' })).toBe('5 терезесіне өтіңіз')
    expect(translate('en', 'display.goTo')).toBe('Go to counter {counter}')
  })

  it('finds placeholders once each, sorted', () => {
    expect(placeholdersOf('{b} and {a} and {b}')).toEqual(['a', 'b'])
    expect(placeholdersOf('none')).toEqual([])
  })
})

describe('spoken ticket numbers', () => {
  it('names the letters and says the number without leading zeros', () => {
    expect(spokenTicketNumber('A001', 'kk')).toBe('А 1')
    expect(spokenTicketNumber('C012', 'ru')).toBe('Эс 12')
    expect(spokenTicketNumber('L120', 'en')).toBe('el 120')
    expect(spokenTicketNumber('AB1000', 'en')).toBe('ay bee 1000')
  })

  it('passes through what is not a ticket number', () => {
    expect(spokenTicketNumber('probe', 'en')).toBe('probe')
  })

  it('announces a call and a recall in the ticket language', () => {
    expect(announcementText('kk', { number: 'A042', counterLabel: '3', recall: false })).toBe(
      'Талон А 42. 3 терезесіне өтіңіз.',
    )
    expect(announcementText('en', { number: 'T007', counterLabel: '12', recall: true })).toBe(
      'Ticket tee 7, once again. Please go to counter 12.',
    )
  })
})
