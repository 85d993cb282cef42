import { createRoute } from '@hono/zod-openapi'
import {
  CallResult,
  CallTicketRequest,
  CounterView,
  EmptyRequest,
  FinishRequest,
  PauseRequest,
  RedirectRequest,
  ResumeParkedRequest,
  SignInRequest,
  TransferRequest,
} from '@kqms/shared/api'
import { CounterId, type OperatorId } from '@kqms/shared/domain'
import { DomainError } from '@kqms/shared/errors'
import type { Context } from 'hono'
import { z } from 'zod'
import type { Command } from '../domain/commands.js'
import type { QueueState } from '../domain/state.js'
import type { CommandResult } from '../usecases/ports.js'
import type { AppEnv, Session } from './app-env.js'
import { requireRole, requireSession } from './auth/auth.middleware.js'
import { hasRole } from './auth/staff-sessions.js'
import {
  currentTicketAt,
  operatorAtCounter,
  toCounterView,
  toStaffTicketView,
} from '../views/counter.views.js'
import { HttpError } from './errors.js'
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

const CounterParams = z.object({ counterId: CounterId })

const ACTION_ERRORS = [...BODY_ERRORS, 401, 403, 404, 409, 422] as const

const action = {
  method: 'post' as const,
  tags: ['counters'],
  security: BEARER,
  middleware: [requireRole('operator')],
}

const request = <TBody extends z.ZodType>(body: TBody, required = true) => ({
  params: CounterParams,
  headers: IdempotencyHeaders,
  body: jsonBody(body, { required }),
})
const noBody = request(EmptyRequest, false)

const counterViewResponse = {
  200: jsonContent(CounterView, 'The counter after the action'),
  ...errorResponses(...ACTION_ERRORS),
}
const callResponse = {
  200: jsonContent(CallResult, 'The called ticket and why it was chosen, or an empty queue'),
  ...errorResponses(...ACTION_ERRORS),
}

const view = createRoute({
  method: 'get',
  path: '/api/v1/counters/{counterId}',
  tags: ['counters'],
  summary: 'The counter: current ticket and timer, operator presence, tickets it may call',
  security: BEARER,
  middleware: [requireRole('operator')],
  request: { params: CounterParams },
  responses: {
    200: jsonContent(CounterView, 'The counter'),
    ...errorResponses(400, 401, 403, 404),
  },
})

const signIn = createRoute({
  ...action,
  path: '/api/v1/counters/{counterId}/sign-in',
  summary: 'Sign in at this counter (as the operator linked to the account)',
  request: request(SignInRequest, false),
  responses: counterViewResponse,
})
const signOut = createRoute({
  ...action,
  path: '/api/v1/counters/{counterId}/sign-out',
  summary: 'Sign out of this counter',
  request: noBody,
  responses: counterViewResponse,
})
const pause = createRoute({
  ...action,
  path: '/api/v1/counters/{counterId}/pause',
  summary: 'Pause work with a reason',
  request: request(PauseRequest),
  responses: counterViewResponse,
})
const resume = createRoute({
  ...action,
  path: '/api/v1/counters/{counterId}/resume',
  summary: 'Resume work after a pause',
  request: noBody,
  responses: counterViewResponse,
})
const callNext = createRoute({
  ...action,
  path: '/api/v1/counters/{counterId}/call-next',
  summary: 'Call the best waiting ticket for this operator (records why)',
  request: noBody,
  responses: callResponse,
})
const call = createRoute({
  ...action,
  path: '/api/v1/counters/{counterId}/call',
  summary: 'Call a specific waiting ticket',
  request: request(CallTicketRequest),
  responses: callResponse,
})
const recall = createRoute({
  ...action,
  path: '/api/v1/counters/{counterId}/recall',
  summary: 'Call the current ticket again (after the maximum recalls: no-show)',
  request: noBody,
  responses: counterViewResponse,
})
const start = createRoute({
  ...action,
  path: '/api/v1/counters/{counterId}/start',
  summary: 'The customer arrived: start serving the called ticket',
  request: noBody,
  responses: counterViewResponse,
})
const finish = createRoute({
  ...action,
  path: '/api/v1/counters/{counterId}/finish',
  summary: 'Finish serving the current ticket with an outcome',
  request: request(FinishRequest),
  responses: counterViewResponse,
})
const noShow = createRoute({
  ...action,
  path: '/api/v1/counters/{counterId}/no-show',
  summary: 'The called customer did not come',
  request: noBody,
  responses: counterViewResponse,
})
const transfer = createRoute({
  ...action,
  path: '/api/v1/counters/{counterId}/transfer',
  summary: "Move the counter's ticket to another service (and optionally operator)",
  request: request(TransferRequest),
  responses: counterViewResponse,
})
const redirect = createRoute({
  ...action,
  path: '/api/v1/counters/{counterId}/redirect',
  summary: 'Finish this step and send the ticket on to the next service of the visit',
  request: request(RedirectRequest),
  responses: counterViewResponse,
})
const park = createRoute({
  ...action,
  path: '/api/v1/counters/{counterId}/park',
  summary: "Put the counter's ticket on hold",
  request: noBody,
  responses: counterViewResponse,
})
const resumeParked = createRoute({
  ...action,
  path: '/api/v1/counters/{counterId}/resume-parked',
  summary: 'Call back a ticket this operator parked',
  request: request(ResumeParkedRequest),
  responses: callResponse,
})

