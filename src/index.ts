// Entry point of the bundled action: starts the flow.
import { run } from './main.js'

void run()
