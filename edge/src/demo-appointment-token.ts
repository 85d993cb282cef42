/**
 * DEMO ONLY: prints an appointment QR token signed with the demo key of `EDGE_DEMO=true`, so the
 * kiosk's check-in can be tried without a cloud (paste it on the kiosk's appointment screen, or
 * send it to `POST /api/v1/appointments/check-in`). A real appliance never trusts this key.
 *
 *   pnpm --filter @kqms/edge exec tsx src/demo-appointment-token.ts --service cash --in 10
 */
import { randomUUID } from 'node:crypto'
import { parseArgs } from 'node:util'
import { toWirePayload } from '@kqms/shared/appointment-token'
import { CompactSign, importJWK } from 'jose'
import { z } from 'zod'
import { loadConfig } from './config.js'
import { demoAppointmentKey } from './demo-appointment-key.js'

const Args = z.object({
  service: z.string().regex(/^[a-z0-9][a-z0-9-]{0,31}$/, 'a service id such as cash'),
  /** Minutes from now to the appointment's start (negative: it started already). */
  in: z.coerce
    .number()
    .int()
    .min(-600)
    .max(24 * 60),
  language: z.enum(['kk', 'ru', 'en']),
})

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      service: { type: 'string', default: 'cash' },
      in: { type: 'string', default: '10' },
      language: { type: 'string', default: 'kk' },
    },
  })
  const parsed = Args.safeParse(values)
  if (!parsed.success) {
    process.stderr.write(
      `${parsed.error.issues.map((i) => `--${i.path.join('.')}: ${i.message}`).join('\n')}\n`,
    )
    process.exitCode = 2
    return
  }
  const { branchId } = loadConfig()
  const key = demoAppointmentKey(branchId)
  const now = Date.now()
  const startsAt = now + parsed.data.in * 60_000
  const payload = toWirePayload({
    appointmentId: randomUUID(),
    branchId,
    serviceId: parsed.data.service,
    startsAt,
    issuedAt: now,
    expiresAt: startsAt + 60 * 60_000,
    language: parsed.data.language,
  })
  const token = await new CompactSign(new TextEncoder().encode(JSON.stringify(payload)))
    .setProtectedHeader({ alg: 'EdDSA', kid: key.keyId })
    .sign(await importJWK(key.privateJwk, 'EdDSA'))
  process.stdout.write(`${token}\n`)
}

await main()
