// Shapes of what the Qonversion v4 API answers, read tolerantly where its docs are vague.
import { z } from 'zod'

const nullableText = z.string().nullable().optional()

/** One integration record. Unknown extra fields are kept: the API may add some. */
export const integrationRecordSchema = z.looseObject({
  object: z.literal('integration').optional(),
  id: z.string().min(1),
  url: z.string().optional(),
  title: z.string(),
  integration: z.string(),
  target_platform: z.string(),
  active: z.number().int().min(0),
  created_at: nullableText,
  updated_at: nullableText,
  last_delivery_at: nullableText,
  last_error_at: nullableText,
  last_error_message: nullableText,
  delivery_error_count: z.number().int().optional()
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
    type: z.string().optional(),
    code: z.string().optional(),
    message: z.string().optional(),
    details: z.array(z.object({ field: z.string().optional(), message: z.string().optional() })).optional()
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
      entries.push({
        slug: item.slug,
        title:
          typeof item.title === 'string' ? item.title : typeof item.name === 'string' ? item.name : undefined,
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
