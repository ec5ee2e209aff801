import type { AppContext } from "../../platform/context.js";
import type { FieldErrors } from "../../platform/ui/forms.js";
import type { RoleDefinition } from "../../platform/module.js";
import { can, knownRoles, TENANT_ADMIN_ROLE } from "../../platform/auth/permissions.js";
import { generateOneTimePassword, PasswordPolicyError, type StaffAccount, type TenantStaffEntry } from "../../platform/auth/accounts.js";
import { tenantService, type Department } from "../tenants/index.js";

/** A refusal: 400/409 re-render the form with `errors`; 403/404 become an error page. */
export type AdminResult<T = void> = { ok: true; value: T } | { ok: false; status: 400 | 403 | 404 | 409; errors: FieldErrors };

const refuse = (status: 400 | 403 | 404 | 409, field: string, message: string) => ({ ok: false as const, status, errors: { [field]: message } });
const NOT_HERE = "Dieses Konto gehört nicht zu Ihrer Kommune.";

/**
 * Managing the staff of one municipality: accounts, roles, resets. Every method takes the acting
 * staff member and the municipality, and checks both itself (not only the route): a municipality's
 * administration acts only on roles in its own municipality, never grants platform administration,
 * and touches an account as a whole (password, second factor, lock) only when the account belongs
 * to its municipality alone.
 */
export class StaffAdministration {
  constructor(private readonly ctx: AppContext) {}

  roles(): RoleDefinition[] {
    return knownRoles(this.ctx.modules);
  }

  departments(tenantId: string): Promise<Department[]> {
    return tenantService(this.ctx).store.departments(tenantId);
  }

  members(tenantId: string): Promise<TenantStaffEntry[]> {
    return this.ctx.accounts.listForTenant(tenantId);
  }

  /** A member of this municipality (holding a role here), or undefined — also for accounts of other municipalities. */
  async member(tenantId: string, accountId: string): Promise<(TenantStaffEntry & { otherTenants: boolean }) | undefined> {
    const entry = (await this.members(tenantId)).find((m) => m.id === accountId);
    if (!entry) return undefined;
    const tenants = await this.ctx.accounts.tenantIdsOf(accountId);
    return { ...entry, otherTenants: tenants.some((t) => t !== tenantId) };
  }

