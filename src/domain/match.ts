// Which existing records are "the same" integration as a wanted one: title and store, and a provider told apart
// by the live catalog or, when that cannot be read, by the documented slugs — never by a guess.
import type { Catalog } from './catalog.js'
import type { IntegrationRecord } from './record.js'

export type ProviderVerdict = 'same' | 'other' | 'unknown'

/** `Google Cloud Storage`, `google_cloud_storage` and `GoogleCloudStorage` all read `googlecloudstorage`. */
const squash = (text: string): string => text.toLowerCase().replace(/[^a-z0-9]/g, '')

/**
 * Whether a record's provider (the API returns the DISPLAY title, `Amplitude`) is the asked slug: the same when
 * it spells the slug or the catalog's title for it and no other entry; another provider when it spells only
 * another catalog entry; unknown otherwise — the caller must then stop rather than reuse on a guess.
 */
const names = (entry: { slug: string; title?: string }): string[] =>
  entry.title ? [squash(entry.slug), squash(entry.title)] : [squash(entry.slug)]

export function providerVerdict(recordProvider: string, slug: string, catalog: Catalog): ProviderVerdict {
  const name = squash(recordProvider)
  const asked = catalog.entries.find((e) => e.slug === slug) ?? { slug }
  const another = catalog.entries.some((e) => e.slug !== slug && names(e).includes(name))
  // A name that reads as the asked provider and as another one too (two entries titled alike) tells nothing.
  if (names(asked).includes(name)) return another ? 'unknown' : 'same'
  return another ? 'other' : 'unknown'
}

/** The slug of the one catalog entry a record's provider (`Mixpanel`) spells; undefined when none or several do. */
export function slugOf(catalog: Catalog, recordProvider: string): string | undefined {
  const found = catalog.entries.filter((e) => names(e).includes(squash(recordProvider)))
  return found.length === 1 ? found[0].slug : undefined
}

/** Records the API still lists but marks as deleted (the docs do not say whether it lists them) never match. */
function isDeleted(record: IntegrationRecord): boolean {
  return record.deleted === true || (typeof record.deleted_at === 'string' && record.deleted_at !== '')
}

export function liveRecords(records: IntegrationRecord[]): IntegrationRecord[] {
  return records.filter((record) => !isDeleted(record))
}

/** Live records with this title and store, whatever their provider. */
export function sameTitleAndStore(
  records: IntegrationRecord[],
  title: string,
  store: string
): IntegrationRecord[] {
  return liveRecords(records).filter((r) => r.title === title && r.target_platform === store)
}

/** True when some record's provider cannot be judged from the slug alone, so the catalog is worth reading. */
export function needsCatalog(
  records: IntegrationRecord[],
  wanted: readonly { title: string; store: string; provider: string }[]
): boolean {
  return wanted.some((w) =>
    sameTitleAndStore(records, w.title, w.store).some((r) => squash(r.integration) !== squash(w.provider))
  )
}
