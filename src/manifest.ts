// Entry point of the manifest action's bundle (manifest/action.yml): starts its flow.
import { cancelOnSignals } from './runner/signals.js'
import { runManifest } from './manifest/run.js'

// The runner cancels a job with SIGINT then SIGTERM: the run stops on either and still writes its record.
void runManifest({ signal: cancelOnSignals() })
