// @actions/github builds `context` when first imported, so the run variables must exist before any test imports it.
process.env.GITHUB_RUN_ID ??= '4242'
process.env.GITHUB_RUN_ATTEMPT ??= '1'
process.env.GITHUB_REPOSITORY ??= 'acme/app'
process.env.GITHUB_WORKFLOW ??= 'release'
process.env.GITHUB_JOB ??= 'integrations'
