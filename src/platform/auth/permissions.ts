import type { ModuleManifest, RoleDefinition } from "../module.js";
import type { StaffAccount } from "./accounts.js";

/**
 * The one permission check of the platform. Every module asks `can()` (directly, or through
 * `staffOnly()` on a route); nobody reads role sets by hand.
 *
 * Rules:
 * - a platform admin may do everything, everywhere;
 * - the municipality's administration ("kommunal-admin") may do everything within its municipality;
 * - any other role counts only in the municipality it was granted for, and a role granted for a
 *   department counts only for that department.
 */

/** The role that administers one municipality's settings, departments and staff. */
export const TENANT_ADMIN_ROLE = "kommunal-admin";

/** Roles the platform knows itself; modules add theirs in their manifest (`roles`). */
export const PLATFORM_ROLES: RoleDefinition[] = [
  { key: TENANT_ADMIN_ROLE, label: "Administration der Kommune" },
  { key: "sachbearbeitung", label: "Sachbearbeitung", departmentScoped: true },
  { key: "buergerbuero", label: "Bürgerbüro" },
  { key: "sitzungsdienst", label: "Sitzungsdienst" },
  { key: "stadtplanung", label: "Stadtplanung" },
  { key: "redaktion", label: "Redaktion" },
  { key: "statistik", label: "Statistik" },
  { key: "mandatstraeger", label: "Mandatsträgerin / Mandatsträger" },
];

/** Every role a municipality can grant: the platform's, then the modules' (first definition of a key wins). */
export function knownRoles(modules: ModuleManifest[]): RoleDefinition[] {
  const byKey = new Map<string, RoleDefinition>();
  for (const r of [...PLATFORM_ROLES, ...modules.flatMap((m) => m.roles ?? [])]) if (!byKey.has(r.key)) byKey.set(r.key, r);
  return [...byKey.values()];
}

/**
 * May `staff` act with `role` in municipality `tenantId`?
 *
 * - `role` undefined: is the account a member of the municipality at all (any role)?
 * - `scope` given: the action concerns `scope.departmentId`; a role granted for a department
 *   counts only when that is the same department (an unknown department never matches).
 * - `scope` not given: a department-bound role counts if it is held for any department; the
 *   caller then narrows its data to `departmentsWith(staff, tenantId, role)`.
 */
export function can(staff: StaffAccount | undefined, tenantId: string, role?: string, scope?: { departmentId?: string | null | undefined }): boolean {
  if (!staff) return false;
  if (staff.platformAdmin) return true;
  const grants = staff.grants.filter((g) => g.tenantId === tenantId);
  if (grants.length === 0) return false;
  if (grants.some((g) => g.role === TENANT_ADMIN_ROLE)) return true;
  if (role === undefined) return true;
  return grants.some((g) => g.role === role && (g.departmentId === null || !scope || g.departmentId === scope.departmentId));
}

/**
 * The departments in which `staff` holds `role`: "all" for tenant-wide holders (and admins),
 * otherwise the list of department ids (possibly empty).
 */
export function departmentsWith(staff: StaffAccount | undefined, tenantId: string, role: string): "all" | string[] {
  if (!staff) return [];
  if (staff.platformAdmin) return "all";
  const grants = staff.grants.filter((g) => g.tenantId === tenantId);
  if (grants.some((g) => g.role === TENANT_ADMIN_ROLE || (g.role === role && g.departmentId === null))) return "all";
  return grants.filter((g) => g.role === role && g.departmentId !== null).map((g) => g.departmentId!);
}