/** 404 for an unknown counter, before any permission question. */
function requireCounter(state: QueueState, counterId: CounterId): void {
  if (!state.counters.has(counterId)) throw new DomainError('NOT_FOUND', `No counter ${counterId}`)
}

/** Operators act only where they are signed in; managers and admins anywhere. */
function authorizeAtCounter(state: QueueState, session: Session, counterId: CounterId): void {
  if (hasRole(session.user.role, 'manager')) return
  const operatorId = session.user.operatorId
  const presence = operatorId === null ? undefined : state.presence.get(operatorId)
  if (!presence || presence.status === 'offline' || presence.counterId !== counterId)
    throw new HttpError('FORBIDDEN', `You are not signed in at counter ${counterId}`)
}

function requireOperatorAt(state: QueueState, counterId: CounterId): OperatorId {
  const operatorId = operatorAtCounter(state, counterId)
  if (operatorId === null)
    throw new DomainError('OPERATOR_NOT_SIGNED_IN', `Nobody is signed in at counter ${counterId}`)
  return operatorId
}

function requireCurrentTicket(state: QueueState, counterId: CounterId) {
  const ticket = currentTicketAt(state, counterId)
  if (!ticket) throw new DomainError('INVALID_TRANSITION', `No ticket at counter ${counterId}`)
  return ticket
}

/** Who signs in: the account's own operator; a manager may name another. */
function operatorToSignIn(session: Session, requested: OperatorId | undefined): OperatorId {
  const own = session.user.operatorId
  if (requested !== undefined && requested !== own && !hasRole(session.user.role, 'manager'))
    throw new HttpError('FORBIDDEN', 'Operators sign in only as themselves')
  const operatorId = requested ?? own
  if (operatorId === null)
    throw new HttpError(
      'VALIDATION_FAILED',
      'Invalid request: body.operatorId: required, the account is not linked to an operator',
    )
  return operatorId
}

