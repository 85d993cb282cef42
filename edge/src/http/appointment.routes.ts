import { createRoute } from '@hono/zod-openapi'
import {
  CheckInRefusal,
  type CheckInRefusalCode,
  CheckInRequest,
  CheckInResponse,
  ErrorBody,
} from '@kqms/shared/api'
import { verifyAppointmentToken } from '@kqms/shared/appointment-token'
import {
  classifyArrival,
  earliestCheckIn,
  type Language,
  LANGUAGES,
  type LocalizedText,
  ServiceId,
  TicketId,
} from '@kqms/shared/domain'
import { DomainError } from '@kqms/shared/errors'
import { type MessageKey, type MessageVars, translate } from '@kqms/shared/i18n'
import type { Context } from 'hono'
import { createHash } from 'node:crypto'
import { z } from 'zod'
import { predictWaits } from '../domain/prediction.js'
import type { QueueState } from '../domain/state.js'
import { toArchivedTicketView, toTicketView } from '../views/public.views.js'
import type { AppEnv } from './app-env.js'
import { requireDevice } from './auth/device-auth.js'
import type { HttpDeps } from './http-deps.js'
import {
  BODY_ERRORS,
  createRouter,
  DEVICE_AUTH,
  errorResponses,
  jsonBody,
  jsonContent,
} from './openapi.js'

/**
 * Appointment check-in at the kiosk: the customer shows the QR code the cloud signed when they
 * booked; the appliance verifies it offline with the cloud's public keys (configuration; synced
 * from the cloud later) and issues the ticket through the single write path.
 *
 * Kiosk device credentials are required, as for printing: checking in is being present at the
 * branch, so a QR code (a screenshot can travel) is honoured only when a kiosk of this branch read
 * it, never from any phone on the guest Wi-Fi.
 */

const REFUSAL_STATUS = {
  CHECKIN_UNAVAILABLE: 409,
  TOKEN_MALFORMED: 422,
  TOKEN_BAD_SIGNATURE: 422,
  TOKEN_WRONG_BRANCH: 422,
  TOKEN_NOT_YET_VALID: 422,
  TOKEN_EXPIRED: 422,
  APPOINTMENT_TOO_EARLY: 409,
  APPOINTMENT_MISSED: 409,
} as const satisfies Record<CheckInRefusalCode, 409 | 422>

const REFUSAL_TEXT: Record<CheckInRefusalCode, { key: MessageKey; log: string }> = {
  CHECKIN_UNAVAILABLE: { key: 'checkin.unavailable', log: 'No appointment keys are configured' },
  TOKEN_MALFORMED: { key: 'checkin.invalid', log: 'The code is not an appointment token' },
  TOKEN_BAD_SIGNATURE: {
    key: 'checkin.invalid',
    log: 'The token is not signed by a key this branch trusts',
  },
  TOKEN_WRONG_BRANCH: { key: 'checkin.wrongBranch', log: 'The appointment is for another branch' },
  TOKEN_NOT_YET_VALID: { key: 'checkin.notYetValid', log: 'The token was issued in the future' },
  TOKEN_EXPIRED: { key: 'checkin.expired', log: 'The token has expired' },
  APPOINTMENT_TOO_EARLY: { key: 'checkin.tooEarly', log: 'Too early to check in' },
  APPOINTMENT_MISSED: { key: 'checkin.missed', log: 'The appointment was missed' },
}

const checkIn = createRoute({
  method: 'post',
  path: '/api/v1/appointments/check-in',
  tags: ['public'],
  summary: 'Check in with an appointment QR code, verified offline (kiosk device credentials)',
  description:
    'Authenticated as the kiosk device: `Authorization: Basic base64(<deviceId>:<secret>)`. ' +
    'On time (from `EDGE_APPOINTMENT_EARLY_MINUTES` before the start until the start): an ' +
    '`appointment`-priority ticket (`checked-in`); up to `EDGE_APPOINTMENT_LATE_MINUTES` late: a ' +
    'regular ticket (`late`). A second scan of the same appointment answers the same ticket (200). ' +
    'Refusals carry the customer text in kk/ru/en (`refusal`); too early: `checkInFrom`.',
  security: DEVICE_AUTH,
  request: { body: jsonBody(CheckInRequest) },
  responses: {
    201: jsonContent(CheckInResponse, 'Checked in: the new ticket'),
    200: jsonContent(CheckInResponse, 'Already checked in: the same ticket'),
    409: jsonContent(
      z.union([CheckInRefusal, ErrorBody]),
      'Check-in unavailable, too early, missed; or the service is closed or full today',
    ),
    422: jsonContent(
      z.union([CheckInRefusal, ErrorBody]),
      'The code is not a valid appointment of this branch (tampered, foreign, expired)',
    ),
    ...errorResponses(...BODY_ERRORS, 401, 403, 404, 429),
  },
})

const localized = (key: MessageKey, vars: MessageVars): LocalizedText => {
  const [kk, ru, en] = LANGUAGES.map((l) => translate(l, key, vars))
  return { kk: kk ?? '', ru: ru ?? '', en: en ?? '' }
}

