import { IdempotencyKey } from '@kqms/shared/api'
import type { Context } from 'hono'
import type { Command } from '../domain/commands.js'
import type { Actor, CommandResult } from '../usecases/ports.js'
import type { AppEnv } from './app-env.js'
import { HttpError } from './errors.js'
import type { HttpDeps } from './http-deps.js'

/** The actor of a request: the signed-in staff member, or the public (kiosk, status page). */
export function actorOf(c: Context<AppEnv>): Actor {
  const session = c.var.session
  return session
    ? { kind: 'staff', userId: session.user.id, role: session.user.role }
    : { kind: 'public' }
}

/**
 * Runs a command through the appliance's single write path. The client's `Idempotency-Key` (or a
 * fresh one) is scoped by `scope` (route and path ids), so the same key sent to two counters or
 * two routes names two different requests.
 */
export function executeCommand(
  deps: Pick<HttpDeps, 'runtime' | 'ids'>,
  c: Context<AppEnv>,
  input: { command: Command; scope: string },
): CommandResult {
  const header = c.req.header('idempotency-key')
  const parsed = IdempotencyKey.optional().safeParse(header)
  if (!parsed.success)
    throw new HttpError(
      'VALIDATION_FAILED',
      'Invalid request: header.idempotency-key: must be 8–128 letters, digits or "._:~-"',
    )
  const idempotencyKey = `${input.scope}:${parsed.data ?? deps.ids.uuid()}`
  const result = deps.runtime.execute({ command: input.command, idempotencyKey, actor: actorOf(c) })
  c.var.log.info(
    { command: input.command.type, events: result.events.length, replayed: result.replayed },
    'command executed',
  )
  return result
}
