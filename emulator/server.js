// The HTTP layer: reads each request, applies faults, logs it, and hands out the in-process control handle.
// @ts-check
import { createServer } from 'node:http'
import { URLSearchParams } from 'node:url'
import { handleApi } from './api.js'
import { FieldsError, handleControl } from './control.js'
import { DeliveryWorker } from './delivery.js'
import { errorReply, payloadTooLarge } from './errors.js'
import { FaultQueue, faultReply } from './faults.js'
import { RequestLog } from './log.js'
import { Store, adminRecord } from './store.js'
import { checkDelivery, checkSeed } from './validation.js'

/** @typedef {import('./reply.js').Reply} Reply */
/** @typedef {import('./store.js').Env} Env */
/** @typedef {import('./store.js').AdminRecord} AdminRecord */
/** @typedef {import('./faults.js').Fault} Fault */
/** @typedef {import('./faults.js').FaultSpec} FaultSpec */
/** @typedef {import('./log.js').LoggedRequest} LoggedRequest */
/** @typedef {import('./api.js').ApiContext} ApiContext */
/** @typedef {import('./delivery.js').Scenario} Scenario */
/** @typedef {import('./delivery.js').ScenarioSpec} ScenarioSpec */
/**
 * @typedef {object} DeliveryInput
 * @property {string} id a live record's id, in either environment
 * @property {0 | 1 | 2} [active] 1 (re)starts the record's scenario clock when it was not 1
 * @property {string | null} [last_delivery_at]
 * @property {string | null} [last_error_at]
 * @property {string | null} [last_error_message]
 * @property {number} [delivery_error_count]
 */
/**
 * @typedef {object} SeedInput
 * @property {Env} [env] default 'sandbox'
 * @property {string} title
 * @property {string} integration provider slug
 * @property {import('./catalog.js').Platform} target_platform
 * @property {0 | 1 | 2} [active] default 0
 * @property {string | null} [last_delivery_at]
 * @property {string | null} [last_error_at]
 * @property {string | null} [last_error_message]
 * @property {number} [delivery_error_count]
 */
/**
 * @typedef {object} StartOptions
 * @property {number} [port] 0 picks a free port
 */
/**
 * @typedef {object} Emulator
 * @property {string} url e.g. http://127.0.0.1:8787
 * @property {string} apiUrl url + '/v4'
 * @property {number} port
 * @property {() => Promise<void>} close
 * @property {(fault: FaultSpec) => Fault} inject
 * @property {() => LoggedRequest[]} requests
 * @property {(env?: Env) => AdminRecord[]} records
 * @property {(record: SeedInput) => AdminRecord} seed
 * @property {(spec: ScenarioSpec) => Scenario} scenario makes matching active records deliver or fail over time
 * @property {(input: DeliveryInput) => AdminRecord} setDelivery sets a record's delivery fields directly
 * @property {() => void} reset
 */

const HOST = '127.0.0.1'
const MAX_BODY = 1024 * 1024

/**
 * @param {StartOptions} [options]
 * @returns {Promise<Emulator>}
 */
