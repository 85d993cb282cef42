import { createRoute } from '@hono/zod-openapi'
import { BranchLive, CounterStateList } from '@kqms/shared/api'
import { CounterId } from '@kqms/shared/domain'
import { CounterState, NowServing } from '@kqms/shared/mqtt'
import { z } from 'zod'
import { requireRole } from './auth/auth.middleware.js'
import type { HttpDeps } from './http-deps.js'
import { BEARER, createRouter, errorResponses, jsonContent } from './openapi.js'
import { toBranchLive, toCounterState, toCounterStates, toNowServing } from '../views/live.views.js'

/**
 * Snapshots of the live state for the web apps: the same payloads as the retained MQTT topics, so
 * a page starts from them and keeps polling them while it has no broker connection.
 */

const nowServing = createRoute({
  method: 'get',
  path: '/api/v1/hall/now-serving',
  tags: ['public'],
  summary: 'The last calls, newest first (the retained `hall/now-serving` payload)',
  responses: { 200: jsonContent(NowServing, 'The last calls') },
})

const counterState = createRoute({
  method: 'get',
  path: '/api/v1/counters/{counterId}/state',
  tags: ['public'],
  summary: "What a counter's display shows (the retained `counter/{id}/state` payload)",
  request: { params: z.object({ counterId: CounterId }) },
  responses: {
    200: jsonContent(CounterState, 'The counter state'),
    ...errorResponses(400, 404),
  },
})

const counters = createRoute({
  method: 'get',
  path: '/api/v1/counters',
  tags: ['public'],
  summary: 'Every counter with its current ticket and operator (to choose a counter or a display)',
  responses: { 200: jsonContent(CounterStateList, 'The counters, by label') },
})

const live = createRoute({
  method: 'get',
  path: '/api/admin/live',
  tags: ['admin'],
  summary: 'Live queues with service-level state, counters, operators and class-guarantee alerts',
  security: BEARER,
  middleware: [requireRole('manager')],
  responses: {
    200: jsonContent(BranchLive, 'The branch now'),
    ...errorResponses(401, 403),
  },
})

export function liveRoutes(deps: HttpDeps) {
  const { runtime, clock } = deps
  return createRouter()
    .openapi(nowServing, (c) => c.json(toNowServing(runtime.state(), clock.now()), 200))
    .openapi(counterState, (c) => {
      const { counterId } = c.req.valid('param')
      return c.json(toCounterState(runtime.state(), counterId, clock.now()), 200)
    })
    .openapi(counters, (c) =>
      c.json({ counters: toCounterStates(runtime.state(), clock.now()) }, 200),
    )
    .openapi(live, (c) => c.json(toBranchLive(runtime.state(), clock.now()), 200))
}
