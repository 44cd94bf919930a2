// Closest-name suggestions and the catalog's reading of a provider and store.
import { describe, expect, it } from '@jest/globals'
import { SNAPSHOT_CATALOG, catalogProblems, displayTitleOf } from '../../src/domain/catalog.js'
import { collectCatalogEntries } from '../../src/qonversion/schemas.js'
import { DOCUMENTED_PROVIDERS, closestNames, orList } from '../../src/domain/suggest.js'

describe('closestNames', () => {
  it('finds typos, prefixes and separator mix-ups', () => {
    expect(closestNames('amplitud', DOCUMENTED_PROVIDERS)[0]).toBe('amplitude')
    expect(closestNames('apps', DOCUMENTED_PROVIDERS)).toEqual(['appsflyer'])
    expect(closestNames('split-metrics', DOCUMENTED_PROVIDERS)).toEqual(['split_metrics'])
    expect(closestNames('Google Cloud Storage', DOCUMENTED_PROVIDERS)[0]).toBe('google_cloud_storage')
  })
  it('suggests nothing far away or for an empty name', () => {
    expect(closestNames('zzzzzzzz', DOCUMENTED_PROVIDERS)).toEqual([])
    expect(closestNames('', DOCUMENTED_PROVIDERS)).toEqual([])
  })
  it('lists the 25 documented slugs', () => {
    expect(DOCUMENTED_PROVIDERS).toHaveLength(25)
  })
})

describe('orList', () => {
  it('joins with commas and "or"', () => {
    expect(orList(['a'])).toBe('`a`')
    expect(orList(['a', 'b', 'c'])).toBe('`a`, `b` or `c`')
  })
})

describe('catalog', () => {
  const live = {
    live: true,
    entries: collectCatalogEntries({
      groups: [
        { items: [{ slug: 'searchads', name: 'Apple Search Ads', allowedStores: ['iOS'] }] },
        {
          items: [
            { slug: 'adjust', title: 'Adjust', allowedStores: ['iOS', 'Android'] },
            { slug: 'webhooks' }
          ]
        }
      ]
    })
  }

  it('collects every object with a slug, whatever the envelope', () => {
    expect(live.entries.map((e) => e.slug)).toEqual(['searchads', 'adjust', 'webhooks'])
    expect(displayTitleOf(live, 'searchads')).toBe('Apple Search Ads')
    expect(displayTitleOf(live, 'webhooks')).toBeUndefined()
  })

  it('names the stores a provider supports, or the right case', () => {
    expect(catalogProblems(live, 'searchads', 'Android')).toEqual([
      '`searchads` supports only iOS, not Android.'
    ])
    expect(catalogProblems(live, 'adjust', 'Stripe')).toEqual([
      '`adjust` supports only iOS and Android, not Stripe.'
    ])
    expect(catalogProblems(live, 'adjust', 'ios')).toEqual([
      '`adjust` expects the store written `iOS` (case-sensitive).'
    ])
    expect(catalogProblems(live, 'adjust', 'iOS')).toEqual([])
    expect(catalogProblems(live, 'webhooks', 'Stripe')).toEqual([])
  })

  it('says where an unknown slug was looked up', () => {
    expect(catalogProblems(live, 'adjst', 'iOS')).toEqual([
      "`adjst` is not in Qonversion's provider catalog; did you mean `adjust`?"
    ])
    expect(catalogProblems(SNAPSHOT_CATALOG, 'nothing-like-it', 'iOS')).toEqual([
      '`nothing-like-it` is not in the documented provider list.'
    ])
  })
})