export async function start(options = {}) {
  const { port = 0 } = options

  /** @type {ApiContext} */
  const api = { store: new Store(), worker: new DeliveryWorker() }
  /** @param {import('./store.js').StoredRecord} record */
  const shown = (record) => {
    api.worker.catchUp(record)
    return adminRecord(record)
  }
  const faults = new FaultQueue()
  const log = new RequestLog()
  const waits = new Waits()

  const controls = {
    /** @param {FaultSpec} spec */
    inject: (spec) => faults.add(spec),
    requests: () => log.entries(),
    /** @param {Env} [env] */
    records: (env) => api.store.all(env).map(shown),
    /** @param {unknown} input */
    seed: (input) => {
      const checked = checkSeed(input)
      if (!checked.ok) throw new FieldsError('seed', checked.details)
      return shown(api.store.insert(checked.value))
    },
    /** @param {ScenarioSpec} spec */
    scenario: (spec) => api.worker.add(spec),
    /** @param {unknown} input */
    setDelivery: (input) => {
      const checked = checkDelivery(input)
      if (!checked.ok) throw new FieldsError('delivery', checked.details)
      const record = api.store.findLiveById(checked.value.id)
      if (!record) throw new FieldsError('delivery', [{ field: 'id', message: 'matches no live record' }])
      api.worker.catchUp(record)
      api.store.setDelivery(record, checked.value.fields)
      return shown(record)
    },
    reset: () => {
      api.store.reset()
      api.worker.clear()
      faults.clear()
      log.clear()
    }
  }

  const server = createServer((req, res) => {
    onRequest(req, res).catch((error) => {
      console.error('emulator: unexpected error', error)
      send(res, errorReply(500, 'internal', 'internal_error', 'Emulator bug: see its console'))
    })
  })

  /**
   * @param {import('node:http').IncomingMessage} req
   * @param {import('node:http').ServerResponse} res
   */
  async function onRequest(req, res) {
    const at = new Date().toISOString()
    const method = (req.method ?? 'GET').toUpperCase()
    const [path, query = ''] = (req.url ?? '/').split(/\?(.*)/s)
    const body = await readBody(req)
    if (!body) return

    if (path === '/__emulator' || path.startsWith('/__emulator/')) {
      send(
        res,
        handleControl(controls, { method, path, query: new URLSearchParams(query), rawBody: body.raw })
      )
      return
    }

    const entry = log.add({ method, path, headers: req.headers, rawBody: body.raw, at })
    const fault = faults.take(method, path)
    entry.fault = fault?.kind ?? null
    if (fault?.kind === 'drop-before') {
      req.socket.destroy()
      return
    }
    // A real server keeps working on a slow request after the client gives up, so the wait is not cut short.
    if (fault?.kind === 'delay' && !(await waits.sleep(fault.delayMs))) return

    const reply =
      (fault && faultReply(fault)) ??
      (body.tooLarge
        ? payloadTooLarge()
        : handleApi(api, { method, path, headers: req.headers, rawBody: body.raw }))
    if (fault?.kind === 'drop-after') {
      req.socket.destroy()
      return
    }
    entry.status = reply.status
    send(res, reply)
  }

  await new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, HOST, () => {
      server.off('error', reject)
      resolve(undefined)
    })
  })
  const address = server.address()
  const boundPort = typeof address === 'object' && address ? address.port : port
  const url = `http://${HOST}:${boundPort}`

  /** @type {Promise<void> | undefined} */
  let closing
  return {
    url,
    apiUrl: `${url}/v4`,
    port: boundPort,
    close: () => {
      closing ??= new Promise((resolve) => {
        waits.cancelAll()
        server.close(() => resolve())
        server.closeAllConnections()
      })
      return closing
    },
    inject: controls.inject,
    requests: controls.requests,
    records: controls.records,
    seed: (record) => controls.seed(record),
    scenario: controls.scenario,
    setDelivery: (input) => controls.setDelivery(input),
    reset: controls.reset
  }
}

/** Pending delay faults, so close() does not leave timers holding the process open. */
class Waits {
  /** @type {Set<() => void>} */
  #cancels = new Set()

  /**
   * @param {number} ms
   * @returns {Promise<boolean>} false when the emulator closed first
   */
  sleep(ms) {
    return new Promise((resolve) => {
      const cancel = () => {
        clearTimeout(timer)
        this.#cancels.delete(cancel)
        resolve(false)
      }
      const timer = setTimeout(() => {
        this.#cancels.delete(cancel)
        resolve(true)
      }, ms)
      this.#cancels.add(cancel)
    })
  }

  cancelAll() {
    for (const cancel of [...this.#cancels]) cancel()
  }
}

/**
 * @param {import('node:http').IncomingMessage} req
 * @returns {Promise<{ raw: string, tooLarge: boolean } | null>} null when the client went away mid-body
 */
function readBody(req) {
  return new Promise((resolve) => {
    /** @type {Buffer[]} */
    const chunks = []
    let size = 0
    req.on('data', (/** @type {Buffer} */ chunk) => {
      size += chunk.length
      if (size <= MAX_BODY) chunks.push(chunk)
    })
    req.on('end', () =>
      resolve(
        size > MAX_BODY
          ? { raw: '', tooLarge: true }
          : { raw: Buffer.concat(chunks).toString('utf8'), tooLarge: false }
      )
    )
    req.on('error', () => resolve(null))
    req.on('close', () => {
      if (!req.complete) resolve(null)
    })
  })
}

/**
 * @param {import('node:http').ServerResponse} res
 * @param {Reply} reply
 */
function send(res, reply) {
  if (res.headersSent || res.destroyed || res.socket?.destroyed) return
  res.writeHead(reply.status, { ...reply.headers, 'content-length': String(Buffer.byteLength(reply.body)) })
  res.end(reply.body)
}