  async createMember(actor: StaffAccount, tenantId: string, input: { email: string; name: string; role: string; departmentId: string }): Promise<AdminResult<{ accountId: string; oneTimePassword: string | null }>> {
    if (!can(actor, tenantId, TENANT_ADMIN_ROLE)) return refuse(403, "form", "Sie dürfen das Personal dieser Kommune nicht verwalten.");
    const errors: FieldErrors = {};
    const email = input.email.trim().toLowerCase();
    const name = input.name.trim();
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email) || email.length > 254) errors.email = "Bitte geben Sie eine gültige E-Mail-Adresse an, z. B. name@kommune.de.";
    if (!name || name.length > 200) errors.name = "Bitte geben Sie den Namen an (höchstens 200 Zeichen).";
    const grant = await this.checkGrant(tenantId, input.role, input.departmentId);
    if (!grant.ok) Object.assign(errors, grant.errors);
    if (Object.keys(errors).length || !grant.ok) return { ok: false, status: 400, errors };
    const existing = await this.ctx.accounts.idByEmail(email);
    if (existing) {
      // Attaching an existing account to a municipality is the platform's decision, not one municipality's.
      if (!actor.platformAdmin) return refuse(409, "email", "Unter dieser E-Mail-Adresse gibt es bereits ein Konto. Die Plattform-Administration kann es Ihrer Kommune zuordnen.");
      await this.grantChecked(actor, tenantId, existing, grant.value);
      return { ok: true, value: { accountId: existing, oneTimePassword: null } };
    }
    const oneTimePassword = generateOneTimePassword();
    let accountId: string;
    try {
      accountId = await this.ctx.accounts.create({ email, name, password: oneTimePassword, mustChangePassword: true });
    } catch (err) {
      if (err instanceof PasswordPolicyError) return refuse(400, "email", err.message);
      throw err;
    }
    await this.ctx.audit.record({ tenantId, actor: { type: "staff", id: actor.id }, action: "staff.create", object: { type: "staff-account", id: accountId }, fields: ["email", "name", "password"] });
    await this.grantChecked(actor, tenantId, accountId, grant.value);
    return { ok: true, value: { accountId, oneTimePassword } };
  }

  async grant(actor: StaffAccount, tenantId: string, accountId: string, role: string, departmentId: string): Promise<AdminResult> {
    const target = await this.targetInTenant(actor, tenantId, accountId);
    if (!target.ok) return target;
    const grant = await this.checkGrant(tenantId, role, departmentId);
    if (!grant.ok) return grant;
    if (!(await this.grantChecked(actor, tenantId, accountId, grant.value))) return refuse(409, "role", "Diese Rolle hat die Person bereits.");
    return { ok: true, value: undefined };
  }

  async revoke(actor: StaffAccount, tenantId: string, accountId: string, role: string, departmentId: string): Promise<AdminResult> {
    const target = await this.targetInTenant(actor, tenantId, accountId);
    if (!target.ok) return target;
    const dept = departmentId || null;
    if (accountId === actor.id && role === TENANT_ADMIN_ROLE && !actor.platformAdmin) {
      return refuse(409, "role", "Sie können sich die Administration nicht selbst entziehen. Bitten Sie eine andere Person mit dieser Rolle darum.");
    }
    // The last role is the membership itself: without it nobody here could manage the account again.
    if (target.value.grants.length === 1 && target.value.grants[0]!.role === role && (target.value.grants[0]!.departmentId ?? null) === dept) {
      return refuse(409, "role", "Das ist die letzte Rolle dieser Person in Ihrer Kommune. Vergeben Sie zuerst eine andere Rolle oder deaktivieren Sie das Konto.");
    }
    if (!(await this.ctx.accounts.revokeRole(accountId, tenantId, role, dept))) return refuse(409, "role", "Diese Rolle hat die Person nicht (mehr).");
    await this.auditRole("staff.role.revoke", actor, tenantId, accountId, role, dept);
    return { ok: true, value: undefined };
  }

  /** Sets a new one-time password (shown once), lifts a lock, ends the account's sessions. */
  async resetPassword(actor: StaffAccount, tenantId: string, accountId: string): Promise<AdminResult<string>> {
    const target = await this.wholeAccountTarget(actor, tenantId, accountId);
    if (!target.ok) return target;
    const oneTimePassword = generateOneTimePassword();
    await this.ctx.accounts.setPassword(accountId, oneTimePassword, { mustChange: true });
    await this.ctx.accounts.endSessions(accountId);
    await this.ctx.audit.record({ tenantId, actor: { type: "staff", id: actor.id }, action: "staff.password.reset", object: { type: "staff-account", id: accountId }, fields: ["password"] });
    return { ok: true, value: oneTimePassword };
  }

  /** Switches the second factor off, e.g. after a lost phone; the person can enrol again after logging in. */
  async resetTotp(actor: StaffAccount, tenantId: string, accountId: string): Promise<AdminResult> {
    const target = await this.wholeAccountTarget(actor, tenantId, accountId);
    if (!target.ok) return target;
    await this.ctx.accounts.resetTotp(accountId);
    await this.ctx.accounts.endSessions(accountId);
    await this.ctx.audit.record({ tenantId, actor: { type: "staff", id: actor.id }, action: "staff.mfa.reset", object: { type: "staff-account", id: accountId }, fields: ["totp"] });
    return { ok: true, value: undefined };
  }

  async setDisabled(actor: StaffAccount, tenantId: string, accountId: string, disabled: boolean): Promise<AdminResult> {
    const target = await this.wholeAccountTarget(actor, tenantId, accountId);
    if (!target.ok) return target;
    await this.ctx.accounts.setDisabled(accountId, disabled);
    if (disabled) await this.ctx.accounts.endSessions(accountId);
    await this.ctx.audit.record({ tenantId, actor: { type: "staff", id: actor.id }, action: disabled ? "staff.disable" : "staff.enable", object: { type: "staff-account", id: accountId }, fields: ["disabled"] });
    return { ok: true, value: undefined };
  }

  // ---- rules ----

  /** The role exists; a department-bound role names a department of this municipality. */
  private async checkGrant(tenantId: string, role: string, departmentId: string): Promise<AdminResult<{ role: string; departmentId: string | null }>> {
    const def = this.roles().find((r) => r.key === role);
    // Platform administration is no role a municipality can hand out: it is not in the list.
    if (!def) return refuse(400, "role", "Bitte wählen Sie eine Rolle aus der Liste.");
    if (!departmentId) {
      if (def.departmentScoped) return refuse(400, "departmentId", `Die Rolle „${def.label}“ gilt für ein Amt. Bitte wählen Sie das Amt.`);
      return { ok: true, value: { role, departmentId: null } };
    }
    if (role === TENANT_ADMIN_ROLE) return refuse(400, "departmentId", "Die Administration gilt immer für die ganze Kommune. Bitte wählen Sie kein Amt.");
    if (!(await tenantService(this.ctx).store.departmentById(tenantId, departmentId))) return refuse(400, "departmentId", "Bitte wählen Sie ein Amt dieser Kommune.");
    return { ok: true, value: { role, departmentId } };
  }

  private async grantChecked(actor: StaffAccount, tenantId: string, accountId: string, g: { role: string; departmentId: string | null }): Promise<boolean> {
    const added = await this.ctx.accounts.grantRole(accountId, tenantId, g.role, g.departmentId);
    if (added) await this.auditRole("staff.role.grant", actor, tenantId, accountId, g.role, g.departmentId);
    return added;
  }

  /** Role keys and department ids are no personal data; the reason names them so the log says what changed. */
  private async auditRole(action: string, actor: StaffAccount, tenantId: string, accountId: string, role: string, departmentId: string | null): Promise<void> {
    await this.ctx.audit.record({
      tenantId,
      actor: { type: "staff", id: actor.id },
      action,
      object: { type: "staff-account", id: accountId },
      fields: ["role", "department"],
      reason: `role=${role}${departmentId ? ` department=${departmentId}` : ""}`,
    });
  }

  /** The actor administers the municipality, and the account holds a role in it. */
  private async targetInTenant(actor: StaffAccount, tenantId: string, accountId: string): Promise<AdminResult<TenantStaffEntry & { otherTenants: boolean }>> {
    if (!can(actor, tenantId, TENANT_ADMIN_ROLE)) return refuse(403, "form", "Sie dürfen das Personal dieser Kommune nicht verwalten.");
    const member = await this.member(tenantId, accountId);
    if (!member) return refuse(404, "form", NOT_HERE);
    return { ok: true, value: member };
  }

  /** Password, second factor and lock concern the whole account: only its own municipality's admins (or the platform's) may. */
  private async wholeAccountTarget(actor: StaffAccount, tenantId: string, accountId: string): Promise<AdminResult<TenantStaffEntry & { otherTenants: boolean }>> {
    const target = await this.targetInTenant(actor, tenantId, accountId);
    if (!target.ok || actor.platformAdmin) return target;
    if (accountId === actor.id) return refuse(409, "zugang", "Ihr eigenes Konto verwalten Sie unter „Ihr Konto“ (Passwort, Zwei-Faktor-Anmeldung).");
    if (target.value.platformAdmin) return refuse(403, "form", "Konten der Plattform-Administration verwaltet nur die Plattform-Administration.");
    if (target.value.otherTenants) return refuse(403, "form", "Dieses Konto gehört auch zu einer anderen Kommune. Passwort, Zwei-Faktor-Anmeldung und Sperre verwaltet daher die Plattform-Administration.");
    return target;
  }
}
