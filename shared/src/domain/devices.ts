import { z } from 'zod'

/** Devices of a branch: each an enrolled identity of the appliance's broker. */

const STAFF_PREFIX = 'staff-'

/** The kinds of device the appliance enrols. */
export const DeviceKind = z.enum([
  'kiosk',
  'hall-display',
  'counter-display',
  'operator-terminal',
  'printer',
  'card-reader',
  'button-panel',
  'firmware-bridge',
])
export type DeviceKind = z.infer<typeof DeviceKind>
export const DEVICE_KINDS: readonly DeviceKind[] = DeviceKind.options

/** Kinds that belong to one counter (pairing them needs a `counterId`). */
export const COUNTER_BOUND_KINDS: readonly DeviceKind[] = [
  'counter-display',
  'operator-terminal',
  'button-panel',
]

/**
 * A device id: lower-case letters, digits and `-` (the Homie rule, so it is safe in a topic),
 * 3–64 characters, never starting with `staff-` (that prefix names staff browser apps). It is the
 * device's MQTT client id and username.
 */
export const DeviceId = z
  .string()
  .min(3)
  .max(64)
  .regex(/^[a-z0-9][a-z0-9-]*$/, 'must be lower-case letters, digits or "-"')
  .refine((s) => !s.startsWith(STAFF_PREFIX), 'must not start with "staff-"')
  .brand<'DeviceId'>()
export type DeviceId = z.infer<typeof DeviceId>
