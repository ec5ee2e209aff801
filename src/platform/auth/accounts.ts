import type { Db } from "../db/index.js";
import type { Clock } from "../clock.js";
import type { Secrets } from "../secrets.js";
import { newId } from "../ids.js";
import { can, TENANT_ADMIN_ROLE } from "./permissions.js";
import { newTotpSecret, verifyTotp } from "./totp.js";
import { checkPasswordPolicy, DUMMY_HASH, hashPassword, lockMinutes, PasswordPolicyError, verifyPassword } from "./passwords.js";

export { TENANT_ADMIN_ROLE } from "./permissions.js";
export { checkPasswordPolicy, generateOneTimePassword, hashPassword, LOCK_AFTER_FAILURES, lockMinutes, PasswordPolicyError, verifyPassword } from "./passwords.js";

declare module "../db/schema.js" {
  interface Database {
    staff_accounts: {
      id: string;
      email: string;
      name: string;
      password_hash: string;
      platform_admin: number;
      created_at: string;
      disabled_at: string | null;
      last_login_at: string | null;
      failed_logins: number;
      locked_until: string | null;
      /** the base32 TOTP secret, encrypted (Secrets.encrypt, purpose "totp:<id>"); set and not enabled = enrolment pending */
      totp_secret: string | null;
      totp_enabled_at: string | null;
      /** the last time step a code was accepted for: no code works twice */
      totp_last_step: number | null;
      must_change_password: number;
      password_changed_at: string | null;
    };
    staff_roles: { account_id: string; tenant_id: string; role: string; department_id: string | null };
    staff_identities: { tenant_id: string; provider_id: string; subject: string; account_id: string; created_at: string; last_login_at: string | null };
  }
}

/** One role held in one municipality, for the whole municipality (departmentId null) or one department. */
export interface RoleGrant {
  tenantId: string;
  role: string;
  departmentId: string | null;
}

export interface StaffAccount {
  id: string;
  email: string;
  name: string;
  platformAdmin: boolean;
  /** tenant id → role keys (any department); for display. Permission checks use can(). */
  roles: Map<string, Set<string>>;
  grants: RoleGrant[];
  /** set by an admin's reset: every staff page leads to the password change until it is done */
  mustChangePassword: boolean;
  totpEnabled: boolean;
}

export type LoginRefusal =
  | { ok: false; reason: "invalid"; accountId?: string | undefined }
  | { ok: false; reason: "locked"; accountId: string; lockedUntil: Date; lockedNow: boolean }
  | { ok: false; reason: "disabled"; accountId: string };

export type PasswordCheck = { ok: true; account: StaffAccount; secondFactor: "totp" | null } | LoginRefusal;
export type SecondFactorCheck = { ok: true; account: StaffAccount } | LoginRefusal;


/**
 * Staff accounts (administration employees): passwords, second factor, lockout, roles, and the
 * links to a municipality's single sign-on. Citizens log in with the Servicekonto instead.
 */
export class StaffAccounts {
  constructor(private readonly db: Db, private readonly clock: Clock, private readonly secrets: Secrets) {}

