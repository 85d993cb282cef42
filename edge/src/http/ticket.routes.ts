import { createRoute } from '@hono/zod-openapi'
import { CancelTicketRequest, ReactivateTicketRequest, StaffTicketView } from '@kqms/shared/api'
import { TicketId } from '@kqms/shared/domain'
import { z } from 'zod'
import { requireRole } from './auth/auth.middleware.js'
import { toStaffTicketView } from '../views/counter.views.js'
import { executeCommand } from './execute-command.js'
import type { HttpDeps } from './http-deps.js'
import {
  BEARER,
  BODY_ERRORS,
  createRouter,
  errorResponses,
  IdempotencyHeaders,
  jsonBody,
  jsonContent,
} from './openapi.js'
import { requireLiveTicket } from '../views/public.views.js'

const TicketParams = z.object({ ticketId: TicketId })
const TICKET_ERRORS = [...BODY_ERRORS, 401, 403, 404, 409] as const

const cancel = createRoute({
  method: 'post',
  path: '/api/v1/tickets/{ticketId}/cancel',
  tags: ['tickets'],
  summary: 'Cancel an open ticket (manager)',
  security: BEARER,
  middleware: [requireRole('manager')],
  request: {
    params: TicketParams,
    headers: IdempotencyHeaders,
    body: jsonBody(CancelTicketRequest),
  },
  responses: {
    200: jsonContent(StaffTicketView, 'The cancelled ticket'),
    ...errorResponses(...TICKET_ERRORS),
  },
})

const reactivate = createRoute({
  method: 'post',
  path: '/api/v1/tickets/{ticketId}/reactivate',
  tags: ['tickets'],
  summary: 'Put a no-show back in the queue (keeping its place or not)',
  security: BEARER,
  middleware: [requireRole('operator')],
  request: {
    params: TicketParams,
    headers: IdempotencyHeaders,
    body: jsonBody(ReactivateTicketRequest),
  },
  responses: {
    200: jsonContent(StaffTicketView, 'The ticket, waiting again'),
    ...errorResponses(...TICKET_ERRORS),
  },
})

export function ticketRoutes(deps: HttpDeps) {
  const ticketView = (ticketId: TicketId) =>
    toStaffTicketView(requireLiveTicket(deps.runtime.state(), ticketId))
  return createRouter()
    .openapi(cancel, (c) => {
      const { ticketId } = c.req.valid('param')
      const { reason } = c.req.valid('json')
      executeCommand(deps, c, {
        scope: `ticket:${ticketId}:cancel`,
        command: { type: 'Cancel', ticketId, reason },
      })
      return c.json(ticketView(ticketId), 200)
    })
    .openapi(reactivate, (c) => {
      const { ticketId } = c.req.valid('param')
      const { keepPlace } = c.req.valid('json')
      executeCommand(deps, c, {
        scope: `ticket:${ticketId}:reactivate`,
        command: { type: 'Reactivate', ticketId, keepPlace },
      })
      return c.json(ticketView(ticketId), 200)
    })
}
