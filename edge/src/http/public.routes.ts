import { createRoute } from '@hono/zod-openapi'
import { BranchList, QueueList, RegisterRequest, StatusView, TicketView } from '@kqms/shared/api'
import { MaskedPhone, TicketId, maskPhone } from '@kqms/shared/domain'
import { DomainError } from '@kqms/shared/errors'
import { z } from 'zod'
import { predictWaits } from '../domain/prediction.js'
import { HttpError } from './errors.js'
import { executeCommand } from './execute-command.js'
import type { HttpDeps } from './http-deps.js'
import {
  BODY_ERRORS,
  createRouter,
  errorResponses,
  IdempotencyHeaders,
  jsonBody,
  jsonContent,
} from './openapi.js'
import {
  activeServices,
  toArchivedStatusView,
  toArchivedTicketView,
  toBranchViews,
  toLiveStatusView,
  toQueueView,
  toTicketView,
} from '../views/public.views.js'

const branches = createRoute({
  method: 'get',
  path: '/api/v1/branches',
  tags: ['public'],
  summary: 'This branch: name, address, time zone, opening hours, open now',
  responses: { 200: jsonContent(BranchList, 'The branch (empty before it is configured)') },
})

const queues = createRoute({
  method: 'get',
  path: '/api/v1/queues',
  tags: ['public'],
  summary: 'Live queue per active service: waiting, expected wait of a new ticket, daily cap left',
  responses: { 200: jsonContent(QueueList, 'One entry per active service') },
})

const register = createRoute({
  method: 'post',
  path: '/api/v1/register',
  tags: ['public'],
  summary: 'Take a ticket',
  description:
    'A repeat with the same `Idempotency-Key` returns the first ticket (200). A full `phone` is ' +
    'masked on arrival and never stored. Priority classes customers may not declare need a staff ' +
    'session (`Authorization: Bearer`).',
  request: { headers: IdempotencyHeaders, body: jsonBody(RegisterRequest) },
  responses: {
    201: jsonContent(TicketView, 'The new ticket'),
    200: jsonContent(TicketView, 'The ticket first issued for this Idempotency-Key'),
    ...errorResponses(...BODY_ERRORS, 401, 403, 404, 409, 422),
  },
})

const status = createRoute({
  method: 'get',
  path: '/api/v1/status/{ticketId}',
  tags: ['public'],
  summary: "A ticket's status: position and wait range, or the counter to go to",
  request: { params: z.object({ ticketId: TicketId }) },
  responses: {
    200: jsonContent(StatusView, 'The status, with a message in the ticket language'),
    ...errorResponses(400, 404),
  },
})

/** The full number goes no further than this function. */
function toMasked(phone: string): MaskedPhone {
  const masked = MaskedPhone.safeParse(maskPhone(phone))
  if (!masked.success)
    throw new HttpError('VALIDATION_FAILED', 'Invalid request: body.phone: cannot be masked')
  return masked.data
}

export function publicRoutes(deps: HttpDeps) {
  const { runtime, clock } = deps
  const context = () => {
    const state = runtime.state()
    const now = clock.now()
    return {
      state,
      view: {
        now,
        publicBaseUrl: deps.config.publicBaseUrl,
        predictions: predictWaits(state, now),
      },
    }
  }

  return createRouter()
    .openapi(branches, (c) =>
      c.json(
        {
          branches: toBranchViews(runtime.state(), clock.now(), {
            appointmentCheckIn: (deps.appointments?.publicJwks.length ?? 0) > 0,
          }),
        },
        200,
      ),
    )
    .openapi(queues, (c) => {
      const state = runtime.state()
      const now = clock.now()
      return c.json({ queues: activeServices(state).map((s) => toQueueView(state, s, now)) }, 200)
    })
    .openapi(register, (c) => {
      const body = c.req.valid('json')
      const staff = c.var.session !== undefined
      const phoneMasked =
        body.phone === undefined ? (body.phoneMasked ?? null) : toMasked(body.phone)
      const cardRead =
        body.cardReadId === undefined ? null : (deps.cardReads?.find(body.cardReadId) ?? null)
      if (body.cardReadId !== undefined && cardRead === null)
        throw new DomainError(
          'NOT_FOUND',
          'The card read is unknown or too old; read the card again',
        )
      const result = executeCommand(deps, c, {
        scope: 'register',
        command: {
          type: 'IssueTicket',
          ticketId: TicketId.parse(deps.ids.uuid()),
          serviceId: body.serviceId,
          priorityClass: body.priorityClass ?? 'regular',
          language: body.language,
          channel: staff ? 'staff' : 'kiosk',
          phoneMasked,
          followUpServiceIds: body.followUpServiceIds ?? [],
          byStaff: staff,
        },
      })
      const issued = result.events.find((e) => e.event.type === 'TicketIssuedV1')?.event
      if (issued?.type !== 'TicketIssuedV1')
        throw new Error('IssueTicket committed without a TicketIssuedV1 event')
      if (cardRead !== null) {
        deps.cardReads?.attach({ read: cardRead, ticketId: issued.ticketId })
        c.var.log.info(
          { ticketId: issued.ticketId, masked: cardRead.masked },
          'ticket identified by card',
        )
      }
      const card = deps.cardReads?.ofTicket(issued.ticketId) ?? null
      const cardView = card === null ? {} : { cardMasked: card.masked }
      const { state, view } = context()
      const status = result.replayed ? 200 : 201
      const ticket = state.tickets.get(issued.ticketId)
      if (ticket) return c.json({ ...toTicketView(state, ticket, view), ...cardView }, status)
      // A retry after the business day of its first attempt was closed.
      const archived = runtime.findTicket(issued.ticketId)
      if (!archived) throw new DomainError('NOT_FOUND', 'The ticket of this request is gone')
      return c.json(toArchivedTicketView(state, archived, deps.config.publicBaseUrl), status)
    })
    .openapi(status, (c) => {
      const { ticketId } = c.req.valid('param')
      const { state, view } = context()
      const live = state.tickets.get(ticketId)
      if (live) return c.json(toLiveStatusView(state, live, view), 200)
      const archived = runtime.findTicket(ticketId)
      if (!archived) throw new DomainError('NOT_FOUND', `No ticket ${ticketId}`)
      return c.json(toArchivedStatusView(state, archived), 200)
    })
}