  async create(input: { email: string; name: string; password: string; platformAdmin?: boolean; mustChangePassword?: boolean }): Promise<string> {
    checkPasswordPolicy(input.password);
    const email = input.email.trim().toLowerCase();
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email) || email.length > 254) throw new PasswordPolicyError("Bitte geben Sie eine gültige E-Mail-Adresse an.");
    const id = newId(this.clock);
    const now = this.clock.now().toISOString();
    await this.db.kysely
      .insertInto("staff_accounts")
      .values({
        id,
        email,
        name: input.name.trim(),
        password_hash: await hashPassword(input.password),
        platform_admin: input.platformAdmin ? 1 : 0,
        created_at: now,
        disabled_at: null,
        last_login_at: null,
        failed_logins: 0,
        locked_until: null,
        totp_secret: null,
        totp_enabled_at: null,
        totp_last_step: null,
        must_change_password: input.mustChangePassword ? 1 : 0,
        password_changed_at: now,
      })
      .execute();
    return id;
  }

  async exists(email: string): Promise<boolean> {
    return !!(await this.idByEmail(email));
  }

  async idByEmail(email: string): Promise<string | undefined> {
    const row = await this.db.kysely.selectFrom("staff_accounts").select("id").where("email", "=", email.trim().toLowerCase()).executeTakeFirst();
    return row?.id;
  }

  async count(): Promise<number> {
    const row = await this.db.kysely.selectFrom("staff_accounts").select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow();
    return Number(row.n);
  }

  // ---- roles ----

  /** Grants a role (idempotent). Returns whether it was new. Callers check the role key and department first (see the staff module). */
  async grantRole(accountId: string, tenantId: string, role: string, departmentId: string | null = null): Promise<boolean> {
    // No conflict target: the unique index is over an expression (coalesce(department_id, '')).
    const res = await this.db.kysely
      .insertInto("staff_roles")
      .values({ account_id: accountId, tenant_id: tenantId, role, department_id: departmentId })
      .onConflict((oc) => oc.doNothing())
      .executeTakeFirst();
    return Number(res.numInsertedOrUpdatedRows ?? 0) > 0;
  }

  /** Revokes one grant. Returns whether there was one. */
  async revokeRole(accountId: string, tenantId: string, role: string, departmentId: string | null = null): Promise<boolean> {
    const res = await this.db.kysely
      .deleteFrom("staff_roles")
      .where("account_id", "=", accountId)
      .where("tenant_id", "=", tenantId)
      .where("role", "=", role)
      .where((eb) => (departmentId === null ? eb("department_id", "is", null) : eb("department_id", "=", departmentId)))
      .executeTakeFirst();
    return Number(res.numDeletedRows) > 0;
  }

  // ---- password login, second factor, lockout ----

  /**
   * Checks email and password. With TOTP switched on, a right password is only the first step:
   * the failure count stays until the code is right too, so guessing codes cannot be reset by
   * re-entering a known password.
   */
  async checkPassword(email: string, password: string): Promise<PasswordCheck> {
    const now = this.clock.now();
    const row = await this.db.kysely.selectFrom("staff_accounts").selectAll().where("email", "=", email.trim().toLowerCase()).executeTakeFirst();
    if (!row) {
      // Same work as a real check, so timing does not reveal which addresses exist.
      await verifyPassword(password, DUMMY_HASH);
      return { ok: false, reason: "invalid" };
    }
    if (row.disabled_at) return { ok: false, reason: "disabled", accountId: row.id };
    if (row.locked_until && row.locked_until > now.toISOString()) return { ok: false, reason: "locked", accountId: row.id, lockedUntil: new Date(row.locked_until), lockedNow: false };
    if (!(await verifyPassword(password, row.password_hash))) return this.recordFailure(row.id);
    if (row.totp_enabled_at) return { ok: true, account: (await this.byId(row.id))!, secondFactor: "totp" };
    await this.recordLogin(row.id);
    return { ok: true, account: (await this.byId(row.id))!, secondFactor: null };
  }

  /** The second login step: a TOTP code for an account whose password was right a moment ago. */
  async checkSecondFactor(accountId: string, code: string): Promise<SecondFactorCheck> {
    const now = this.clock.now();
    const row = await this.db.kysely.selectFrom("staff_accounts").selectAll().where("id", "=", accountId).executeTakeFirst();
    if (!row) return { ok: false, reason: "invalid" };
    if (row.disabled_at) return { ok: false, reason: "disabled", accountId };
    if (row.locked_until && row.locked_until > now.toISOString()) return { ok: false, reason: "locked", accountId, lockedUntil: new Date(row.locked_until), lockedNow: false };
    if (!row.totp_enabled_at || !row.totp_secret) return { ok: false, reason: "invalid", accountId };
    if (!(await this.acceptCode(row.id, row.totp_secret, row.totp_last_step, code))) return this.recordFailure(row.id);
    await this.recordLogin(row.id);
    return { ok: true, account: (await this.byId(row.id))! };
  }

  /** A complete login (password and second factor, or single sign-on): the failure count starts again. */
  async recordLogin(accountId: string): Promise<void> {
    await this.db.kysely.updateTable("staff_accounts").set({ failed_logins: 0, locked_until: null, last_login_at: this.clock.now().toISOString() }).where("id", "=", accountId).execute();
  }

  /** Counts a failed password or code; from the fifth in a row the account is locked with back-off. */
  private async recordFailure(accountId: string): Promise<LoginRefusal> {
    const now = this.clock.now();
    const counted = await this.db.kysely
      .updateTable("staff_accounts")
      .set((eb) => ({ failed_logins: eb("failed_logins", "+", 1) }))
      .where("id", "=", accountId)
      .returning("failed_logins")
      .executeTakeFirstOrThrow();
    const minutes = lockMinutes(Number(counted.failed_logins));
    if (minutes === 0) return { ok: false, reason: "invalid", accountId };
    const lockedUntil = new Date(now.getTime() + minutes * 60_000);
    await this.db.kysely.updateTable("staff_accounts").set({ locked_until: lockedUntil.toISOString() }).where("id", "=", accountId).execute();
    return { ok: false, reason: "locked", accountId, lockedUntil, lockedNow: true };
  }

  /** Verifies a code and claims its time step atomically, so two requests cannot both use one code. */
  private async acceptCode(accountId: string, encryptedSecret: string, lastStep: number | null, code: string): Promise<boolean> {
    const secret = this.readSecret(accountId, encryptedSecret);
    if (!secret) return false;
    const step = verifyTotp(secret, code, this.clock.now(), { lastUsedStep: lastStep === null ? null : Number(lastStep) });
    if (step === null) return false;
    const res = await this.db.kysely
      .updateTable("staff_accounts")
      .set({ totp_last_step: step })
      .where("id", "=", accountId)
      .where((eb) => eb.or([eb("totp_last_step", "is", null), eb("totp_last_step", "<", step)]))
      .executeTakeFirst();
    return Number(res.numUpdatedRows) > 0;
  }

  private readSecret(accountId: string, encrypted: string): string | undefined {
    try {
      return this.secrets.decrypt(`totp:${accountId}`, encrypted);
    } catch {
      // Another SECRET_KEY or a changed value: the account needs a TOTP reset by an admin.
      return undefined;
    }
  }

  // ---- TOTP enrolment (by the staff member) and reset (by an admin) ----

  /** The secret to show during enrolment: the pending one, or a new one. Undefined when TOTP is already on. */
  async pendingTotpSecret(accountId: string, opts: { renew?: boolean } = {}): Promise<string | undefined> {
    const row = await this.db.kysely.selectFrom("staff_accounts").select(["totp_secret", "totp_enabled_at"]).where("id", "=", accountId).executeTakeFirst();
    if (!row || row.totp_enabled_at) return undefined;
    const existing = row.totp_secret && !opts.renew ? this.readSecret(accountId, row.totp_secret) : undefined;
    if (existing) return existing;
    const secret = newTotpSecret();
    await this.db.kysely
      .updateTable("staff_accounts")
      .set({ totp_secret: this.secrets.encrypt(`totp:${accountId}`, secret), totp_last_step: null })
      .where("id", "=", accountId)
      .where("totp_enabled_at", "is", null)
      .execute();
    return secret;
  }

  /** Switches TOTP on when the code fits the pending secret. */
  async confirmTotp(accountId: string, code: string): Promise<boolean> {
    const row = await this.db.kysely.selectFrom("staff_accounts").select(["totp_secret", "totp_enabled_at", "totp_last_step"]).where("id", "=", accountId).executeTakeFirst();
    if (!row || row.totp_enabled_at || !row.totp_secret) return false;
    if (!(await this.acceptCode(accountId, row.totp_secret, row.totp_last_step, code))) return false;
    await this.db.kysely.updateTable("staff_accounts").set({ totp_enabled_at: this.clock.now().toISOString() }).where("id", "=", accountId).execute();
    return true;
  }

  /**
   * Switches TOTP off with a valid code. A wrong code counts as a failed login (someone with a
   * stolen session must not be able to guess their way around the second factor).
   */
  async disableTotp(accountId: string, code: string): Promise<{ ok: true } | LoginRefusal> {
    const now = this.clock.now();
    const row = await this.db.kysely.selectFrom("staff_accounts").selectAll().where("id", "=", accountId).executeTakeFirst();
    if (!row || !row.totp_enabled_at || !row.totp_secret) return { ok: false, reason: "invalid" };
    if (row.locked_until && row.locked_until > now.toISOString()) return { ok: false, reason: "locked", accountId, lockedUntil: new Date(row.locked_until), lockedNow: false };
    if (!(await this.acceptCode(accountId, row.totp_secret, row.totp_last_step, code))) return this.recordFailure(accountId);
    await this.resetTotp(accountId);
    return { ok: true };
  }

  /** An admin's reset: TOTP off, the next login needs the password only. */
  async resetTotp(accountId: string): Promise<void> {
    await this.db.kysely.updateTable("staff_accounts").set({ totp_secret: null, totp_enabled_at: null, totp_last_step: null }).where("id", "=", accountId).execute();
  }

  // ---- passwords, disabling, sessions ----

  /** Re-checks the password of a logged-in account (before changing it); failures count like failed logins. */
  async checkCurrentPassword(accountId: string, password: string): Promise<{ ok: true } | LoginRefusal> {
    const now = this.clock.now();
    const row = await this.db.kysely.selectFrom("staff_accounts").selectAll().where("id", "=", accountId).executeTakeFirst();
    if (!row) return { ok: false, reason: "invalid" };
    if (row.locked_until && row.locked_until > now.toISOString()) return { ok: false, reason: "locked", accountId, lockedUntil: new Date(row.locked_until), lockedNow: false };
    if (!(await verifyPassword(password, row.password_hash))) return this.recordFailure(accountId);
    return { ok: true };
  }

  /**
   * Sets a password. `mustChange`: an admin's one-time password, to be replaced at the next login.
   * A reset also lifts a lock.
   */
  async setPassword(accountId: string, password: string, opts: { mustChange: boolean }): Promise<void> {
    checkPasswordPolicy(password);
    await this.db.kysely
      .updateTable("staff_accounts")
      .set({
        password_hash: await hashPassword(password),
        must_change_password: opts.mustChange ? 1 : 0,
        password_changed_at: this.clock.now().toISOString(),
        failed_logins: 0,
        locked_until: null,
      })
      .where("id", "=", accountId)
      .execute();
  }

  async setDisabled(accountId: string, disabled: boolean): Promise<void> {
    await this.db.kysely.updateTable("staff_accounts").set({ disabled_at: disabled ? this.clock.now().toISOString() : null }).where("id", "=", accountId).execute();
  }

  /** Ends the account's sessions (after a reset or when it is disabled), except the one given. */
  async endSessions(accountId: string, exceptIdHash?: string): Promise<void> {
    let q = this.db.kysely.deleteFrom("sessions").where("staff_account_id", "=", accountId);
    if (exceptIdHash) q = q.where("id_hash", "!=", exceptIdHash);
    await q.execute();
  }

  // ---- single sign-on hook (the OIDC client for staff lives elsewhere) ----

  /** The account linked to `subject` at the municipality's provider, if any and not disabled. */
  async byExternalIdentity(tenantId: string, providerId: string, subject: string): Promise<StaffAccount | undefined> {
    const row = await this.db.kysely
      .selectFrom("staff_identities")
      .select("account_id")
      .where("tenant_id", "=", tenantId)
      .where("provider_id", "=", providerId)
      .where("subject", "=", subject)
      .executeTakeFirst();
    return row ? this.byId(row.account_id) : undefined;
  }

  /**
   * Links a provider subject to an account (idempotent). Only link an account that holds a role
   * in `tenantId`, and only on a decision the platform can defend (an admin, or a verified
   * e-mail of the municipality's own provider): the link is a login without password.
   */
  async linkExternalIdentity(accountId: string, tenantId: string, providerId: string, subject: string): Promise<void> {
    await this.db.kysely
      .insertInto("staff_identities")
      .values({ tenant_id: tenantId, provider_id: providerId, subject, account_id: accountId, created_at: this.clock.now().toISOString(), last_login_at: null })
      .onConflict((oc) => oc.columns(["tenant_id", "provider_id", "subject"]).doNothing())
      .execute();
  }

  /**
   * The account id linked to `subject` at the municipality's provider — also when the account is
   * disabled (byExternalIdentity() hides those), so a login can tell "linked, but disabled" from
   * "not linked yet" and never links the subject a second time.
   */
  async linkedAccountId(tenantId: string, providerId: string, subject: string): Promise<string | undefined> {
    const row = await this.db.kysely
      .selectFrom("staff_identities")
      .select("account_id")
      .where("tenant_id", "=", tenantId)
      .where("provider_id", "=", providerId)
      .where("subject", "=", subject)
      .executeTakeFirst();
    return row?.account_id;
  }

  /** Notes a single sign-on login on the link (the account's own last login is recordLogin()). */
  async recordExternalLogin(tenantId: string, providerId: string, subject: string): Promise<void> {
    await this.db.kysely
      .updateTable("staff_identities")
      .set({ last_login_at: this.clock.now().toISOString() })
      .where("tenant_id", "=", tenantId)
      .where("provider_id", "=", providerId)
      .where("subject", "=", subject)
      .execute();
  }

  async unlinkExternalIdentity(tenantId: string, providerId: string, subject: string): Promise<void> {
    await this.db.kysely.deleteFrom("staff_identities").where("tenant_id", "=", tenantId).where("provider_id", "=", providerId).where("subject", "=", subject).execute();
  }

  // ---- reading ----

  async byId(id: string): Promise<StaffAccount | undefined> {
    const row = await this.db.kysely
      .selectFrom("staff_accounts")
      .select(["id", "email", "name", "platform_admin", "disabled_at", "must_change_password", "totp_enabled_at"])
      .where("id", "=", id)
      .executeTakeFirst();
    if (!row || row.disabled_at) return undefined;
    const grantRows = await this.db.kysely.selectFrom("staff_roles").select(["tenant_id", "role", "department_id"]).where("account_id", "=", id).execute();
    const grants = grantRows.map((r) => ({ tenantId: r.tenant_id, role: r.role, departmentId: r.department_id }));
    return {
      id: row.id,
      email: row.email,
      name: row.name,
      platformAdmin: row.platform_admin === 1,
      roles: rolesByTenant(grants),
      grants,
      mustChangePassword: row.must_change_password === 1,
      totpEnabled: !!row.totp_enabled_at,
    };
  }

  /** Everyone holding a role in the municipality, with all their grants there (and only there). */
  async listForTenant(tenantId: string): Promise<TenantStaffEntry[]> {
    const rows = await this.db.kysely
      .selectFrom("staff_roles")
      .innerJoin("staff_accounts", "staff_accounts.id", "staff_roles.account_id")
      .select([
        "staff_accounts.id", "staff_accounts.email", "staff_accounts.name", "staff_accounts.platform_admin", "staff_accounts.disabled_at",
        "staff_accounts.totp_enabled_at", "staff_accounts.locked_until", "staff_accounts.must_change_password", "staff_accounts.last_login_at",
        "staff_roles.role", "staff_roles.department_id",
      ])
      .where("staff_roles.tenant_id", "=", tenantId)
      .orderBy("staff_accounts.name")
      .orderBy("staff_accounts.id")
      .execute();
    const now = this.clock.now().toISOString();
    const byId = new Map<string, TenantStaffEntry>();
    for (const r of rows) {
      let e = byId.get(r.id);
      if (!e) {
        e = {
          id: r.id, email: r.email, name: r.name, platformAdmin: r.platform_admin === 1, disabled: !!r.disabled_at, totpEnabled: !!r.totp_enabled_at,
          locked: !!r.locked_until && r.locked_until > now, mustChangePassword: r.must_change_password === 1, lastLoginAt: r.last_login_at,
          roles: [], grants: [],
        };
        byId.set(r.id, e);
      }
      if (!e.roles.includes(r.role)) e.roles.push(r.role);
      e.grants.push({ tenantId, role: r.role, departmentId: r.department_id });
    }
    return [...byId.values()];
  }

  /** The municipalities in which the account holds any role (also for disabled accounts). */
  async tenantIdsOf(accountId: string): Promise<string[]> {
    const rows = await this.db.kysely.selectFrom("staff_roles").select("tenant_id").distinct().where("account_id", "=", accountId).execute();
    return rows.map((r) => r.tenant_id);
  }

  /** The stored state of an account, disabled or not (for the admin pages; byId() hides disabled accounts). */
  async summary(accountId: string): Promise<{ id: string; email: string; name: string; platformAdmin: boolean; disabled: boolean; totpEnabled: boolean; locked: boolean; mustChangePassword: boolean; lastLoginAt: string | null } | undefined> {
    const r = await this.db.kysely.selectFrom("staff_accounts").selectAll().where("id", "=", accountId).executeTakeFirst();
    if (!r) return undefined;
    return {
      id: r.id, email: r.email, name: r.name, platformAdmin: r.platform_admin === 1, disabled: !!r.disabled_at, totpEnabled: !!r.totp_enabled_at,
      locked: !!r.locked_until && r.locked_until > this.clock.now().toISOString(), mustChangePassword: r.must_change_password === 1, lastLoginAt: r.last_login_at,
    };
  }

  /** Raw counters for tests and the admin page. */
  async lockState(accountId: string): Promise<{ failedLogins: number; lockedUntil: string | null }> {
    const r = await this.db.kysely.selectFrom("staff_accounts").select(["failed_logins", "locked_until"]).where("id", "=", accountId).executeTakeFirstOrThrow();
    return { failedLogins: Number(r.failed_logins), lockedUntil: r.locked_until };
  }
}

export interface TenantStaffEntry {
  id: string;
  email: string;
  name: string;
  platformAdmin: boolean;
  disabled: boolean;
  totpEnabled: boolean;
  locked: boolean;
  mustChangePassword: boolean;
  lastLoginAt: string | null;
  /** role keys held in this municipality */
  roles: string[];
  grants: RoleGrant[];
}

function rolesByTenant(grants: RoleGrant[]): Map<string, Set<string>> {
  const roles = new Map<string, Set<string>>();
  for (const g of grants) {
    if (!roles.has(g.tenantId)) roles.set(g.tenantId, new Set());
    roles.get(g.tenantId)!.add(g.role);
  }
  return roles;
}

/** May this account act with `role` in the municipality? The same check as can() (kept for existing callers). */
export function hasRole(account: StaffAccount | undefined, tenantId: string, role?: string): boolean {
  return can(account, tenantId, role);
}
