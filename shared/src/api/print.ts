import { z } from 'zod'
import { PRINT_ERROR_CODES } from '../mqtt/printer.js'

/**
 * `POST /api/v1/tickets/{ticketId}/print`: a kiosk asks for its ticket to be printed on the
 * printer attached to it. Authenticated as the kiosk device (`Authorization: Basic` with its
 * device id and secret). Never a 5xx for a printer problem: the answer says what happened.
 */

/** Why a ticket was not printed: the printer's codes, `PRINT_TIMEOUT` (no answer in time) and
 * `NO_PRINTER` (no printer is attached to this kiosk). */
export const PrintAnswerCode = z.enum([...PRINT_ERROR_CODES, 'PRINT_TIMEOUT', 'NO_PRINTER'])
export type PrintAnswerCode = z.infer<typeof PrintAnswerCode>

export const PrintTicketResponse = z
  .object({
    /** `print-<ticketId>`: one job per ticket. */
    jobId: z.string(),
    printerId: z.string().nullable(),
    /**
     * `printed`: take the ticket from the printer; `failed`: the printer tried and failed;
     * `unavailable`: nothing was printed now (offline, blocked, no answer in time, expired).
     */
    state: z.enum(['printed', 'failed', 'unavailable']),
    code: PrintAnswerCode.optional(),
    /** The ticket was printed or sent before: nothing was sent again. */
    duplicate: z.boolean(),
  })
  .meta({ id: 'PrintTicketResponse' })
export type PrintTicketResponse = z.infer<typeof PrintTicketResponse>