/** The ticket of an appointment: one id per (branch, appointment), so a second scan finds it. */
export function appointmentTicketId(branchId: string, appointmentId: string): TicketId {
  const hex = createHash('sha256')
    .update(`kqms-appointment-ticket:${branchId}:${appointmentId}`)
    .digest('hex')
  // An RFC 9562 version-8 (custom) UUID.
  const variant = ((parseInt(hex.slice(16, 17), 16) & 0x3) | 0x8).toString(16)
  return TicketId.parse(
    `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`,
  )
}

function localTime(at: number, state: QueueState): string {
  return new Intl.DateTimeFormat('en-GB', {
    hour: '2-digit',
    minute: '2-digit',
    timeZone: state.branch?.timeZone ?? 'UTC',
  }).format(at)
}

export function appointmentRoutes(deps: HttpDeps) {
  const refuse = (
    c: Context<AppEnv>,
    input: {
      code: CheckInRefusalCode
      language: Language
      checkInFrom?: number
      vars?: MessageVars
    },
  ) => {
    const { key, log } = REFUSAL_TEXT[input.code]
    const messages = localized(key, input.vars ?? {})
    c.var.log.info({ code: input.code }, 'appointment check-in refused')
    const body: CheckInRefusal = {
      error: { code: input.code, message: log },
      refusal: {
        code: input.code,
        message: messages[input.language],
        messages,
        checkInFrom:
          input.checkInFrom === undefined ? null : new Date(input.checkInFrom).toISOString(),
      },
    }
    return c.json(body, REFUSAL_STATUS[input.code])
  }

  return createRouter().openapi(checkIn, async (c) => {
    const kiosk = requireDevice(c, 'kiosk')
    const body = c.req.valid('json')
    const kioskLanguage = body.language
    const config = deps.appointments
    const branch = deps.runtime.state().branch
    if (!config || config.publicJwks.length === 0 || !branch)
      return refuse(c, { code: 'CHECKIN_UNAVAILABLE', language: kioskLanguage ?? 'en' })

    const now = deps.clock.now()
    const verified = await verifyAppointmentToken(body.token, {
      publicJwks: config.publicJwks,
      branchId: branch.id,
      now,
    })
    if (!verified.ok) return refuse(c, { code: verified.code, language: kioskLanguage ?? 'en' })
    const claims = verified.claims
    const language = kioskLanguage ?? claims.language
    const ticketId = appointmentTicketId(branch.id, claims.appointmentId)
    const log = { kioskId: kiosk.id, appointmentId: claims.appointmentId, ticketId }

    const answer = (
      outcome: 'checked-in' | 'late',
      status: 200 | 201,
    ): ReturnType<typeof c.json<CheckInResponse, 200 | 201>> => {
      const state = deps.runtime.state()
      const live = state.tickets.get(ticketId)
      const view = {
        now: deps.clock.now(),
        publicBaseUrl: deps.config.publicBaseUrl,
        predictions: predictWaits(state, deps.clock.now()),
      }
      const ticket = live
        ? toTicketView(state, live, view)
        : (() => {
            const archived = deps.runtime.findTicket(ticketId)
            if (!archived) throw new DomainError('NOT_FOUND', 'The ticket of this check-in is gone')
            return toArchivedTicketView(state, archived, deps.config.publicBaseUrl)
          })()
      const messages = localized(outcome === 'late' ? 'checkin.late' : 'checkin.checkedIn', {})
      return c.json(
        {
          outcome,
          appointmentId: claims.appointmentId,
          ticket,
          message: messages[ticket.language],
          messages,
        },
        status,
      )
    }

    // A second scan: the same ticket, whatever the clock says now.
    const existing = deps.runtime.state().tickets.get(ticketId) ?? deps.runtime.findTicket(ticketId)
    if (existing) {
      c.var.log.info(log, 'appointment already checked in')
      return answer(existing.priorityClass === 'appointment' ? 'checked-in' : 'late', 200)
    }

    const arrival = classifyArrival({
      now,
      startsAt: claims.startsAt,
      earlyMinutes: config.earlyMinutes,
      lateMinutes: config.lateMinutes,
    })
    if (arrival === 'too-early') {
      const from = earliestCheckIn({ startsAt: claims.startsAt, earlyMinutes: config.earlyMinutes })
      return refuse(c, {
        code: 'APPOINTMENT_TOO_EARLY',
        language,
        checkInFrom: from,
        vars: { time: localTime(from, deps.runtime.state()) },
      })
    }
    if (arrival === 'missed') return refuse(c, { code: 'APPOINTMENT_MISSED', language })

    const serviceId = ServiceId.safeParse(claims.serviceId)
    if (!serviceId.success)
      throw new DomainError('NOT_FOUND', `No service ${claims.serviceId.slice(0, 64)}`)
    const priorityClass = arrival === 'on-time' ? 'appointment' : 'regular'
    deps.runtime.execute({
      idempotencyKey: `appointment-check-in:${branch.id}:${claims.appointmentId}`,
      actor: { kind: 'public' },
      command: {
        type: 'IssueTicket',
        ticketId,
        serviceId: serviceId.data,
        priorityClass,
        language,
        channel: 'appointment',
        phoneMasked: null,
        followUpServiceIds: [],
        byStaff: false,
      },
    })
    c.var.log.info({ ...log, arrival }, 'appointment checked in')
    return answer(arrival === 'on-time' ? 'checked-in' : 'late', 201)
  })
}
