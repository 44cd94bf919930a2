// Failures keep what they wrap: the socket's error under the request's NetworkError under the endpoint's, each with
// its data (attempts, hint) from construction, and every kind named although the bundle is minified.
import { createServer } from 'node:net'
import { describe, expect, it } from '@jest/globals'
import {
  ApiError,
  Cancelled,
  ConflictError,
  DeadlineReached,
  ExpectedFailure,
  HealthError,
  InputError,
  NetworkError,
  UnexpectedResponseError,
  WrongRecordError
} from '../../src/domain/errors.js'
import { TransportFailure, type RetryPolicy } from '../../src/net/retry.js'
import { direct } from '../../src/net/node-http.js'
import { proxyTransport } from '../../src/net/proxy.js'
import { listIntegrations } from '../../src/qonversion/client.js'

const policy = (maxAttempts: number): RetryPolicy => ({
  maxAttempts,
  timeoutMs: 5000,
  sleep: () => Promise.resolve(),
  random: () => 0,
  now: Date.now,
  log: () => undefined,
  debug: () => undefined
})

/** A local port nothing listens on: connecting to it is refused at once. */
async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise((resolve) => server.close(resolve))
  return port
}

const failureOf = (promise: Promise<unknown>): Promise<unknown> =>
  promise.then(
    () => {
      throw new Error('expected a failure')
    },
    (error: unknown) => error
  )

describe('the cause chain', () => {
  it('a refused connection reaches the endpoint’s NetworkError as the cause of the request’s', async () => {
    const port = await closedPort()
    const api = {
      baseUrl: `http://127.0.0.1:${port}/v4`,
      secretKey: 'sk_chain',
      policy: policy(2),
      transport: direct
    }
    const error = (await failureOf(listIntegrations(api))) as NetworkError
    expect(error).toBeInstanceOf(NetworkError)
    expect(error.message).toMatch(
      /^Listing integrations failed: no answer after 2 attempts \(GET \/v4\/integrations\): the connection was refused \(ECONNREFUSED\)\./
    )
    expect(error.attempts).toBe(2)
    const request = error.cause as NetworkError
    expect(request).toBeInstanceOf(NetworkError)
    expect(request.message).toBe(
      'no answer after 2 attempts (GET /v4/integrations): the connection was refused (ECONNREFUSED).'
    )
    expect(request.attempts).toBe(2)
    expect(request.cause).toMatchObject({ code: 'ECONNREFUSED' })
  })

  it('a proxy that cannot be reached: the socket’s error under the TransportFailure under the NetworkError', async () => {
    const port = await closedPort()
    const api = {
      baseUrl: 'http://api.test/v4',
      secretKey: 'sk_chain',
      policy: policy(1),
      transport: proxyTransport({ HTTP_PROXY: `http://127.0.0.1:${port}` })
    }
    const error = (await failureOf(listIntegrations(api))) as NetworkError
    expect(error.hint).toMatch(
      /Check that the proxy http:\/\/127\.0\.0\.1:\d+ \(from HTTP_PROXY\) is running/
    )
    const request = error.cause as NetworkError
    expect(request.hint).toBe(error.hint)
    const transport = request.cause as TransportFailure
    expect(transport).toBeInstanceOf(TransportFailure)
    expect(transport.message).toMatch(
      /^could not reach the proxy .*: the connection was refused \(ECONNREFUSED\)$/
    )
    expect(transport.cause).toMatchObject({ code: 'ECONNREFUSED' })
  })
})

describe('the kinds', () => {
  it('each names itself and carries its data from construction', () => {
    const cause = new Error('underneath')
    const kinds = [
      new InputError(['one problem'], undefined, { cause }),
      new ApiError(
        'refused',
        { status: 422, code: 'x', apiMessage: 'm', details: [] },
        { cause, attempts: 3 }
      ),
      new NetworkError('gone', { cause, attempts: 3, hint: 'check the proxy' }),
      new UnexpectedResponseError('odd', { cause, attempts: 3 }),
      new ConflictError('two', { cause }),
      new WrongRecordError('other', { cause }),
      new HealthError('idle', { cause }),
      new DeadlineReached('late', { cause, attempts: 3 }),
      new Cancelled('stopped', { cause, attempts: 3 })
    ]
    expect(kinds.map((e) => e.name)).toEqual([
      'InputError',
      'ApiError',
      'NetworkError',
      'UnexpectedResponseError',
      'ConflictError',
      'WrongRecordError',
      'HealthError',
      'DeadlineReached',
      'Cancelled'
    ])
    for (const e of kinds) {
      expect(e).toBeInstanceOf(ExpectedFailure)
      expect(e.cause).toBe(cause)
    }
    expect(kinds.map((e) => e.attempts)).toEqual([0, 3, 3, 3, 0, 0, 0, 3, 3])
    expect(kinds[1]).toMatchObject({ status: 422, code: 'x', apiMessage: 'm', details: [] })
    expect(kinds[2]).toMatchObject({ hint: 'check the proxy' })
  })

  it('has no cause when it wraps nothing', () => {
    expect('cause' in new HealthError('idle')).toBe(false)
  })
})
