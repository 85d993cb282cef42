/** `pnpm demo:totp`: the demo cloud administrator's current second-factor code (demo only). */
import { demoAdminTotpCode } from '../cloud/src/demo-totp.js'

process.stdout.write(`${demoAdminTotpCode(Date.now())}\n`)
