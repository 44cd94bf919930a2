// The title and provider rules both actions' inputs and the manifest file share, as plain data.
import { describe, expect, it } from '@jest/globals'
import { STORE_RULE, providerProblem, storeHint, titleProblem } from '../../src/domain/rules.js'

describe('titleProblem', () => {
  it('counts code points: 255 emoji pass, 256 are one too many', () => {
    expect(titleProblem('🚀'.repeat(255), 'workflow')).toBeUndefined()
    expect(titleProblem('🚀'.repeat(256), 'file')).toBe(
      'is 256 characters long; Qonversion accepts at most 255.'
    )
  })

  it('refuses an empty title and a line break, with the fix for where it was written', () => {
    expect(titleProblem('', 'file')).toBe('is empty; give the integration a title of 1–255 characters.')
    expect(titleProblem('a\nb', 'workflow')).toMatch(/\(`\\n`\) inside; .*\(in the workflow, `title: >`/)
    expect(titleProblem('a\u2028b', 'file')).toMatch(/\(U\+2028\) inside; .*join it \(`title: >`/)
  })
})

describe('providerProblem', () => {
  it('refuses only an empty slug and a case slip; an undocumented slug is sent', () => {
    expect(providerProblem('')).toMatch(/^is empty; give a provider slug such as/)
    expect(providerProblem('AppsFlyer')).toBe(
      'is `AppsFlyer`; provider slugs are lower-case: use `appsflyer`.'
    )
    expect(providerProblem('brand-new-provider')).toBeUndefined()
  })
})

describe('storeHint (both actions and the file)', () => {
  it('names the store with the same letters, since store names are case-sensitive', () => {
    expect(storeHint('ios')).toBe(' Store names are case-sensitive: use `iOS`.')
    expect(storeHint('ANDROID')).toBe(' Store names are case-sensitive: use `Android`.')
  })

  it('else the closest store, and nothing for an empty value or a far one', () => {
    expect(storeHint('Andriod')).toBe(' Did you mean `Android`?')
    expect(storeHint('')).toBe('')
    expect(storeHint('PlayStation Store')).toBe('')
  })

  it('says what a store must be in one phrase', () => {
    expect(STORE_RULE).toBe('it must be exactly `iOS`, `Android` or `Stripe`')
  })
})
