// Finds the project's existing integrations that are "the same" as the one the step would create.
import type { IntegrationRecord } from './qonversion/schemas.js'

export interface Wanted {
  title: string
  store: string
  provider: string
  /** The provider's display title from the live catalog; when unknown, the provider cannot be compared. */
  providerTitle: string | undefined
}

/** Records the API still lists but marks as deleted (the docs do not say whether it lists them) never match. */
function isDeleted(record: IntegrationRecord): boolean {
  return record.deleted === true || (typeof record.deleted_at === 'string' && record.deleted_at !== '')
}

/** Same title and store, not deleted, and — where the catalog can tell — the same provider. */
export function findMatches(records: IntegrationRecord[], wanted: Wanted): IntegrationRecord[] {
  const same = (a: string, b: string): boolean => a.trim().toLowerCase() === b.trim().toLowerCase()
  return records.filter(
    (record) =>
      !isDeleted(record) &&
      record.title === wanted.title &&
      record.target_platform === wanted.store &&
      (wanted.providerTitle === undefined ||
        same(record.integration, wanted.providerTitle) ||
        same(record.integration, wanted.provider))
  )
}

/** True when some candidate's provider field cannot be judged without the catalog (so it is worth reading). */
export function needsCatalog(records: IntegrationRecord[], wanted: Omit<Wanted, 'providerTitle'>): boolean {
  return findMatches(records, { ...wanted, providerTitle: undefined }).some(
    (record) => record.integration.trim().toLowerCase() !== wanted.provider.toLowerCase()
  )
}
