#!/usr/bin/env node
// `kqms-edge`: the branch appliance. Runs the TypeScript sources through tsx's loader in this
// process (no fork), so systemd's signals reach the appliance itself.
import { register } from 'tsx/esm/api'

register()
await import('../src/main.ts')
