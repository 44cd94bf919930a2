// Credentials in the api-url, through the single action in process: neither the log, the failure nor the summary has them.
import { describe, expect, it } from '@jest/globals'
import { INPUT_DEFAULTS } from '../../../src/single/inputs.js'
import { run } from '../../../src/single/run.js'
import { runInProcess } from '../../../__fixtures__/in-process.js'

const PASSWORD = 'hunter2-Zq9'
const WITH_PASSWORD = `http://ci-bot:${PASSWORD}@qonversion.internal/v4`

describe('api-url with credentials is refused without echoing them', () => {
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
