// The job summary's pieces: HTML escaping of anything a summary shows.
import { describe, expect, it } from '@jest/globals'
import { escapeHtml } from '../../src/runner/summary.js'

describe('escapeHtml', () => {
  it('escapes what would open a tag, an entity or an attribute', () => {
    expect(escapeHtml('<b title="x">&amp;</b>')).toBe('&lt;b title=&quot;x&quot;&gt;&amp;amp;&lt;/b&gt;')
  })
})
