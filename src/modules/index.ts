import type { BokModule } from './types.js'
import { authModule } from './auth/index.js'
import { homeModule } from './home/index.js'
import { adminModule } from './admin/index.js'
import { auditModule } from './audit/index.js'
import { correspondenceModule } from './correspondence/index.js'
import { foreignersModule } from './foreigners/index.js'
import { depositsModule } from './deposits/index.js'
import { archiveModule } from './archive/index.js'

/** Every feature module, in navigation order. A new module is one line here. */
export const modules: BokModule[] = [
  authModule,
  homeModule,
  correspondenceModule,
  depositsModule,
  foreignersModule,
  archiveModule,
  adminModule,
  auditModule,
]
