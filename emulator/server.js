// The HTTP layer: reads and logs each request, applies rate limit, latency and faults, and hands out the controls.
// @ts-check
import { createServer } from 'node:http'
import { URLSearchParams } from 'node:url'
import { handleApi } from './api.js'
import { handleControl } from './control.js'
import { DeliveryWorker } from './delivery.js'
import { errorReply, payloadTooLarge, rateLimited } from './errors.js'
import { FaultQueue, faultReply } from './faults.js'
import { RequestLog } from './log.js'
import { Store, adminRecord } from './store.js'
import { DEFAULT_SETTINGS, RateLimiter, checkSettings } from './traffic.js'
import { checkDelivery, checkSeed } from './validation.js'

/** @typedef {import('./reply.js').Reply} Reply */
/** @typedef {import('./store.js').Env} Env */
/** @typedef {import('./store.js').AdminRecord} AdminRecord */
/** @typedef {import('./faults.js').Fault} Fault */
/** @typedef {import('./faults.js').FaultSpec} FaultSpec */
/** @typedef {import('./log.js').LoggedRequest} LoggedRequest */
/** @typedef {import('./api.js').ApiContext} ApiContext */
/** @typedef {import('./traffic.js').Settings} Settings */
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
 * @property {number} [latencyMs] added to every API request (default 0)
 * @property {number | null} [rateLimit] API requests per second before 429 (default null: no limit)
 * @property {number} [retryAfter] Retry-After seconds of the rate limit's 429 (default 1)
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
 * @property {{ (record: SeedInput): AdminRecord, (records: SeedInput[]): AdminRecord[] }} seed
 * @property {(spec: ScenarioSpec) => Scenario} scenario makes matching active records deliver or fail over time
 * @property {(input: DeliveryInput) => AdminRecord} setDelivery sets a record's delivery fields directly
 * @property {(changes: Partial<Settings>) => Settings} configure changes traffic settings until reset()
 * @property {() => void} reset also puts the settings back to start()'s
 */

/** Thrown by seed() and setDelivery(): a TypeError whose message names every bad field; `details` lists them. */
export class FieldsError extends TypeError {
  /**
   * @param {string} subject what was refused, e.g. "seed"
   * @param {import('./errors.js').FieldError[]} details
   */
  constructor(subject, details) {
    super(`invalid ${subject}: ${details.map((d) => `${d.field} ${d.message}`).join('; ')}`)
    this.details = details
  }
}

const HOST = '127.0.0.1'
const MAX_BODY = 1024 * 1024

/**
 * @param {StartOptions} [options]
 * @returns {Promise<Emulator>}
 */
export async function start(options = {}) {
  const { port = 0, ...traffic } = options
  const initialSettings = checkSettings(traffic, DEFAULT_SETTINGS)
  let settings = initialSettings

  /** @type {ApiContext} */
  const api = { store: new Store(), worker: new DeliveryWorker() }
  /** @param {import('./store.js').StoredRecord} record */
  const shown = (record) => {
    api.worker.catchUp(record)
    return adminRecord(record)
  }
  const faults = new FaultQueue()
  const log = new RequestLog()
  const limiter = new RateLimiter()
  const waits = new Waits()

  const controls = {
    /** @param {FaultSpec} spec */
    inject: (spec) => faults.add(spec),
    requests: () => log.entries(),
    /** @param {Env} [env] */
    records: (env) => api.store.all(env).map(shown),
    /**
     * A list is checked whole before anything is inserted, so a bad entry leaves the store as it was.
     * @param {unknown} input
     */
    seed: (input) => {
      const list = Array.isArray(input) ? input : [input]
      const checked = list.map(checkSeed)
      const details = checked.flatMap((c, i) =>
        c.ok ? [] : c.details.map((d) => (Array.isArray(input) ? { ...d, field: `[${i}].${d.field}` } : d))
      )
      if (details.length > 0) throw new FieldsError('seed', details)
      const records = checked.flatMap((c) => (c.ok ? [shown(api.store.insert(c.value))] : []))
      return Array.isArray(input) ? records : records[0]
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
    /** @param {unknown} changes */
    configure: (changes) => {
      settings = checkSettings(changes, settings)
      return { ...settings }
    },
    reset: () => {
      api.store.reset()
      api.worker.clear()
      faults.clear()
      log.clear()
      limiter.clear()
      settings = initialSettings
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
    const limited = !limiter.admit(settings.rateLimit)
    const fault = limited ? undefined : faults.take(method, path)
    entry.fault = limited ? 'rate-limit' : (fault?.kind ?? null)
    const { latencyMs, retryAfter } = settings
    if (latencyMs > 0 && !(await waits.sleep(latencyMs))) return
    if (limited) {
      answer(entry, res, rateLimited(retryAfter))
      return
    }
    if (fault?.kind === 'drop-before') {
      req.socket.destroy()
      return
    }
    // A real server keeps working on a slow request after the client gives up, so the wait is not cut short.
    if (fault?.kind === 'delay' && !(await waits.sleep(/** @type {number} */ (fault.delayMs)))) return

    const reply =
      (fault && faultReply(fault)) ??
      (body.tooLarge
        ? payloadTooLarge()
        : handleApi(api, { method, path, headers: req.headers, rawBody: body.raw }))
    if (fault?.kind === 'drop-after') {
      req.socket.destroy()
      return
    }
    answer(entry, res, reply)
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
    seed: /** @type {Emulator['seed']} */ (controls.seed),
    configure: controls.configure,
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
 * Sends the reply and notes in the log entry what was answered, and when.
 * @param {LoggedRequest} entry
 * @param {import('node:http').ServerResponse} res
 * @param {Reply} reply
 */
function answer(entry, res, reply) {
  entry.status = reply.status
  entry.answeredAt = new Date().toISOString()
  const retryAfter = reply.headers['retry-after']
  entry.retryAfter = retryAfter === undefined ? null : Number(retryAfter)
  send(res, reply)
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
