// Which records are "the same" integration, as plain data: the provider verdict from a catalog, a slug from a
// display title, deleted records, and when the catalog is worth reading at all.
import { describe, expect, it } from '@jest/globals'
import { SNAPSHOT_CATALOG, type Catalog } from '../../src/domain/catalog.js'
import {
  liveRecords,
  needsCatalog,
  providerVerdict,
  sameTitleAndStore,
  slugOf
} from '../../src/domain/match.js'
import { integration } from '../../__fixtures__/records.js'

const catalog = (...entries: { slug: string; title?: string }[]): Catalog => ({ entries, live: true })
const LIVE = catalog(
  { slug: 'amplitude', title: 'Amplitude' },
  { slug: 'mixpanel', title: 'Mixpanel' },
  { slug: 'google_cloud_storage', title: 'Google Cloud Storage' },
  { slug: 'searchads', title: 'Apple Search Ads' },
  { slug: 'asa_legacy', title: 'Apple Search Ads' }
)

describe('providerVerdict', () => {
  it.each([
    ['the display title', 'Amplitude', 'amplitude', 'same'],
    ['the slug itself', 'amplitude', 'amplitude', 'same'],
    ['another spelling of the title', 'GoogleCloudStorage', 'google_cloud_storage', 'same'],
    ['another entry’s title', 'Mixpanel', 'amplitude', 'other'],
    ['a title two entries share', 'Apple Search Ads', 'searchads', 'unknown'],
    ['a name no entry has', 'Segment', 'amplitude', 'unknown']
  ] as const)('%s: %s for %s is %s', (_case, provider, slug, verdict) => {
    expect(providerVerdict(provider, slug, LIVE)).toBe(verdict)
  })

  it('with the documented slugs only, a display title that is not a slug cannot be told apart', () => {
    expect(providerVerdict('Apple Search Ads', 'searchads', SNAPSHOT_CATALOG)).toBe('unknown')
    expect(providerVerdict('Amplitude', 'amplitude', SNAPSHOT_CATALOG)).toBe('same')
    expect(providerVerdict('Mixpanel', 'amplitude', SNAPSHOT_CATALOG)).toBe('other')
  })
})

describe('slugOf', () => {
  it('names the one entry a provider spells, and none when several or none do', () => {
    expect(slugOf(LIVE, 'Google Cloud Storage')).toBe('google_cloud_storage')
    expect(slugOf(LIVE, 'Apple Search Ads')).toBeUndefined()
    expect(slugOf(LIVE, 'Segment')).toBeUndefined()
  })
})

describe('liveRecords and sameTitleAndStore', () => {
  const kept = integration({ id: 'KEPT' })
  const deleted = integration({ id: 'DEL', deleted: true })
  const deletedAt = integration({ id: 'DELAT', deleted_at: '2026-11-27T10:00:00Z' })
  const emptyDeletedAt = integration({ id: 'EMPTY', deleted_at: '' })

  it('leaves out records marked deleted, by flag or by time', () => {
    expect(liveRecords([kept, deleted, deletedAt, emptyDeletedAt]).map((r) => r.id)).toEqual([
      'KEPT',
      'EMPTY'
    ])
  })

  it('matches title and store exactly, whatever the provider', () => {
    const records = [
      kept,
      deleted,
      integration({ id: 'MIX', integration: 'Mixpanel' }),
      integration({ id: 'AND', target_platform: 'Android' }),
      integration({ id: 'SPACE', title: 'Amplitude — iOS ' })
    ]
    expect(sameTitleAndStore(records, 'Amplitude — iOS', 'iOS').map((r) => r.id)).toEqual(['KEPT', 'MIX'])
  })
})

describe('needsCatalog', () => {
  const wanted = { title: 'Amplitude — iOS', store: 'iOS', provider: 'amplitude' }

  it('is false when nothing has the title and store, or every such record spells the slug', () => {
    expect(needsCatalog([], [wanted])).toBe(false)
    expect(needsCatalog([integration({ integration: 'Amplitude' })], [wanted])).toBe(false)
    expect(needsCatalog([integration({ title: 'Other', integration: 'Mixpanel' })], [wanted])).toBe(false)
  })

  it('is true when a record with the title and store names its provider otherwise', () => {
    expect(needsCatalog([integration({ integration: 'Apple Search Ads' })], [wanted])).toBe(true)
  })
})
