// The flow from start to end — inputs, settings, key, API calls, outputs — and the one place that fails the step.
import { setTimeout as sleep } from 'node:timers/promises'
import * as core from '@actions/core'
import { context } from '@actions/github'
import { ExpectedFailure } from './errors.js'
import { execute } from './execute.js'
import type { Transport } from './http.js'
import { transportFor } from './transport.js'
import { deriveIdempotencyKey } from './idempotency.js'
import { environmentOf, parseSettings, readInputs } from './inputs.js'
import { writeOutputs, writeSummary } from './report.js'
import { ACTION_NAME } from './version.js'

export interface RunOptions {
  /** Injected by tests so retries take no real time. */
  sleep?: (ms: number) => Promise<void>
  random?: () => number
  transport?: Transport
}

export async function run(options: RunOptions = {}): Promise<void> {
  // The runner masks the key once told; text that came back from the API is scrubbed too, so the key never
  // reaches a log even where masking does not apply (a local run, a log copied elsewhere).
  let redact = (text: string): string => text
  const log = {
    info: (line: string) => core.info(redact(line)),
    warning: (line: string) => core.warning(redact(line)),
    debug: (line: string) => core.debug(redact(line))
  }
  try {
    const raw = readInputs((name) => core.getInput(name))
    if (raw['secret-key']) {
      core.setSecret(raw['secret-key'])
      const secret = raw['secret-key']
      redact = (text) => text.split(secret).join('***')
    }
    const { settings, warnings } = parseSettings(raw)
    warnings.forEach(log.warning)

    const derived = deriveIdempotencyKey(
      { runId: process.env.GITHUB_RUN_ID, repository: `${context.repo.owner}/${context.repo.repo}` },
      {
        provider: settings.provider,
        store: settings.store,
        title: settings.title,
        environment: environmentOf(settings.secretKey)
      }
    )
    const idempotencyKey = settings.idempotencyKey ?? derived.key
    if (!settings.idempotencyKey && derived.random) {
      log.warning(
        'GITHUB_RUN_ID is not set, so the idempotency key is random and protects only this step’s own retries. ' +
          'Set `idempotency-key` to make repeated runs safe outside GitHub Actions.'
      )
    }
    log.info(`Idempotency key: ${idempotencyKey}`)

    const api = {
      baseUrl: settings.apiUrl,
      secretKey: settings.secretKey,
      transport: options.transport ?? transportFor(process.env),
      policy: {
        maxAttempts: settings.maxAttempts,
        timeoutMs: settings.timeoutMs,
        sleep: options.sleep ?? ((ms: number) => sleep(ms)),
        random: options.random ?? Math.random,
        now: Date.now,
        log: log.info,
        debug: log.debug
      }
    }
    const outcome = await execute(api, settings, idempotencyKey, log)

    if (outcome.kind === 'dry-run') {
      log.info(`Dry run: nothing was changed. The request that would be sent:\n${outcome.preview}`)
      log.info(`Dry run: ${outcome.verdict}.`)
    }
    writeOutputs(outcome, idempotencyKey)
    await writeSummary(outcome, settings, idempotencyKey)
  } catch (error) {
    if (!(error instanceof ExpectedFailure)) {
      // A bug of ours, not the user's: keep the stack for whoever reports it.
      log.debug(error instanceof Error ? (error.stack ?? error.message) : String(error))
    }
    const message = error instanceof Error ? error.message : String(error)
    core.setFailed(redact(`${ACTION_NAME}: ${message}`))
  }
}
