import { createRoute } from '@hono/zod-openapi'
import {
  BranchUpdate,
  CounterList,
  CounterUpdate,
  CreateUserRequest,
  DayCloseResult,
  EmptyRequest,
  OperatorList,
  OperatorUpdate,
  OperatorView,
  PolicyUpdate,
  ServiceList,
  ServiceUpdate,
  UserList,
  UserView,
} from '@kqms/shared/api'
import {
  Branch,
  Counter,
  CounterId,
  OperatorId,
  PriorityPolicy,
  Service,
  ServiceId,
} from '@kqms/shared/domain'
import { DomainError } from '@kqms/shared/errors'
import { z } from 'zod'
import { listUsers } from '../db/user.store.js'
import type { QueueState } from '../domain/state.js'
import { requireRole } from './auth/auth.middleware.js'
import { createUser, toUserView } from './auth/users.js'
import { toPresenceView } from '../views/counter.views.js'
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

/**
 * Branch administration. Reads and operator changes need a manager; configuration needs an admin.
 * Every change goes through the runtime as a Configure* command, so it is an event like any other.
 */

const manager = { security: BEARER, middleware: [requireRole('manager')] }
const admin = { security: BEARER, middleware: [requireRole('admin')] }
const READ_ERRORS = [400, 401, 403, 404] as const
const WRITE_ERRORS = [...BODY_ERRORS, 401, 403, 404, 409, 422] as const

const get = <TSchema extends z.ZodType>(schema: TSchema, description: string) => ({
  200: jsonContent(schema, description),
  ...errorResponses(...READ_ERRORS),
})
const put = <TSchema extends z.ZodType>(schema: TSchema, description: string) => ({
  200: jsonContent(schema, description),
  ...errorResponses(...WRITE_ERRORS),
})

const ServiceParams = z.object({ id: ServiceId })
const CounterParams = z.object({ id: CounterId })
const OperatorParams = z.object({ id: OperatorId })

const listServices = createRoute({
  ...manager,
  method: 'get',
  path: '/api/admin/services',
  tags: ['admin'],
  summary: 'All services, active or not',
  responses: get(ServiceList, 'The services'),
})
const getService = createRoute({
  ...manager,
  method: 'get',
  path: '/api/admin/services/{id}',
  tags: ['admin'],
  summary: 'One service',
  request: { params: ServiceParams },
  responses: get(Service, 'The service'),
})
const putService = createRoute({
  ...admin,
  method: 'put',
  path: '/api/admin/services/{id}',
  tags: ['admin'],
  summary: 'Create or replace a service',
  request: { params: ServiceParams, headers: IdempotencyHeaders, body: jsonBody(ServiceUpdate) },
  responses: put(Service, 'The service as configured'),
})
const getPolicy = createRoute({
  ...manager,
  method: 'get',
  path: '/api/admin/priority-policy',
  tags: ['admin'],
  summary: 'The priority policy: class weights, aging, maximum waits, recall rules',
  responses: get(PriorityPolicy, 'The policy'),
})
const putPolicy = createRoute({
  ...admin,
  method: 'put',
  path: '/api/admin/priority-policy',
  tags: ['admin'],
  summary: 'Replace the priority policy',
  request: { headers: IdempotencyHeaders, body: jsonBody(PolicyUpdate) },
  responses: put(PriorityPolicy, 'The policy as configured'),
})
const listCounters = createRoute({
  ...manager,
  method: 'get',
  path: '/api/admin/counters',
  tags: ['admin'],
  summary: 'All counters',
  responses: get(CounterList, 'The counters'),
})
const getCounter = createRoute({
  ...manager,
  method: 'get',
  path: '/api/admin/counters/{id}',
  tags: ['admin'],
  summary: 'One counter',
  request: { params: CounterParams },
  responses: get(Counter, 'The counter'),
})
const putCounter = createRoute({
  ...admin,
  method: 'put',
  path: '/api/admin/counters/{id}',
  tags: ['admin'],
  summary: 'Create or replace a counter',
  request: { params: CounterParams, headers: IdempotencyHeaders, body: jsonBody(CounterUpdate) },
  responses: put(Counter, 'The counter as configured'),
})
const listOperators = createRoute({
  ...manager,
  method: 'get',
  path: '/api/admin/operators',
  tags: ['admin'],
  summary: 'All operators with their skills and presence',
  responses: get(OperatorList, 'The operators'),
})
const getOperator = createRoute({
  ...manager,
  method: 'get',
  path: '/api/admin/operators/{id}',
  tags: ['admin'],
  summary: 'One operator with skills and presence',
  request: { params: OperatorParams },
  responses: get(OperatorView, 'The operator'),
})
const putOperator = createRoute({
  ...manager,
  method: 'put',
  path: '/api/admin/operators/{id}',
  tags: ['admin'],
  summary: 'Create or replace an operator (skills matrix: serviceId → level 1|2|3)',
  request: { params: OperatorParams, headers: IdempotencyHeaders, body: jsonBody(OperatorUpdate) },
  responses: put(OperatorView, 'The operator as configured'),
})
const getBranch = createRoute({
  ...manager,
  method: 'get',
  path: '/api/admin/branch',
  tags: ['admin'],
  summary: 'The branch configuration',
  responses: get(Branch, 'The branch'),
})
const putBranch = createRoute({
  ...admin,
  method: 'put',
  path: '/api/admin/branch',
  tags: ['admin'],
  summary: 'Configure the branch: names, address, IANA time zone, opening hours',
  request: { headers: IdempotencyHeaders, body: jsonBody(BranchUpdate) },
  responses: put(Branch, 'The branch as configured'),
})
const createUserRoute = createRoute({
  ...admin,
  method: 'post',
  path: '/api/admin/users',
  tags: ['admin'],
  summary: 'Create a staff account with a password or PIN',
  request: { body: jsonBody(CreateUserRequest) },
  responses: {
    201: jsonContent(UserView, 'The account'),
    ...errorResponses(...WRITE_ERRORS),
  },
})
const listUsersRoute = createRoute({
  ...admin,
  method: 'get',
  path: '/api/admin/users',
  tags: ['admin'],
  summary: 'All staff accounts (never their secrets)',
  responses: get(UserList, 'The accounts'),
})
const closeDay = createRoute({
  ...manager,
  method: 'post',
  path: '/api/admin/day/close',
  tags: ['admin'],
  summary: 'Close the business day now: open tickets expire, numbering restarts',
  request: { headers: IdempotencyHeaders, body: jsonBody(EmptyRequest, { required: false }) },
  responses: put(DayCloseResult, 'What was closed'),
})

