// What the API holds, as the rest of the action reads it: an integration record and a provider catalog entry.
// The zod schemas in qonversion/schemas.ts read the wire into these shapes (checked with `satisfies`).
import type { Store } from './vocabulary.js'

/**
 * One integration as the API describes it. Its text is kept exactly as sent (compared with what is wanted and
 * handed on in outputs); printing it neutralises it. Unknown extra fields are kept: the API may add some.
 */
export interface IntegrationRecord {
  object?: 'integration'
  id: string
  url?: string
  title: string
  /** The provider's display title. */
  integration: string
  target_platform: Store
  /** 0 paused, 1 active, 2 suspended by the delivery worker (any other number: a state the docs do not name). */
  active: number
  created_at?: string | null
  updated_at?: string | null
  /** ISO 8601, or null when absent or unreadable. */
  last_delivery_at?: string | null
  last_error_at?: string | null
  last_error_message?: string | null
  delivery_error_count?: number | null
  [field: string]: unknown
}

/** One provider of the catalog: its slug, and what the catalog says of it when it says anything. */
export interface CatalogEntry {
  slug: string
  title?: string
  allowedStores?: string[]
}
