import { describe, expect, it } from 'vitest'
import { LANGUAGES } from '../domain/ids.js'
import { PublicTicketStatus } from './public.js'
import { toStatusMessage } from './status-message.js'

describe(toStatusMessage.name, () => {
  it('tells a called ticket where to go, in each language', () => {
    const vars = { number: 'A007', counterLabel: '5', position: null }
    expect(toStatusMessage('called', 'kk', vars)).toBe('5 терезесіне өтіңіз')
    expect(toStatusMessage('called', 'ru', vars)).toBe('Пройдите к окну 5')
    expect(toStatusMessage('called', 'en', vars)).toBe('Please go to counter 5')
  })

  it('gives the place in the queue when known', () => {
    const known = { number: 'A007', counterLabel: null, position: 3 }
    const unknown = { ...known, position: null }
    expect(toStatusMessage('waiting', 'ru', known)).toBe('Талон A007 в очереди, ваше место: 3')
    expect(toStatusMessage('waiting', 'ru', unknown)).toBe('Талон A007 в очереди. Ожидайте вызова')
    for (const language of LANGUAGES) {
      expect(toStatusMessage('waiting', language, known)).toContain('3')
      expect(toStatusMessage('waiting', language, unknown)).toContain('A007')
    }
  })

  it('has a non-empty text for every status and language, with or without a counter', () => {
    for (const status of PublicTicketStatus.options)
      for (const language of LANGUAGES)
        for (const counterLabel of ['2', null]) {
          const message = toStatusMessage(status, language, {
            number: 'L001',
            counterLabel,
            position: 1,
          })
          expect(message.trim().length).toBeGreaterThan(0)
        }
  })
})