const notFound = (what: string): never => {
  throw new DomainError('NOT_FOUND', `No ${what}`)
}

function operatorView(state: QueueState, id: OperatorId): OperatorView {
  const operator = state.operators.get(id) ?? notFound(`operator ${id}`)
  const presence = toPresenceView(state, id) ?? notFound(`operator ${id}`)
  return { operator, presence }
}

export function adminRoutes(deps: HttpDeps) {
  const { runtime } = deps
  const state = () => runtime.state()

  return createRouter()
    .openapi(listServices, (c) => c.json({ services: [...state().services.values()] }, 200))
    .openapi(getService, (c) => {
      const { id } = c.req.valid('param')
      return c.json(state().services.get(id) ?? notFound(`service ${id}`), 200)
    })
    .openapi(putService, (c) => {
      const { id } = c.req.valid('param')
      const service: Service = { ...c.req.valid('json'), id }
      executeCommand(deps, c, {
        scope: `admin:service:${id}`,
        command: { type: 'ConfigureService', service },
      })
      return c.json(state().services.get(id) ?? notFound(`service ${id}`), 200)
    })
    .openapi(getPolicy, (c) => c.json(state().policy, 200))
    .openapi(putPolicy, (c) => {
      const policy = c.req.valid('json')
      executeCommand(deps, c, {
        scope: 'admin:policy',
        command: { type: 'ConfigurePolicy', policy },
      })
      return c.json(state().policy, 200)
    })
    .openapi(listCounters, (c) => c.json({ counters: [...state().counters.values()] }, 200))
    .openapi(getCounter, (c) => {
      const { id } = c.req.valid('param')
      return c.json(state().counters.get(id) ?? notFound(`counter ${id}`), 200)
    })
    .openapi(putCounter, (c) => {
      const { id } = c.req.valid('param')
      const counter: Counter = { ...c.req.valid('json'), id }
      executeCommand(deps, c, {
        scope: `admin:counter:${id}`,
        command: { type: 'ConfigureCounter', counter },
      })
      return c.json(state().counters.get(id) ?? notFound(`counter ${id}`), 200)
    })
    .openapi(listOperators, (c) => {
      const current = state()
      const operators = [...current.operators.keys()].map((id) => operatorView(current, id))
      return c.json({ operators }, 200)
    })
    .openapi(getOperator, (c) => {
      const { id } = c.req.valid('param')
      return c.json(operatorView(state(), id), 200)
    })
    .openapi(putOperator, (c) => {
      const { id } = c.req.valid('param')
      const operator = { ...c.req.valid('json'), id }
      executeCommand(deps, c, {
        scope: `admin:operator:${id}`,
        command: { type: 'ConfigureOperator', operator },
      })
      return c.json(operatorView(state(), id), 200)
    })
    .openapi(getBranch, (c) => c.json(state().branch ?? notFound('branch configured yet'), 200))
    .openapi(putBranch, (c) => {
      const branch = c.req.valid('json')
      const current = state().branch
      if (current && current.id !== branch.id)
        throw new DomainError('CONFLICT', `This appliance serves branch ${current.id}`)
      executeCommand(deps, c, {
        scope: 'admin:branch',
        command: { type: 'ConfigureBranch', branch },
      })
      return c.json(state().branch ?? notFound('branch configured yet'), 200)
    })
    .openapi(createUserRoute, async (c) => {
      const body = c.req.valid('json')
      const operatorId = body.operatorId ?? null
      if (operatorId !== null && !state().operators.has(operatorId))
        notFound(`operator ${operatorId}`)
      const user = await createUser(
        { ...deps, database: deps.db },
        {
          login: body.login,
          displayName: body.displayName,
          role: body.role,
          secret: body.password ?? body.pin ?? '',
          operatorId,
        },
      )
      c.var.log.info({ userId: user.id, role: user.role }, 'staff account created')
      return c.json(user, 201)
    })
    .openapi(listUsersRoute, (c) => c.json({ users: listUsers(deps.db.db).map(toUserView) }, 200))
    .openapi(closeDay, (c) => {
      const result = executeCommand(deps, c, {
        scope: 'admin:day-close',
        command: { type: 'CloseDay' },
      })
      const closed = result.events.find((e) => e.event.type === 'DayClosedV1')?.event
      if (closed?.type !== 'DayClosedV1')
        return c.json({ closed: false, day: null, expiredTickets: 0 }, 200)
      return c.json(
        { closed: true, day: closed.day, expiredTickets: closed.expiredTicketIds.length },
        200,
      )
    })
}
