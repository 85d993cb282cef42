import { createRoute } from '@hono/zod-openapi'
import { EmptyRequest, PrintTicketResponse } from '@kqms/shared/api'
import { TicketId } from '@kqms/shared/domain'
import { z } from 'zod'
import { requireDevice } from './auth/device-auth.js'
import { printJobId } from '../usecases/print-jobs.js'
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
 * A kiosk prints its customer's ticket on the printer attached to it (through the printer's
 * firmware bridge). The answer comes once the printer replied or after a few seconds; a printer
 * problem is an answer (`unavailable`, `failed` with a code), not an error, and a repeat never
 * prints the ticket twice.
 */

const print = createRoute({
  method: 'post',
  path: '/api/v1/tickets/{ticketId}/print',
  tags: ['tickets'],
  summary: "Print a ticket on the kiosk's printer (kiosk device credentials)",
  description:
    'Authenticated as the kiosk device: `Authorization: Basic base64(<deviceId>:<secret>)`. ' +
    'Waits up to a few seconds for the printer. `printed`: the ticket is in the tray; ' +
    '`failed`: the printer tried and failed (`code`); `unavailable`: nothing printed now ' +
    '(`PRINTER_OFFLINE`, `PRINTER_PAPER_OUT`… refused at once; `PRINT_TIMEOUT` no answer yet, ' +
    'the job is re-sent when the printer is back, until it expires; `NO_PRINTER`). A repeat for ' +
    'the same ticket answers from the same job (`duplicate: true`) and never prints again.',
  security: DEVICE_AUTH,
  request: {
    params: z.object({ ticketId: TicketId }),
    body: jsonBody(EmptyRequest, { required: false }),
  },
  responses: {
    200: jsonContent(PrintTicketResponse, 'What became of the print'),
    ...errorResponses(...BODY_ERRORS, 401, 403, 404, 429),
  },
})

export function printRoutes(deps: HttpDeps) {
  return createRouter().openapi(print, async (c) => {
    const { ticketId } = c.req.valid('param')
    const kiosk = requireDevice(c, 'kiosk')
    const printing = deps.printing
    const answer = printing
      ? await printing.print({ kioskId: kiosk.id, ticketId })
      : {
          jobId: printJobId(ticketId),
          printerId: null,
          state: 'unavailable' as const,
          code: 'NO_PRINTER' as const,
          duplicate: false,
        }
    c.var.log.info(
      { kioskId: kiosk.id, jobId: answer.jobId, state: answer.state, code: answer.code },
      'print answered',
    )
    return c.json(answer, 200)
  })
}
