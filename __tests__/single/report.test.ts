// The single action's report: the redacting log, and the summary and outputs built from a result.
import { describe, expect, it } from '@jest/globals'
import { redactingLog } from '../../src/single/report.js'

const PASSWORD = 'hunter2-Zq9'
const WITH_PASSWORD = `http://ci-bot:${PASSWORD}@qonversion.internal/v4`

describe('the redacting log', () => {
  it('the redacting log scrubs a URL password from any line, as it scrubs the key', () => {
    const log = redactingLog()
    expect(log.redact(`proxy said: GET ${WITH_PASSWORD}/integrations failed`)).toBe(
      'proxy said: GET http://***@qonversion.internal/v4/integrations failed'
    )
  })
})
