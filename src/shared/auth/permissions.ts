/**
 * Roles and permissions, declared in one place. A route names the permission it needs
 * (see guard.ts); a test walks every route with every role against this table.
 * Administrators manage accounts, not personal data: least privilege.
 */
export const roles = [
  'admin',
  'registry_clerk',
  'archivist',
  'hall_staff',
  'document_officer',
  'records_officer',
  'auditor',
] as const
export type Role = (typeof roles)[number]

/** Staff who work in an organisational unit and receive its correspondence and prepare its transfers. */
const unitStaff: Role[] = ['registry_clerk', 'archivist', 'hall_staff', 'document_officer', 'records_officer']

export const permissions = {
  /** Own account, start page, language, password and second factor. */
  account: [...roles],
  'admin.users': ['admin'],
  'admin.units': ['admin'],
  'audit.read': ['admin', 'auditor'],
  'registry.read': ['registry_clerk'],
  'registry.write': ['registry_clerk'],
  'registry.inbox': unitStaff,
  'foreigners.read': ['hall_staff', 'document_officer', 'records_officer'],
  'foreigners.write': ['hall_staff', 'document_officer', 'records_officer'],
  'deposits.read': ['hall_staff'],
  'deposits.write': ['hall_staff'],
  'archive.read': ['archivist'],
  'archive.write': ['archivist'],
  'archive.transfer': unitStaff,
} satisfies Record<string, readonly Role[]>

export type Permission = keyof typeof permissions

export function roleHas(role: Role, permission: Permission): boolean {
  return (permissions[permission] as readonly Role[]).includes(role)
}

export function can(userRoles: readonly string[] | undefined, permission: Permission): boolean {
  return !!userRoles?.some((r) => roleHas(r as Role, permission))
}

export function isRole(value: string): value is Role {
  return (roles as readonly string[]).includes(value)
}
