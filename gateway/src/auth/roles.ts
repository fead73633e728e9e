export const ROLES = ['window', 'operator', 'supervisor', 'admin'] as const;
export type Role = (typeof ROLES)[number];
const RANK: Record<Role, number> = { window: 0, operator: 1, supervisor: 2, admin: 3 };

/** Roles are ordered: each one can do what the ones before it can. */
export function hasRole(role: Role, atLeast: Role): boolean {
  return RANK[role] >= RANK[atLeast];
}
export function isRole(s: string): s is Role {
  return (ROLES as readonly string[]).includes(s);
}
