// Integration records and lists as the Qonversion API returns them, and the entries a file asks for: the one set of
// builders every test starts from.
import type { Wanted } from '../src/domain/plan.js'
import type { IntegrationRecord } from '../src/domain/record.js'

/** The delivery fields of a record that never delivered nor failed. */
export const NEVER_DELIVERED = {
  last_delivery_at: null,
  last_error_at: null,
  last_error_message: null,
  delivery_error_count: 0
}

/** The fields every record has, as parsed: a paused Amplitude integration for iOS. Plain data for pure tests. */
export function integration(overrides: Partial<IntegrationRecord> = {}): IntegrationRecord {
  return {
    id: 'gNl6hyM6',
    title: 'Amplitude — iOS',
    integration: 'Amplitude',
    target_platform: 'iOS',
    active: 0,
    ...overrides
  }
}

/** An integration record as the API sends it, every field set; `integration` is the provider's display title. */
export function record(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    object: 'integration',
    id: 'gNl6hyM6',
    url: '/v4/integrations/gNl6hyM6',
    title: 'Amplitude — iOS',
    integration: 'Amplitude',
    target_platform: 'iOS',
    active: 0,
    created_at: '2026-11-27T10:00:00Z',
    updated_at: '2026-11-27T10:00:00Z',
    ...NEVER_DELIVERED,
    ...overrides
  }
}

/** GET /integrations as the API answers it: one page holding `records`. */
export function list<T>(...records: T[]) {
  return { object: 'list', data: records, has_more: false }
}

/** A wanted entry as the manifest file gives it: Amplitude for iOS on line 2, no state asked for. */
export function entry(overrides: Partial<Wanted> = {}): Wanted {
  return {
    title: 'Amplitude — iOS',
    provider: 'amplitude',
    store: 'iOS',
    active: undefined,
    source: 'f.yml:2',
    ...overrides
  }
}
