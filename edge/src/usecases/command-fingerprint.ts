import { createHash } from 'node:crypto'
import { canonicalJson } from '../db/canonical-json.js'
import type { Command } from '../domain/commands.js'

/**
 * What "the same request" means for an idempotency key: sha256 of the command's canonical JSON.
 * An issue command's `ticketId` is left out because the shell draws a new one for every attempt,
 * so a retried kiosk request must still match. Everywhere else `ticketId` names the ticket the
 * command acts on, and cancelling another ticket under a used key is a different request.
 */
export function fingerprintCommand(command: Command): string {
  const material = command.type === 'IssueTicket' ? { ...command, ticketId: undefined } : command
  return createHash('sha256').update(canonicalJson(material)).digest('hex')
}
