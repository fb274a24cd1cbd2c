import type { DemoSeed } from './context.js'
import { seedDeposits } from './deposits.js'

/** Module demo seeds, run in this order after the core seed (units and users). One line per module. */
export const moduleSeeds: Array<[string, DemoSeed]> = [['deposits', seedDeposits]]
