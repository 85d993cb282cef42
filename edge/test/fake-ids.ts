import type { IdSource } from '../src/usecases/ports.js'

/**
 * Deterministic, valid UUIDv7-shaped ids in increasing order: `…-7000-8000-000000000001`, `…02`, …
 * Give two sources different `block`s when both feed one database.
 */
export function fakeIds(block = 0): IdSource & { readonly issued: () => number } {
  let n = 0
  const prefix = block.toString(16).padStart(8, '0')
  return {
    uuid: () => `${prefix}-0000-7000-8000-${(++n).toString(16).padStart(12, '0')}`,
    issued: () => n,
  }
}
