// Cancellation where the network layer decides it: the signal handler, the cancellable wait, and the HTTP exchange
// (nothing new sent, the request in flight ended through the transport).
import { EventEmitter } from 'node:events'
import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals'
import { cancellableSleep, cancellation, untilCancelled } from '../../src/net/cancel.js'
import { cancelOnSignals } from '../../src/runner/signals.js'
import { Cancelled } from '../../src/domain/errors.js'
import { send, type RetryPolicy } from '../../src/net/retry.js'
import { direct } from '../../src/net/node-http.js'

const cancelledBy = (name: string): AbortSignal => {
  const controller = new AbortController()
  controller.abort(new Cancelled(`cancelled by ${name}`))
  return controller.signal
}

describe('cancelOnSignals', () => {
  const fakeProcess = () => {
    const emitter = new EventEmitter()
    const exit = jest.fn<(code?: number) => never>()
    return { proc: Object.assign(emitter, { exit }), exit }
  }

  it('aborts on SIGINT with the signal named, once, and exits non-zero if the run has not ended in time', async () => {
    const { proc, exit } = fakeProcess()
    const signal = cancelOnSignals(proc as unknown as NodeJS.Process, 20)
    expect(signal.aborted).toBe(false)
    proc.emit('SIGINT')
    expect(cancellation(signal)?.message).toBe('cancelled by SIGINT')
    // The SIGTERM that follows neither changes the reason nor ends the process at once.
    proc.emit('SIGTERM')
    expect(cancellation(signal)?.message).toBe('cancelled by SIGINT')
    expect(exit).not.toHaveBeenCalled()
    await new Promise((resolve) => setTimeout(resolve, 40))
    expect(exit).toHaveBeenCalledTimes(1)
    expect(exit).toHaveBeenCalledWith(1)
  })

  it('aborts on SIGTERM too', () => {
    const { proc } = fakeProcess()
    const signal = cancelOnSignals(proc as unknown as NodeJS.Process, 1)
    proc.emit('SIGTERM')
    expect(cancellation(signal)).toBeInstanceOf(Cancelled)
    expect(cancellation(signal)?.message).toBe('cancelled by SIGTERM')
  })
})

describe('cancellableSleep and untilCancelled', () => {
  it('ends a long wait with the cancellation, and lets an uncancelled one finish', async () => {
    const controller = new AbortController()
    const never = () => new Promise<void>(() => undefined)
    const waiting = cancellableSleep(never, controller.signal)(60_000)
    controller.abort(new Cancelled('cancelled by SIGINT'))
    await expect(waiting).rejects.toThrow(new Cancelled('cancelled by SIGINT'))
    await expect(
      cancellableSleep(() => Promise.resolve(), new AbortController().signal)(5)
    ).resolves.toBeUndefined()
    await expect(cancellableSleep(() => Promise.resolve(), cancelledBy('SIGTERM'))(5)).rejects.toThrow(
      'cancelled by SIGTERM'
    )
  })

  it('stops waiting for work that cannot be aborted', async () => {
    const controller = new AbortController()
    const result = untilCancelled(new Promise<string>(() => undefined), controller.signal)
    controller.abort()
    await expect(result).resolves.toBeUndefined()
    await expect(untilCancelled(Promise.resolve('done'), new AbortController().signal)).resolves.toBe('done')
  })
})

describe('a cancelled exchange', () => {
  let server: Server
  let base: string
  const arrived: IncomingMessage[] = []
  const closed: string[] = []
  beforeAll(async () => {
    // Holds every request without answering, as a slow API does; notes when the client hangs up.
    server = createServer((incoming) => {
      arrived.push(incoming)
      incoming.socket.on('close', () => closed.push(incoming.url ?? ''))
    })
    base = await new Promise<string>((resolve) =>
      server.listen(0, '127.0.0.1', () =>
        resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)
      )
    )
  })
  afterAll(() => {
    server.closeAllConnections()
    server.close()
  })

  const policy = (signal: AbortSignal, sleeps: number[] = []): RetryPolicy => ({
    maxAttempts: 5,
    timeoutMs: 30_000,
    sleep: (ms) => {
      sleeps.push(ms)
      return Promise.resolve()
    },
    random: () => 1,
    now: Date.now,
    log: () => undefined,
    debug: () => undefined,
    signal
  })

  it('ends the request in flight at once (the server sees the hang-up) and does not retry it', async () => {
    const controller = new AbortController()
    const sleeps: number[] = []
    const sent = send(
      { method: 'POST', url: `${base}/v4/integrations`, headers: { 'Idempotency-Key': 'k' }, body: '{}' },
      policy(controller.signal, sleeps),
      direct
    )
    while (arrived.length === 0) await new Promise((resolve) => setTimeout(resolve, 5))
    const started = Date.now()
    controller.abort(new Cancelled('cancelled by SIGINT'))
    const error = (await sent.catch((e: unknown) => e)) as Cancelled
    expect(Date.now() - started).toBeLessThan(500)
    expect(error).toBeInstanceOf(Cancelled)
    expect(error.message).toBe(
      'POST /v4/integrations: cancelled by SIGINT before a final answer came, so whether it was carried out is unknown'
    )
    expect(error.attempts).toBe(1)
    expect(sleeps).toEqual([])
    for (let i = 0; i < 100 && closed.length === 0; i++)
      await new Promise((resolve) => setTimeout(resolve, 5))
    expect(closed).toEqual(['/v4/integrations'])
    expect(arrived).toHaveLength(1)
  })

  it('sends nothing once cancelled', async () => {
    const before = arrived.length
    await expect(
      send(
        { method: 'GET', url: `${base}/v4/integrations`, headers: {} },
        policy(cancelledBy('SIGTERM')),
        direct
      )
    ).rejects.toMatchObject({
      name: 'Cancelled',
      message: 'GET /v4/integrations: cancelled by SIGTERM; not sent',
      attempts: 0
    })
    expect(arrived).toHaveLength(before)
  })
})
