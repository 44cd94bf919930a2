// The /__emulator/ control endpoints, so tests in another process can drive the emulator over HTTP.
// @ts-check
import { errorReply, invalidData, invalidRequest, methodNotAllowed, routeNotFound } from './errors.js'
import { jsonReply } from './reply.js'
import { ENVS } from './store.js'

/** @typedef {import('./reply.js').Reply} Reply */
/** @typedef {import('./store.js').Env} Env */
/** @typedef {import('./store.js').AdminRecord} AdminRecord */
/** @typedef {import('./faults.js').Fault} Fault */
/** @typedef {import('./faults.js').FaultSpec} FaultSpec */
/** @typedef {import('./log.js').LoggedRequest} LoggedRequest */
/** @typedef {import('./delivery.js').Scenario} Scenario */
/** @typedef {import('./delivery.js').ScenarioSpec} ScenarioSpec */
/** @typedef {import('./traffic.js').Settings} Settings */
/**
 * The same operations the in-process handle offers.
 * @typedef {object} Controls
 * @property {(spec: FaultSpec) => Fault} inject
 * @property {() => LoggedRequest[]} requests
 * @property {(env?: Env) => AdminRecord[]} records
 * @property {(input: unknown) => AdminRecord | AdminRecord[]} seed
 * @property {(spec: ScenarioSpec) => Scenario} scenario
 * @property {(input: unknown) => AdminRecord} setDelivery
 * @property {(changes: unknown) => Settings} configure
 * @property {() => void} reset
 */
/**
 * @typedef {object} ControlRequest
 * @property {string} method
 * @property {string} path
 * @property {URLSearchParams} query
 * @property {string} rawBody
 */

/** Raised by seed() and setDelivery() so the HTTP layer can answer with field details, not a bare message. */
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

/**
 * @param {Controls} controls
 * @param {ControlRequest} req
 * @returns {Reply}
 */
export function handleControl(controls, req) {
  /** @type {Record<string, Partial<Record<string, () => Reply>>>} */
  const routes = {
    '/__emulator/faults': {
      POST: () => withBody(req, (body) => jsonReply(201, controls.inject(/** @type {FaultSpec} */ (body))))
    },
    '/__emulator/requests': {
      GET: () => jsonReply(200, { object: 'list', data: controls.requests() })
    },
    '/__emulator/records': {
      GET: () => {
        const env = req.query.get('env') ?? undefined
        if (env !== undefined && !ENVS.includes(/** @type {Env} */ (env)))
          return invalidRequest('env must be "sandbox" or "production"')
        return jsonReply(200, {
          object: 'list',
          data: controls.records(/** @type {Env | undefined} */ (env))
        })
      }
    },
    '/__emulator/seed': {
      POST: () => withBody(req, (body) => jsonReply(201, controls.seed(body)))
    },
    '/__emulator/scenarios': {
      POST: () =>
        withBody(req, (body) => jsonReply(201, controls.scenario(/** @type {ScenarioSpec} */ (body))))
    },
    '/__emulator/delivery': {
      POST: () => withBody(req, (body) => jsonReply(200, controls.setDelivery(body)))
    },
    '/__emulator/settings': {
      POST: () => withBody(req, (body) => jsonReply(200, controls.configure(body)))
    },
    '/__emulator/reset': {
      POST: () => {
        controls.reset()
        return jsonReply(200, { reset: true })
      }
    }
  }
  const route = routes[req.path]
  if (!route) return routeNotFound(req.method, req.path)
  const handler = route[req.method]
  if (!handler) return methodNotAllowed(req.method, req.path, Object.keys(route))
  return handler()
}

/**
 * Control calls come from curl as often as from code, so any Content-Type is read as JSON.
 * @param {ControlRequest} req
 * @param {(body: unknown) => Reply} use
 * @returns {Reply}
 */
function withBody(req, use) {
  let body
  try {
    body = JSON.parse(req.rawBody)
  } catch {
    return invalidRequest('Request body is not valid JSON')
  }
  try {
    return use(body)
  } catch (error) {
    if (error instanceof FieldsError) return invalidData(error.details)
    if (error instanceof TypeError) return errorReply(422, 'request', 'invalid_data', error.message)
    throw error
  }
}
