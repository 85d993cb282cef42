import type { Logger } from 'pino'
import { maskPhone } from '@kqms/shared/cloud'
import { SIGNATURE_HEADER, signWebhook, TIMESTAMP_HEADER } from './webhook-signature.js'

/** A message ready for a provider: already rendered in the recipient's language. */
export type OutgoingMessage =
  | { channel: 'sms'; id: string; kind: string; to: string; text: string }
  | { channel: 'push'; id: string; kind: string; to: string; title: string; body: string }
  | { channel: 'email'; id: string; kind: string; to: string; subject: string; text: string }
  | {
      channel: 'webhook'
      id: string
      kind: string
      url: string
      secret: string
      body: string
      timestampSeconds: number
    }

/** A provider for one or more channels. Throwing means "retry later". */
export interface NotificationAdapter {
  send(message: OutgoingMessage): Promise<void>
}

function maskRecipient(message: OutgoingMessage): string {
  switch (message.channel) {
    case 'sms':
      return maskPhone(message.to)
    case 'email':
      return message.to.replace(/^(.).*(@.*)$/, '$1•••$2')
    case 'push':
      return `${message.to.slice(0, 6)}…`
    case 'webhook':
      return new URL(message.url).host
  }
}

/** The readable part of a message (what the recipient would see). */
function contentOf(message: OutgoingMessage): string {
  switch (message.channel) {
    case 'sms':
      return message.text
    case 'push':
      return `${message.title}: ${message.body}`
    case 'email':
      return `${message.subject}\n${message.text}`
    case 'webhook':
      return message.body
  }
}

/**
 * The default provider: the log is the delivery medium (for a demo without SMS contracts, the
 * one-time code is read from the log). Recipients are masked; webhook secrets never logged.
 */
export function createLogAdapter(log: Logger): NotificationAdapter {
  const out = log.child({ module: 'notify' })
  return {
    send(message) {
      out.info(
        {
          channel: message.channel,
          kind: message.kind,
          id: message.id,
          recipient: maskRecipient(message),
          content: contentOf(message),
        },
        'notification delivered to the log (log adapter)',
      )
      return Promise.resolve()
    },
  }
}

/** Delivers signed webhooks over HTTP(S); a non-2xx answer or a timeout is a failure (retried). */
export function createWebhookAdapter(input: {
  fetch?: typeof fetch
  timeoutMs?: number
}): NotificationAdapter {
  const doFetch = input.fetch ?? fetch
  return {
    async send(message) {
      if (message.channel !== 'webhook')
        throw new Error(`webhook adapter cannot send ${message.channel}`)
      const response = await doFetch(message.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'kqms-cloud-webhooks/1',
          [TIMESTAMP_HEADER]: String(message.timestampSeconds),
          [SIGNATURE_HEADER]: signWebhook({
            secret: message.secret,
            timestampSeconds: message.timestampSeconds,
            body: message.body,
          }),
          'x-kqms-delivery': message.id,
        },
        body: message.body,
        signal: AbortSignal.timeout(input.timeoutMs ?? 10_000),
        redirect: 'manual',
      })
      await response.body?.cancel()
      if (response.status < 200 || response.status >= 300)
        throw new Error(`webhook answered HTTP ${response.status}`)
    },
  }
}
