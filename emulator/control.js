// The /__emulator/ control endpoints, so a workflow or script that runs the emulator as its own process can queue
// faults, add delivery scenarios and read the records over HTTP.
// @ts-check
import { errorReply, invalidRequest, methodNotAllowed, routeNotFound } from './errors.js'
import { jsonReply } from './reply.js'
import { ENVS } from './store.js'

/** @typedef {import('./reply.js').Reply} Reply */
/** @typedef {import('./store.js').Env} Env */
/** @typedef {import('./store.js').AdminRecord} AdminRecord */
/** @typedef {import('./faults.js').Fault} Fault */
/** @typedef {import('./faults.js').FaultSpec} FaultSpec */
/** @typedef {import('./delivery.js').Scenario} Scenario */
/** @typedef {import('./delivery.js').ScenarioSpec} ScenarioSpec */
/**
 * The in-process operations these routes are the HTTP twins of.
 * @typedef {object} Controls
 * @property {(spec: FaultSpec) => Fault} inject
 * @property {(env?: Env) => AdminRecord[]} records
 * @property {(spec: ScenarioSpec) => Scenario} scenario
 */
/**
 * @typedef {object} ControlRequest
 * @property {string} method
 * @property {string} path
 * @property {URLSearchParams} query
 * @property {string} rawBody
 */

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
    '/__emulator/scenarios': {
      POST: () =>
        withBody(req, (body) => jsonReply(201, controls.scenario(/** @type {ScenarioSpec} */ (body))))
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
    if (error instanceof TypeError) return errorReply(422, 'request', 'invalid_data', error.message)
    throw error
  }
}
