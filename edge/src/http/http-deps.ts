import type { EdgeDatabase } from '../db/open-database.js'
import type { UseCaseDeps } from '../usecases/ports.js'
import type { Metrics } from './metrics.js'

export interface HttpConfig {
  /** Sliding expiry of staff sessions (default 30). */
  readonly sessionTtlMinutes: number
  /** Largest request body accepted (default 16 KiB). */
  readonly maxBodyBytes: number
  /** Base of links handed to customers (the status URL on a ticket), e.g. `http://10.0.0.2:8080`. */
  readonly publicBaseUrl: string
}

export const DEFAULT_HTTP_CONFIG: HttpConfig = {
  sessionTtlMinutes: 30,
  maxBodyBytes: 16 * 1024,
  publicBaseUrl: 'http://localhost:8080',
}

/** Everything the HTTP layer needs; `edge/src/app.ts` composes it. */
export type HttpDeps = UseCaseDeps & {
  readonly db: EdgeDatabase
  readonly metrics: Metrics
  readonly config: HttpConfig
}
