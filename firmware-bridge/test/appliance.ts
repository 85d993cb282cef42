import type { MqttClient } from 'mqtt'

/**
 * The real appliance (edge/test/test-edge.ts: `startEdge` in-process with its aedes broker, the
 * device registry and ACL), loaded by a computed specifier: it lives in another package of the
 * workspace, outside this project's `rootDir`, so only the parts used here are typed.
 */
export interface RegistryLike {
  readonly branchId: string
  enrol(input: {
    id: string
    kind: string
    name: string
    counterId: string | null
    bridgeId?: string | null
    secret: string
  }): Promise<unknown>
  presence(id: string): { connected: boolean; availability: string; bdSeq: number | null }
}

export interface BrokerLike {
  readonly tcpPort: number | null
  publish(topic: string, payload: unknown, options: { retain: boolean }): Promise<void>
  subscribe(
    filter: string,
    handler: (topic: string, payload: Buffer) => void,
  ): Promise<() => Promise<void>>
}

export interface TestEdgeLike extends AsyncDisposable {
  readonly edge: {
    readonly url: string
    readonly mqttTcpPort: number | null
    readonly devices: RegistryLike
    readonly broker: BrokerLike
  }
  readonly branchId: string
  connect(options: { clientId: string; password?: string }): Promise<MqttClient>
  demoSecret(deviceId: string): string
}

const TEST_EDGE = new URL('../../edge/test/test-edge.ts', import.meta.url).href

export async function startAppliance(): Promise<TestEdgeLike> {
  const module = (await import(/* @vite-ignore */ TEST_EDGE)) as {
    startTestEdge(options?: object): Promise<TestEdgeLike>
  }
  return module.startTestEdge()
}

export interface Observed {
  readonly topic: string
  /** The topic after `kqms/v1/{branch}/`. */
  readonly short: string
  readonly payload: Record<string, unknown> | null
  readonly at: number
}

/** Everything published under the branch's `dev/#`, seen by the core in-process (no ACL). */
export async function observeDevices(
  edge: TestEdgeLike,
): Promise<{ seen: Observed[]; stop: () => Promise<void> }> {
  const seen: Observed[] = []
  const prefix = `kqms/v1/${edge.branchId}/`
  const stop = await edge.edge.broker.subscribe(`${prefix}dev/#`, (topic, payload) => {
    let parsed: Record<string, unknown> | null = null
    try {
      parsed =
        payload.length === 0
          ? null
          : (JSON.parse(payload.toString('utf8')) as Record<string, unknown>)
    } catch {
      parsed = null
    }
    seen.push({ topic, short: topic.slice(prefix.length), payload: parsed, at: Date.now() })
  })
  return { seen, stop }
}

/** Waits until `condition` holds (polling), or fails after `timeoutMs`. */
export async function eventually(
  condition: () => boolean,
  input: { timeoutMs?: number; what?: string } = {},
): Promise<void> {
  const started = Date.now()
  while (!condition()) {
    if (Date.now() - started > (input.timeoutMs ?? 5_000))
      throw new Error(`not in time: ${input.what ?? 'condition'}`)
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

export const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
