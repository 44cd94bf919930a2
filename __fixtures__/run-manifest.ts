// Runs src/manifest/run.ts in-process the way the runner would (see in-process.ts), with a workspace holding the
// manifest file.
import { MANIFEST_INPUT_DEFAULTS } from '../src/manifest/inputs.js'
import type { ManifestRunOptions } from '../src/manifest/run.js'
import { API, SECRET, runInProcess, type InProcessRun } from './in-process.js'
import { record as anyRecord } from './records.js'

export { API, SECRET }
export type ManifestRun = InProcessRun
export const MANIFEST = '.github/qonversion-integrations.yml'

export const baseInputs = { 'secret-key': SECRET, 'api-url': API }

/** A record as the list returns it for a managed integration: active unless said otherwise. */
export const record = (overrides: Record<string, unknown> = {}): Record<string, unknown> =>
  anyRecord({ active: 1, ...overrides })

/**
 * `files` are written into a fresh GITHUB_WORKSPACE (the manifest at MANIFEST unless `manifest` is undefined);
 * inputs left out get their manifest/action.yml default; `env` values override (undefined removes one).
 * Sleeps are recorded and take no time unless `options.sleep` is given.
 */
export function runManifest(
  run: {
    inputs?: Record<string, string>
    manifest?: string
    files?: Record<string, string>
    env?: Record<string, string | undefined>
  },
  options: ManifestRunOptions = {}
): Promise<ManifestRun> {
  return runInProcess(
    {
      defaults: MANIFEST_INPUT_DEFAULTS,
      prefix: 'qia-manifest-',
      inputs: { ...baseInputs, ...run.inputs },
      env: run.env,
      files: { ...(run.manifest === undefined ? {} : { [MANIFEST]: run.manifest }), ...run.files }
    },
    async (o) => {
      const { runManifest: start } = await import('../src/manifest/run.js')
      await start({ ...o, githubBudget: options.githubBudget })
    },
    options
  )
}
