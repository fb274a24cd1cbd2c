import type { Scenario } from './types.js'
import { appScenarios } from './app.js'
import { foreignersScenarios } from './foreigners.js'
import { registryScenarios } from './registry.js'
import { archiveScenarios } from './archive.js'
import { depositsScenarios } from './deposits.js'

/** Every benchmark scenario, `module.action`. A module adds its list here when its code lands. */
export const scenarios: Scenario[] = [
  ...appScenarios,
  ...registryScenarios,
  ...foreignersScenarios,
  ...archiveScenarios,
  // Last: its look-up by holder name can take seconds per request at 2 M people (see RESULTS.md), and
  // requests still running on the server would slow the scenarios after it.
  ...depositsScenarios,
]
