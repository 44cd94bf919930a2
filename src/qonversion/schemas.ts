// Shapes of what the Qonversion v4 API answers, read tolerantly where its docs are vague.
import { z } from 'zod/mini'
import { instant } from '../domain/health.js'
import type { CatalogEntry, IntegrationRecord } from '../domain/record.js'
import { STORES } from '../domain/vocabulary.js'
import { neutralise } from '../domain/untrusted.js'

/**
 * A record's text is kept exactly as sent: it is compared with what is wanted and handed on in outputs, so a title
 * with a tab, a line break or 255 emoji must still equal itself on the next run. Printing it neutralises it.
 */
const nullableText = z.optional(z.nullable(z.string()))

/** An error body's text is only ever printed (in the failure message), so it is neutralised as it is read. */
const printedText = (max: number) =>
  z.pipe(
    z.string(),
    z.transform((value: string) => neutralise(value, max))
  )

const ISO_8601 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/

/** A time as ISO 8601 (as sent when it is, converted when it is another readable form), or null when unreadable. */
function instantText(value: string | null): string | null {
  const ms = instant(value)
  if (ms === undefined) return null
  return ISO_8601.test(value!) ? value : new Date(ms).toISOString()
}

/** One integration record (domain/record.ts's IntegrationRecord). Unknown extra fields are kept: the API may add some. */
export const integrationRecordSchema = z.looseObject({
  object: z.optional(z.literal('integration')),
  // The documented id alphabet: an id is used in a URL path and in the log, so nothing else is accepted.
  id: z.string().check(z.regex(/^[A-Za-z0-9._-]{1,256}$/)),
  url: z.optional(z.string()),
  title: z.string(),
  integration: z.string(),
  target_platform: z.enum(STORES),
  active: z.int().check(z.minimum(0)),
  created_at: nullableText,
  updated_at: nullableText,
  // An unreadable delivery time counts as no delivery (the stricter reading for a gate); an unreadable error
  // time is kept, and health takes it for an error later than any delivery.
  last_delivery_at: z.optional(z.pipe(z.nullable(z.string()), z.transform(instantText))),
  last_error_at: nullableText,
  last_error_message: nullableText,
  // Any number is read (one odd record must not make the whole list unreadable); health takes all but 0 as errors.
  delivery_error_count: z.nullish(z.number())
}) satisfies z.ZodMiniType<IntegrationRecord>

/** The docs show the record both bare and wrapped as `{"object","url","data":{…}}`: accept either. */
export const integrationResponseSchema = z.union([
  integrationRecordSchema,
  z.pipe(
    z.object({ data: integrationRecordSchema }),
    z.transform((wrapped) => wrapped.data)
  )
])

/** A list that repeats a record (the same id twice) holds it once, as it was first listed: nothing is done twice. */
function onePerId(records: IntegrationRecord[]): IntegrationRecord[] {
  const byId = new Map<string, IntegrationRecord>()
  for (const record of records) if (!byId.has(record.id)) byId.set(record.id, record)
  return [...byId.values()]
}

/** `{"object":"list","data":[…]}` as the docs suggest, or a bare array. */
export const integrationListSchema = z.pipe(
  z.union([
    z.array(integrationRecordSchema),
    z.pipe(
      z.object({ data: z.array(integrationRecordSchema) }),
      z.transform((list) => list.data)
    )
  ]),
  z.transform(onePerId)
)

export const apiErrorBodySchema = z.object({
  error: z.object({
    type: z.optional(printedText(50)),
    code: z.optional(printedText(100)),
    message: z.optional(printedText(1000)),
    details: z.optional(
      z
        .array(z.object({ field: z.optional(printedText(100)), message: z.optional(printedText(500)) }))
        .check(z.maxLength(50))
    )
  })
})

/**
 * The catalog's envelope is not documented, so every object with a string `slug`, at any depth, is an entry. Its
 * text is kept as sent (slugs are compared with the wanted provider); messages neutralise what they quote.
 */
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
        slug: item.slug,
        title,
        allowedStores: Array.isArray(stores)
          ? stores.filter((s): s is string => typeof s === 'string')
          : undefined
      })
    }
    Object.values(item).forEach(visit)
  }
  visit(body)
  return entries
}
