// Entry point of the manifest action's bundle (manifest/action.yml): starts its flow.
import { runManifest } from './manifest-main.js'

void runManifest()
