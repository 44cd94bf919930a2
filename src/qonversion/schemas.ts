// Shapes of what the Qonversion v4 API answers, read tolerantly where its docs are vague.
import { z } from 'zod'
import { instant } from '../health.js'
import { STORES } from '../inputs.js'
import { neutralise } from './untrusted.js'

/** Every string a record carries is server text: neutralised (controls escaped, length capped) as it is read. */
const text = (max: number) => z.string().transform((value) => neutralise(value, max))
const nullableText = text(1000).nullable().optional()

const ISO_8601 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/

/** A time as ISO 8601 (as sent when it is, converted when it is another readable form), or null when unreadable. */
function instantText(value: string | null): string | null {
  const ms = instant(value)
  if (ms === undefined) return null
  return ISO_8601.test(value!) ? value : new Date(ms).toISOString()
}

/** One integration record. Unknown extra fields are kept: the API may add some. */
export const integrationRecordSchema = z.looseObject({
  object: z.literal('integration').optional(),
  // The documented id alphabet: an id is used in a URL path and in the log, so nothing else is accepted.
  id: z.string().regex(/^[A-Za-z0-9._-]{1,256}$/),
  url: text(300).optional(),
  title: text(300),
  integration: text(200),
  target_platform: z.enum(STORES),
  active: z.number().int().min(0),
  created_at: nullableText,
  updated_at: nullableText,
  // An unreadable delivery time counts as no delivery (the stricter reading for a gate); an unreadable error
  // time is kept, and health takes it for an error later than any delivery.
  last_delivery_at: text(1000)
    .nullable()
    .transform((value) => instantText(value))
    .optional(),
  last_error_at: nullableText,
  last_error_message: nullableText,
  // Any number is read (one odd record must not make the whole list unreadable); health takes all but 0 as errors.
  delivery_error_count: z.number().nullish()
})

export type IntegrationRecord = z.output<typeof integrationRecordSchema>

/** The docs show the record both bare and wrapped as `{"object","url","data":{…}}`: accept either. */
export const integrationResponseSchema = z.union([
  integrationRecordSchema,
  z.object({ data: integrationRecordSchema }).transform((wrapped) => wrapped.data)
])

/** `{"object":"list","data":[…]}` as the docs suggest, or a bare array. */
export const integrationListSchema = z.union([
  z.array(integrationRecordSchema),
  z.object({ data: z.array(integrationRecordSchema) }).transform((list) => list.data)
])

export const apiErrorBodySchema = z.object({
  error: z.object({
    type: text(50).optional(),
    code: text(100).optional(),
    message: text(1000).optional(),
    details: z
      .array(z.object({ field: text(100).optional(), message: text(500).optional() }))
      .max(50)
      .optional()
  })
})

export interface CatalogEntry {
  slug: string
  title?: string
  allowedStores?: string[]
}

/** The catalog's envelope is not documented, so every object with a string `slug`, at any depth, is an entry. */
export function collectCatalogEntries(body: unknown): CatalogEntry[] {
  const entries: CatalogEntry[] = []
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit)
    if (node === null || typeof node !== 'object') return
    const item = node as Record<string, unknown>
    if (typeof item.slug === 'string') {
      const stores = item.allowedStores
      const title =
        typeof item.title === 'string' ? item.title : typeof item.name === 'string' ? item.name : undefined
      entries.push({
        slug: neutralise(item.slug, 100),
        title: title === undefined ? undefined : neutralise(title, 200),
        allowedStores: Array.isArray(stores)
          ? stores.filter((s): s is string => typeof s === 'string').map((s) => neutralise(s, 50))
          : undefined
      })
    }
    Object.values(item).forEach(visit)
  }
  visit(body)
  return entries
}
