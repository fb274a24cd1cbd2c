import type { Scenario } from './types.js'
import { appScenarios } from './app.js'
import { foreignersScenarios } from './foreigners.js'

/** Every benchmark scenario, `module.action`. A module adds its list here when its code lands. */
export const scenarios: Scenario[] = [...appScenarios, ...foreignersScenarios]
