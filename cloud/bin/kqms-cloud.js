#!/usr/bin/env node
// `kqms-cloud`: the bank's central service. Runs the TypeScript sources through tsx's loader in
// this process (no fork), so systemd's signals reach the service itself.
import { register } from 'tsx/esm/api'

register()
await import('../src/main.ts')
