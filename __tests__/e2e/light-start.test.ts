// The bundles keep undici, tunnel, @actions/http-client, @actions/exec and @actions/io off the start-up path
// (src/lazy/, CONTRIBUTING.md "A light start"): none of their code is in either action's index.js.
import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { ROOT } from '../../scripts/run-action.mjs'

// A string each package's code carries (checked against the package itself), to tell whether a file holds it.
const MARKERS: [name: string, file: string, marker: string][] = [
  ['undici', 'undici/lib/core/diagnostics.js', 'undici:client:sendHeaders'],
  ['tunnel', 'tunnel/lib/tunnel.js', 'tunneling socket could not be established'],
  ['@actions/http-client', '@actions/http-client/lib/index.js', 'Client has already been disposed'],
  ['@actions/exec', '@actions/exec/lib/toolrunner.js', "The process '"],
  ['@actions/io', '@actions/io/lib/io-util.js', 'isRooted() parameter']
]

const read = (...path: string[]) => readFileSync(join(ROOT, ...path), 'utf8')

describe('what the bundles load at start', () => {
  it.each(MARKERS)('neither dist/index.js nor dist/manifest/index.js holds %s', (_name, file, marker) => {
    expect(read('node_modules', file)).toContain(marker)
    expect(read('dist', 'index.js')).not.toContain(marker)
    expect(read('dist', 'manifest', 'index.js')).not.toContain(marker)
  })
})
