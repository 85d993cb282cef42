import { TOTP } from 'otpauth'
import { DEMO_ADMIN_TOTP_SECRET } from './demo.js'

/** The demo administrator's current second-factor code (`pnpm demo:totp`, the start banner). */
export function demoAdminTotpCode(timestamp: number): string {
  return new TOTP({ secret: DEMO_ADMIN_TOTP_SECRET, digits: 6, period: 30 }).generate({ timestamp })
}
