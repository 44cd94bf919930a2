// Preloaded into a spawned bundle by the end-to-end tests (`node --import <this file>?speed=N dist/…`): the
// process's clock runs N times fast — Date.now, timers and timers/promises alike — so a gate's wait or a 10 s
// timeout takes a tenth of it while the bundle runs unchanged. A test selects it with a node flag on the process it
// spawns; the action has no input or variable that reads it.
import { syncBuiltinESMExports } from 'node:module'
import timers from 'node:timers/promises'

const speed = Number(new URL(import.meta.url).searchParams.get('speed'))
if (!(speed >= 1)) throw new Error(`fast-clock.mjs: ?speed= must be a number ≥ 1, not ${speed}`)

const realNow = Date.now
const origin = realNow()
/** One clock for the whole process: N ms of it pass for each real millisecond from the start. */
Date.now = () => Math.round(origin + (realNow() - origin) * speed)

/** @param {unknown} ms */
const scaled = (ms) => (Number(ms) || 0) / speed
/** @typedef {(callback: () => void, ms: unknown, ...args: unknown[]) => unknown} Timer */
const realSetTimeout = /** @type {Timer} */ (globalThis.setTimeout)
const realSetInterval = /** @type {Timer} */ (globalThis.setInterval)
/** @type {{ setTimeout: Function, setInterval: Function }} */
const timerGlobals = globalThis
timerGlobals.setTimeout = (
  /** @type {() => void} */ callback,
  /** @type {unknown} */ ms,
  /** @type {unknown[]} */ ...args
) => realSetTimeout(callback, scaled(ms), ...args)
timerGlobals.setInterval = (
  /** @type {() => void} */ callback,
  /** @type {unknown} */ ms,
  /** @type {unknown[]} */ ...args
) => realSetInterval(callback, scaled(ms), ...args)
const realSleep = timers.setTimeout
timers.setTimeout = /** @type {typeof timers.setTimeout} */ (
  (
    /** @type {number} */ ms,
    /** @type {unknown} */ value,
    /** @type {import('node:timers').TimerOptions} */ options
  ) => realSleep(scaled(ms), value, options)
)
// The bundle may import the named export: make it see the patched function too.
syncBuiltinESMExports()
