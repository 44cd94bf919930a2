// Entry point of the bundled action: starts the flow.
import { cancelOnSignals } from './runner/signals.js'
import { run } from './single/run.js'

// The runner cancels a job with SIGINT then SIGTERM: the run stops on either and still writes its record.
void run({ signal: cancelOnSignals() })
