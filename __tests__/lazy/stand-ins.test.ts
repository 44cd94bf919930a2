// The bundle stand-ins of src/lazy/ (tsconfig.json `paths`): each loads the real package on first use and then behaves
// as it does. Jest itself does not apply the aliases, so these tests import the stand-ins directly.
import { describe, expect, it } from '@jest/globals'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'

describe('the @actions/http-client stand-in', () => {
  it('sends what @actions/core OIDC client asks (getJson) through the real client, options and all', async () => {
    const seen: { url?: string; agent?: string; authorization?: string }[] = []
    const server = createServer((req, res) => {
      seen.push({ url: req.url, agent: req.headers['user-agent'], authorization: req.headers.authorization })
      res.setHeader('content-type', 'application/json')
      res.end(JSON.stringify({ value: 'token-from-server' }))
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    try {
      const { HttpClient } = await import('../../src/lazy/http-client.js')
      const { BearerCredentialHandler } = await import('@actions/http-client/lib/auth')
      const client = new HttpClient('actions/oidc-client', [new BearerCredentialHandler('request-token')])
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/token?audience=x`
      const answer = await client.getJson<{ value: string }>(url)
      expect(answer).toMatchObject({ statusCode: 200, result: { value: 'token-from-server' } })
      expect(seen).toEqual([
        { url: '/token?audience=x', agent: 'actions/oidc-client', authorization: 'Bearer request-token' }
      ])
    } finally {
      server.close()
    }
  })
})

describe('the @actions/exec stand-in', () => {
  it('runs the command through the real module on first use', async () => {
    const { getExecOutput } = await import('../../src/lazy/exec.js')
    const result = await getExecOutput(process.execPath, ['-e', 'process.stdout.write("from the child")'], {
      silent: true
    })
    expect(result).toMatchObject({ exitCode: 0, stdout: 'from the child' })
  })
})
