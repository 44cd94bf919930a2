// Credentials in a URL are never printed (issue 15 item 13): the api-url refusal of both actions, the redacting
// log and summary, and the step run in process with such a URL.
import { describe, expect, it } from '@jest/globals'
import { MANIFEST_INPUT_DEFAULTS, parseManifestInputs } from '../../src/manifest/inputs.js'
import { INPUT_DEFAULTS, parseSettings, type RawInputs } from '../../src/single/inputs.js'
import { run } from '../../src/single/run.js'
import { redactingLog } from '../../src/single/report.js'
import { scrubUrlCredentials, withoutCredentials } from '../../src/net/url-credentials.js'
import { runInProcess } from '../../__fixtures__/in-process.js'

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

describe('api-url with credentials is refused without echoing them', () => {
  const single: RawInputs = {
    ...INPUT_DEFAULTS,
    title: 'T',
    provider: 'amplitude',
    store: 'iOS',
    'secret-key': 'sk_abc'
  }

  it.each([WITH_PASSWORD, `https://ci-bot:${PASSWORD}@qonversion.internal/v4`])(
    'the single action: %s',
    (url) => {
      let message = ''
      try {
        parseSettings({ ...single, 'api-url': url })
      } catch (error) {
        message = (error as Error).message
      }
      expect(message).toMatch(/^Input `api-url` is `https?:\/\/\*\*\*@qonversion\.internal\/v4`/)
      expect(message).not.toContain(PASSWORD)
      expect(message).not.toContain('ci-bot')
    }
  )

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

  it('the redacting log scrubs a URL password from any line, as it scrubs the key', () => {
    const log = redactingLog()
    expect(log.redact(`proxy said: GET ${WITH_PASSWORD}/integrations failed`)).toBe(
      'proxy said: GET http://***@qonversion.internal/v4/integrations failed'
    )
  })

  it('the step: neither the log, the failure nor the summary has the password', async () => {
    const result = await runInProcess(
      {
        defaults: INPUT_DEFAULTS,
        inputs: {
          title: 'T',
          provider: 'amplitude',
          store: 'iOS',
          'secret-key': 'sk_abc',
          'api-url': WITH_PASSWORD
        }
      },
      run
    )
    expect(result.failed).toBe(true)
    expect(result.failure).toContain('`http://***@qonversion.internal/v4`')
    expect(result.stdout).not.toContain(PASSWORD)
    expect(result.summary).toContain('http://***@qonversion.internal/v4')
    expect(result.summary).not.toContain(PASSWORD)
  })
})
