import type { Logger } from 'pino'
import type { StaffPrincipal } from '../usecases/staff-auth.js'

/** Hono environment of every route: what middleware puts in `c.var`. */
export interface AppEnv {
  Variables: {
    requestId: string
    log: Logger
    /** Set on `/api/admin/*` (except sign-in) by `loadStaff`: the signed-in staff member. */
    staff: StaffPrincipal | undefined
  }
}