export function counterRoutes(deps: HttpDeps) {
  const { runtime, clock } = deps

  /** Checks the counter and the caller's right to act there, then runs the command. */
  const act = (
    c: Context<AppEnv>,
    counterId: CounterId,
    input: { action: string; toCommand: (state: QueueState, session: Session) => Command | null },
  ): CommandResult | null => {
    const session = requireSession(c)
    const state = runtime.state()
    requireCounter(state, counterId)
    if (input.action !== 'sign-in') authorizeAtCounter(state, session, counterId)
    const command = input.toCommand(state, session)
    if (command === null) return null
    return executeCommand(deps, c, { command, scope: `counter:${counterId}:${input.action}` })
  }
  const counterView = (counterId: CounterId) =>
    toCounterView(runtime.state(), counterId, clock.now())

  /** The call this command made (or made the first time, for a replay), else an empty queue. */
  const toCallResult = (result: CommandResult | null): CallResult => {
    const called = result?.events.find(
      (e) => e.event.type === 'TicketCalledV1' || e.event.type === 'TicketResumedV1',
    )?.event
    if (called?.type !== 'TicketCalledV1' && called?.type !== 'TicketResumedV1')
      return { outcome: 'queue_empty' }
    const ticket = runtime.state().tickets.get(called.ticketId)
    if (!ticket) return { outcome: 'queue_empty' }
    return {
      outcome: 'called',
      ticket: toStaffTicketView(ticket),
      reason: called.type === 'TicketCalledV1' ? called.reason : null,
    }
  }

  return createRouter()
    .openapi(view, (c) => {
      const { counterId } = c.req.valid('param')
      return c.json(counterView(counterId), 200)
    })
    .openapi(signIn, (c) => {
      const { counterId } = c.req.valid('param')
      const { operatorId } = c.req.valid('json')
      act(c, counterId, {
        action: 'sign-in',
        toCommand: (_, session) => ({
          type: 'SignIn',
          operatorId: operatorToSignIn(session, operatorId),
          counterId,
        }),
      })
      return c.json(counterView(counterId), 200)
    })
    .openapi(signOut, (c) => {
      const { counterId } = c.req.valid('param')
      act(c, counterId, {
        action: 'sign-out',
        toCommand: (state) => {
          const operatorId = operatorAtCounter(state, counterId)
          return operatorId === null ? null : { type: 'SignOut', operatorId }
        },
      })
      return c.json(counterView(counterId), 200)
    })
    .openapi(pause, (c) => {
      const { counterId } = c.req.valid('param')
      const { reason } = c.req.valid('json')
      act(c, counterId, {
        action: 'pause',
        toCommand: (state) => ({
          type: 'Pause',
          operatorId: requireOperatorAt(state, counterId),
          reason,
        }),
      })
      return c.json(counterView(counterId), 200)
    })
    .openapi(resume, (c) => {
      const { counterId } = c.req.valid('param')
      act(c, counterId, {
        action: 'resume',
        toCommand: (state) => ({ type: 'Resume', operatorId: requireOperatorAt(state, counterId) }),
      })
      return c.json(counterView(counterId), 200)
    })
    .openapi(callNext, (c) => {
      const { counterId } = c.req.valid('param')
      const result = act(c, counterId, {
        action: 'call-next',
        toCommand: () => ({ type: 'CallNext', counterId }),
      })
      return c.json(toCallResult(result), 200)
    })
    .openapi(call, (c) => {
      const { counterId } = c.req.valid('param')
      const { ticketId } = c.req.valid('json')
      const result = act(c, counterId, {
        action: 'call',
        toCommand: () => ({ type: 'CallTicket', counterId, ticketId }),
      })
      return c.json(toCallResult(result), 200)
    })
    .openapi(recall, (c) => {
      const { counterId } = c.req.valid('param')
      act(c, counterId, { action: 'recall', toCommand: () => ({ type: 'Recall', counterId }) })
      return c.json(counterView(counterId), 200)
    })
    .openapi(start, (c) => {
      const { counterId } = c.req.valid('param')
      act(c, counterId, { action: 'start', toCommand: () => ({ type: 'StartService', counterId }) })
      return c.json(counterView(counterId), 200)
    })
    .openapi(finish, (c) => {
      const { counterId } = c.req.valid('param')
      const { outcome } = c.req.valid('json')
      act(c, counterId, {
        action: 'finish',
        toCommand: () => ({ type: 'Finish', counterId, outcome }),
      })
      return c.json(counterView(counterId), 200)
    })
    .openapi(noShow, (c) => {
      const { counterId } = c.req.valid('param')
      act(c, counterId, { action: 'no-show', toCommand: () => ({ type: 'MarkNoShow', counterId }) })
      return c.json(counterView(counterId), 200)
    })
    .openapi(transfer, (c) => {
      const { counterId } = c.req.valid('param')
      const body = c.req.valid('json')
      act(c, counterId, {
        action: 'transfer',
        toCommand: (state) => ({
          type: 'Transfer',
          ticketId: requireCurrentTicket(state, counterId).id,
          toServiceId: body.toServiceId,
          toOperatorId: body.toOperatorId ?? null,
          keepPlace: body.keepPlace,
        }),
      })
      return c.json(counterView(counterId), 200)
    })
    .openapi(redirect, (c) => {
      const { counterId } = c.req.valid('param')
      const body = c.req.valid('json')
      act(c, counterId, {
        action: 'redirect',
        toCommand: () => ({
          type: 'Redirect',
          counterId,
          outcome: body.outcome,
          toServiceId: body.toServiceId ?? null,
          keepPlace: body.keepPlace,
        }),
      })
      return c.json(counterView(counterId), 200)
    })
    .openapi(park, (c) => {
      const { counterId } = c.req.valid('param')
      act(c, counterId, { action: 'park', toCommand: () => ({ type: 'Park', counterId }) })
      return c.json(counterView(counterId), 200)
    })
    .openapi(resumeParked, (c) => {
      const { counterId } = c.req.valid('param')
      const { ticketId } = c.req.valid('json')
      const result = act(c, counterId, {
        action: 'resume-parked',
        toCommand: () => ({ type: 'ResumeParked', counterId, ticketId }),
      })
      return c.json(toCallResult(result), 200)
    })
}
