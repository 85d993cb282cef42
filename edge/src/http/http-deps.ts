import type { AppointmentCheckInConfig } from '../config.js'
import type { Speech } from '../audio/speech.js'
import type { EdgeDatabase } from '../db/open-database.js'
import type { CardReads } from '../usecases/card-reads.js'
import type { DeviceRegistry } from '../usecases/device-registry.js'
import type { PrintJobs } from '../usecases/print-jobs.js'
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
  /** Renders hall announcements; default: espeak-ng without a disk cache. */
  readonly speech?: Speech
  /** The built web apps; default `edge/ui/dist`. */
  readonly uiDistDir?: string
  /** The device registry; by default one over `db` (the appliance passes the broker's). */
  readonly devices?: DeviceRegistry
  /** The broker's TCP port, told to devices when they pair; null or absent: none. */
  readonly mqttTcpPort?: number | null
  /** Ticket printing through firmware bridges; absent: no printer is reachable. */
  readonly printing?: Pick<PrintJobs, 'print' | 'status'>
  /** Card reads relayed to kiosks; absent: a `cardReadId` is unknown. */
  readonly cardReads?: CardReads
  /** Appointment QR check-in (keys, arrival window); absent or no keys: unavailable. */
  readonly appointments?: AppointmentCheckInConfig
}
