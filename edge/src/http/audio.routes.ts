import { announcementText } from '@kqms/shared/i18n'
import { Language } from '@kqms/shared/domain'
import { Hono } from 'hono'
import { z } from 'zod'
import { renderChime } from '../audio/chime.js'
import { SpeechUnavailable, type Speech } from '../audio/speech.js'
import type { AppEnv } from './app-env.js'
import { HttpError } from './errors.js'

/**
 * Audio for the hall display: `/audio/chime.wav`, and one WAV per call,
 * `/audio/{call|recall}/{lang}/{ticketNumber}/{counterLabel}.wav`, spoken by the appliance in the
 * ticket's language and cached. The URL names everything that is said, so browsers cache it too.
 */

const CallParams = z.object({
  kind: z.enum(['call', 'recall']),
  lang: Language,
  number: z.string().regex(/^[A-Z]{1,2}[0-9]{1,5}$/, 'must be a ticket number such as A042'),
  counter: z.string().regex(/^[A-Za-z0-9-]{1,8}\.wav$/, 'must be a counter label followed by .wav'),
})

const WAV_HEADERS = { 'content-type': 'audio/wav', 'cache-control': 'public, max-age=86400' }

export function audioRoutes(deps: { speech: Speech }) {
  let chime: Buffer | null = null
  return new Hono<AppEnv>()
    .get('/audio/chime.wav', (c) => {
      chime ??= renderChime()
      return c.body(new Uint8Array(chime), 200, WAV_HEADERS)
    })
    .get('/audio/:kind/:lang/:number/:counter', async (c) => {
      const parsed = CallParams.safeParse(c.req.param())
      if (!parsed.success)
        throw new HttpError(
          'VALIDATION_FAILED',
          `Invalid request: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
        )
      const { kind, lang, number, counter } = parsed.data
      const text = announcementText(lang, {
        number,
        counterLabel: counter.slice(0, -'.wav'.length),
        recall: kind === 'recall',
      })
      try {
        const wav = await deps.speech.render({ text, language: lang })
        return c.body(new Uint8Array(wav), 200, WAV_HEADERS)
      } catch (error) {
        if (!(error instanceof SpeechUnavailable)) throw error
        c.var.log.warn(
          { err: error.message },
          'speech unavailable: the display plays the chime only',
        )
        return c.json({ error: { code: 'INTERNAL', message: 'Speech is not available' } }, 503)
      }
    })
}
