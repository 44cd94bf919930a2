// Credentials in a URL are never printed: the userinfo of a URL, alone or in free text, shown as ***.
import { describe, expect, it } from '@jest/globals'
import { scrubUrlCredentials, withoutCredentials } from '../../src/net/url-credentials.js'

const PASSWORD = 'hunter2-Zq9'
const WITH_PASSWORD = `http://ci-bot:${PASSWORD}@qonversion.internal/v4`

describe('withoutCredentials', () => {
  it.each([
    [WITH_PASSWORD, 'http://***@qonversion.internal/v4'],
    [`https://ci-bot:${PASSWORD}@host:8443/v4`, 'https://***@host:8443/v4'],
    [`https://${PASSWORD}@host/v4`, 'https://***@host/v4'],
    // Not a URL the parser accepts (a `/` in the password): everything before the last `@` goes.
    [`https://ci-bot:pa/${PASSWORD}@host/v4`, 'https://***@host/v4'],
    // No scheme: `ci-bot:` would read as one.
    [`ci-bot:${PASSWORD}@host/v4`, '***@host/v4'],
    ['https://api.qonversion.io/v4', 'https://api.qonversion.io/v4'],
    ['https://host/v4/@team', 'https://host/v4/@team'],
    ['not a url', 'not a url']
  ])('%s is shown as %s', (value, shown) => {
    expect(withoutCredentials(value)).toBe(shown)
  })

  it('scrubs the userinfo of every URL in free text', () => {
    expect(scrubUrlCredentials(`tried ${WITH_PASSWORD} and https://u:p@other/x, then https://plain/v4`)).toBe(
      'tried http://***@qonversion.internal/v4 and https://***@other/x, then https://plain/v4'
    )
  })
})
