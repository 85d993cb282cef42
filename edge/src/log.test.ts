import { Writable } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { createLogger } from './log.js'

describe(createLogger.name, () => {
  it('never writes phone numbers, passwords, PINs or tokens', () => {
    const lines: string[] = []
    const destination = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString())
        done()
      },
    })
    const log = createLogger({ level: 'info', destination })
    log.info(
      {
        phone: '+77011234567',
        body: { pin: '8642', password: 'hunter2' },
        req: { headers: { authorization: 'Bearer abc' } },
      },
      'login',
    )
    const written = lines.join('')
    for (const secret of ['+77011234567', '8642', 'hunter2', 'Bearer abc'])
      expect(written).not.toContain(secret)
    expect(JSON.parse(written)).toMatchObject({ msg: 'login', phone: '[redacted]' })
  })
})
