import { z } from 'zod'
import { BranchId, CounterId } from '../domain/ids.js'
import { DeviceId, DeviceKind } from '../domain/devices.js'
import { PaperLevel, PrinterBlock } from '../mqtt/printer.js'
import { Timestamp } from './common.js'

/**
 * A one-time pairing code as shown on the manager dashboard: ten letters or digits (Crockford
 * base32), grouped `ABCDE-FGHJK`. Case and the dash do not matter when typed.
 */
export const PairingCode = z
  .string()
  .regex(/^[0-9A-Za-z]{5}-?[0-9A-Za-z]{5}$/, 'must be ten letters or digits, as ABCDE-FGHJK')
  .meta({ description: 'One-time pairing code, e.g. `7KQ2M-X9D4P`.' })
export type PairingCode = z.infer<typeof PairingCode>

/** `POST /api/admin/devices/pairing-codes`: a code that enrols one device of this kind. */
export const CreatePairingCodeRequest = z
  .strictObject({
    kind: DeviceKind,
    /** Shown in the device list; defaults to the kind and counter. */
    name: z.string().trim().min(1).max(80).optional(),
    /** Required for counter displays, operator terminals and button panels. */
    counterId: CounterId.optional(),
    /** The firmware bridge that will drive the device (it may then publish for it). */
    bridgeId: DeviceId.optional(),
    /** The kiosk a printer or card reader serves (an enrolled kiosk's id). */
    attachedTo: DeviceId.optional(),
  })
  .meta({ id: 'CreatePairingCodeRequest' })
export type CreatePairingCodeRequest = z.infer<typeof CreatePairingCodeRequest>

export const PairingCodeView = z
  .object({
    /** Shown once; only its hash is stored. */
    code: z.string(),
    kind: DeviceKind,
    name: z.string().nullable(),
    counterId: CounterId.nullable(),
    attachedTo: z.string().nullable(),
    expiresAt: Timestamp,
  })
  .meta({ id: 'PairingCodeView' })
export type PairingCodeView = z.infer<typeof PairingCodeView>

/** `POST /api/v1/devices/pair`: the device redeems its code once. */
export const PairRequest = z.strictObject({ code: PairingCode }).meta({ id: 'PairRequest' })
export type PairRequest = z.infer<typeof PairRequest>

/** How the device connects to the appliance's broker with its new identity. */
export const MqttConnectionInfo = z
  .object({
    /** MQTT username and client id: both are the device id. */
    username: z.string(),
    clientId: z.string(),
    /** MQTT over WebSocket on the HTTP port (browser devices). */
    wsPath: z.string(),
    /** MQTT over TCP (firmware bridges); null when the appliance serves no TCP listener. */
    tcpPort: z.number().int().nullable(),
  })
  .meta({ id: 'MqttConnectionInfo' })
export type MqttConnectionInfo = z.infer<typeof MqttConnectionInfo>

export const PairResponse = z
  .object({
    deviceId: DeviceId,
    /** The MQTT password: 256 random bits, base64url. Shown this once; store it on the device. */
    secret: z.string(),
    kind: DeviceKind,
    name: z.string(),
    counterId: CounterId.nullable(),
    branchId: BranchId,
    mqtt: MqttConnectionInfo,
  })
  .meta({ id: 'PairResponse' })
export type PairResponse = z.infer<typeof PairResponse>

export const DeviceHealth = z
  .object({
    /** Connected to the broker now. */
    connected: z.boolean(),
    /** The device's last `availability` message; `unknown` before any. */
    availability: z.enum(['online', 'offline', 'unknown']),
    bdSeq: z.number().int().nonnegative().nullable(),
    /** Why offline (`lwt`, `revoked`…), when the device said. */
    reason: z.string().nullable(),
    /** When the availability last changed. */
    since: Timestamp.nullable(),
  })
  .meta({ id: 'DeviceHealth' })
export type DeviceHealth = z.infer<typeof DeviceHealth>

/** A printer's last reported state (its retained `dev/{id}/state`), for the manager. */
export const PrinterHealth = z
  .object({
    online: z.boolean(),
    paper: PaperLevel,
    /** 0–100, estimated from the paper fed since the roll was changed. */
    paperRemainingPercent: z.number().min(0).max(100),
    /** Why it cannot print now; null when it can. */
    blockedBy: PrinterBlock.nullable(),
    ticketsPrinted: z.number().int().nonnegative(),
    reportedAt: Timestamp,
  })
  .meta({ id: 'PrinterHealth' })
export type PrinterHealth = z.infer<typeof PrinterHealth>

export const DeviceView = z
  .object({
    id: DeviceId,
    kind: DeviceKind,
    name: z.string(),
    counterId: CounterId.nullable(),
    bridgeId: z.string().nullable(),
    /** The kiosk a printer or card reader serves. */
    attachedTo: z.string().nullable(),
    createdAt: Timestamp,
    revokedAt: Timestamp.nullable(),
    /** Last connect or disconnect seen by the broker. */
    lastSeenAt: Timestamp.nullable(),
    health: DeviceHealth,
    /** Printers only: the last state the printer reported; null before any (or another kind). */
    printer: PrinterHealth.nullable(),
  })
  .meta({ id: 'DeviceView' })
export type DeviceView = z.infer<typeof DeviceView>

export const DeviceList = z.object({ devices: z.array(DeviceView) }).meta({ id: 'DeviceList' })
export type DeviceList = z.infer<typeof DeviceList>
