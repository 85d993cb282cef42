/**
 * The cloud service's HTTP contract (`@kqms/shared/cloud`): zod schemas of every request and
 * response of the public API (`/api/v1/…`) and the administration API (`/api/admin/…`), shared by
 * the cloud, its console and (later) the appliance's sync client.
 */
export * from './common.js'
export * from './public.js'
export * from './admin.js'
