#!/usr/bin/env node
// `kqms-bridge`: the firmware bridge. Runs the TypeScript sources through tsx's loader in this
// process (no fork), so systemd's signals reach the bridge itself.
import { register } from 'tsx/esm/api'

register()
await import('../src/main.ts')
