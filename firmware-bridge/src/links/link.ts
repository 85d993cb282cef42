/**
 * A link is the only thing that touches an OS device (design/devices.md §8.5): a serial port, a USB
 * printer class device file, a TCP 9100 socket, a HID device, or a fake in tests. Drivers speak
 * bytes through it and never open devices themselves.
 */

export type LinkKind = 'serial' | 'usb-lp' | 'tcp' | 'hid' | 'fake'

/** Why a link closed: `disconnected` when the device went away (unplugged, socat killed). */
export interface LinkCloseReason {
  readonly disconnected: boolean
  readonly message: string
}

export interface LinkEvents {
  /** Bytes from the device, in arrival order; a frame may be split across chunks. */
  data: (chunk: Uint8Array) => void
  /** The link closed by itself (not through `close()`); the supervisor reopens it. */
  close: (reason: LinkCloseReason) => void
}

export interface Link {
  readonly kind: LinkKind
  /** What to show an engineer: the by-id path, `host:port`, `vid:pid`… (never secrets). */
  readonly description: string
  readonly isOpen: boolean
  /**
   * Set when the link is one device's handle on a port shared with others (displays on one
   * RS-485 bus, `shared.ts`): the one object per port that drivers write through, so a driver
   * that serialises request/reply pairs per link serialises them across the whole bus.
   */
  readonly bus?: Link
  /** Opens the device; rejects with an Error whose message says what an engineer should check. */
  open(signal?: AbortSignal): Promise<void>
  /**
   * Writes and resolves once the bytes are handed to the OS (drained). Writes are serialised:
   * two concurrent writes never interleave their bytes.
   */
  write(data: Uint8Array): Promise<void>
  /** Closes; idempotent; does not emit `close`. */
  close(): Promise<void>
  on<E extends keyof LinkEvents>(event: E, listener: LinkEvents[E]): void
  off<E extends keyof LinkEvents>(event: E, listener: LinkEvents[E]): void
}
