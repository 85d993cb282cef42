import { isDomainError } from '@kqms/shared/errors'
import type { Command } from '../domain/commands.js'
import { decide } from '../domain/decide.js'
import { toLocalTime } from '../domain/calendar.js'
import type { UseCaseDeps } from './ports.js'

/**
 * Timer-driven commands: called tickets nobody came for become no-shows, and the business day is
 * closed at the configured local time. Runs a command only when the engine says it would change
 * something, so an idle branch writes nothing.
 */
export function runHousekeeping(deps: UseCaseDeps, options: { dayCloseAt: string }): void {
  const { runtime, clock, log } = deps
  const now = clock.now()
  const state = runtime.state()
  const commands: { command: Command; key: string }[] = [
    { command: { type: 'ExpireNoShows' }, key: `timer:no-shows:${now}` },
  ]
  if (state.day !== null && state.branch) {
    const local = toLocalTime(now, state.branch.timeZone)
    if (local.day > state.day || (local.day === state.day && local.time >= options.dayCloseAt))
      commands.push({ command: { type: 'CloseDay' }, key: `timer:close-day:${state.day}:${now}` })
  }
  for (const { command, key } of commands) {
    try {
      if (decide(runtime.state(), command, now).length === 0) continue
      const result = runtime.execute({ command, idempotencyKey: key, actor: { kind: 'system' } })
      log.info({ command: command.type, events: result.events.length }, 'housekeeping')
    } catch (error) {
      if (isDomainError(error))
        log.warn({ command: command.type, code: error.code }, 'housekeeping refused')
      else log.error({ err: error, command: command.type }, 'housekeeping failed')
    }
  }
}

export function startHousekeeping(
  deps: UseCaseDeps,
  options: { dayCloseAt: string; everyMs: number },
): { stop(): void } {
  const timer = setInterval(() => runHousekeeping(deps, options), options.everyMs)
  timer.unref()
  return { stop: () => clearInterval(timer) }
}
