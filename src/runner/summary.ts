// The job summary's shared pieces: HTML escaping, and the failure shown so that nothing in it renders.
import * as core from '@actions/core'

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!)
}

/** The failure, below a summary's table: as text in a code block, so nothing in it (server text too) renders. */
export function addFailure(summary: typeof core.summary, error: string): typeof core.summary {
  return summary.addCodeBlock(escapeHtml(error))
}
