import type { DemoSeed } from './context.js'
import { seedCorrespondence } from './correspondence.js'
import { seedDeposits } from './deposits.js'
import { seedArchive } from './archive.js'

/** Module demo seeds, run in this order after the core seed (units and users). One line per module. */
export const moduleSeeds: Array<[string, DemoSeed]> = [
  ['registry', seedCorrespondence],
  ['deposits', seedDeposits],
  ['archive', seedArchive],
]
