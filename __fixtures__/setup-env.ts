// The run variables a runner always sets, for tests that run the flows in process (the key is derived from them).
process.env.GITHUB_RUN_ID ??= '4242'
process.env.GITHUB_RUN_ATTEMPT ??= '1'
process.env.GITHUB_REPOSITORY ??= 'acme/app'
process.env.GITHUB_WORKFLOW ??= 'release'
process.env.GITHUB_JOB ??= 'integrations'
