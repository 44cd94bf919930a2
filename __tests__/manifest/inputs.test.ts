// The manifest action's inputs: an api-url with credentials is refused without echoing them.
import { describe, expect, it } from '@jest/globals'
import { MANIFEST_INPUT_DEFAULTS, parseManifestInputs } from '../../src/manifest/inputs.js'

const PASSWORD = 'hunter2-Zq9'

describe('api-url with credentials is refused without echoing them', () => {
  it('the manifest action', () => {
    let message = ''
    try {
      parseManifestInputs({
        ...MANIFEST_INPUT_DEFAULTS,
        'secret-key': 'sk_abc',
        'api-url': `https://ci-bot:${PASSWORD}@qonversion.internal/v4`
      })
    } catch (error) {
      message = (error as Error).message
    }
    expect(message).toContain(
      '`https://***@qonversion.internal/v4`; it must be an https:// URL without credentials'
    )
    expect(message).not.toContain(PASSWORD)
  })
})
