import type { DemoSeed } from './context.js'
import { seedArchive } from './archive.js'

/** Module demo seeds, run in this order after the core seed (units and users). One line per module. */
export const moduleSeeds: Array<[string, DemoSeed]> = [['archive', seedArchive]]
