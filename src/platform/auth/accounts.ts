import { scrypt as scryptCb, randomBytes, timingSafeEqual } from "node:crypto";
import { promisify } from "node:util";
import type { Db } from "../db/index.js";
import type { Clock } from "../clock.js";
import { newId } from "../ids.js";

const scrypt = promisify(scryptCb) as (pw: string, salt: Buffer, len: number, opts: object) => Promise<Buffer>;

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
    };
    staff_roles: { account_id: string; tenant_id: string; role: string };
  }
}

export interface StaffAccount {
  id: string;
  email: string;
  name: string;
  platformAdmin: boolean;
  /** tenant id → role keys */
  roles: Map<string, Set<string>>;
}

/** The role that administers one municipality's settings, departments and staff. */
export const TENANT_ADMIN_ROLE = "kommunal-admin";

const SCRYPT = { N: 16384, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await scrypt(password, salt, 32, SCRYPT);
  return `scrypt$${SCRYPT.N}$${SCRYPT.r}$${SCRYPT.p}$${salt.toString("base64url")}$${hash.toString("base64url")}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split("$");
  if (scheme !== "scrypt" || !salt || !hash) return false;
  const expected = Buffer.from(hash, "base64url");
  const actual = await scrypt(password, Buffer.from(salt, "base64url"), expected.length, {
    N: Number(n), r: Number(r), p: Number(p), maxmem: 64 * 1024 * 1024,
  });
  return timingSafeEqual(expected, actual);
}

export class PasswordPolicyError extends Error {}

export function checkPasswordPolicy(password: string): void {
  if (password.length < 12) throw new PasswordPolicyError("Das Passwort muss mindestens 12 Zeichen lang sein.");
}

const MAX_FAILED = 5;
const LOCK_MS = 15 * 60 * 1000;

/** Staff accounts (administration employees). Citizens log in with the Servicekonto instead. */
export class StaffAccounts {
  constructor(private readonly db: Db, private readonly clock: Clock) {}

  async create(input: { email: string; name: string; password: string; platformAdmin?: boolean }): Promise<string> {
    checkPasswordPolicy(input.password);
    const email = input.email.trim().toLowerCase();
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) throw new PasswordPolicyError("Bitte geben Sie eine gültige E-Mail-Adresse an.");
    const id = newId(this.clock);
    await this.db.kysely
      .insertInto("staff_accounts")
      .values({
        id,
        email,
        name: input.name.trim(),
        password_hash: await hashPassword(input.password),
        platform_admin: input.platformAdmin ? 1 : 0,
        created_at: this.clock.now().toISOString(),
        disabled_at: null,
        last_login_at: null,
        failed_logins: 0,
        locked_until: null,
      })
      .execute();
    return id;
  }

  async exists(email: string): Promise<boolean> {
    const row = await this.db.kysely.selectFrom("staff_accounts").select("id").where("email", "=", email.trim().toLowerCase()).executeTakeFirst();
    return !!row;
  }

  async count(): Promise<number> {
    const row = await this.db.kysely.selectFrom("staff_accounts").select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async grantRole(accountId: string, tenantId: string, role: string): Promise<void> {
    await this.db.kysely
      .insertInto("staff_roles")
      .values({ account_id: accountId, tenant_id: tenantId, role })
      .onConflict((oc) => oc.columns(["account_id", "tenant_id", "role"]).doNothing())
      .execute();
  }

  async revokeRole(accountId: string, tenantId: string, role: string): Promise<void> {
    await this.db.kysely.deleteFrom("staff_roles").where("account_id", "=", accountId).where("tenant_id", "=", tenantId).where("role", "=", role).execute();
  }

  /** Checks a login; counts failures and locks the account for 15 minutes after 5 in a row. */
  async authenticate(email: string, password: string): Promise<{ ok: true; account: StaffAccount } | { ok: false; reason: "invalid" | "locked" | "disabled" }> {
    const now = this.clock.now();
    const row = await this.db.kysely.selectFrom("staff_accounts").selectAll().where("email", "=", email.trim().toLowerCase()).executeTakeFirst();
    if (!row) {
      // Same work as a real check, so timing does not reveal which addresses exist.
      await verifyPassword(password, "scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
      return { ok: false, reason: "invalid" };
    }
    if (row.disabled_at) return { ok: false, reason: "disabled" };
    if (row.locked_until && row.locked_until > now.toISOString()) return { ok: false, reason: "locked" };
    if (!(await verifyPassword(password, row.password_hash))) {
      const failed = Number(row.failed_logins) + 1;
      await this.db.kysely
        .updateTable("staff_accounts")
        .set({ failed_logins: failed >= MAX_FAILED ? 0 : failed, locked_until: failed >= MAX_FAILED ? new Date(now.getTime() + LOCK_MS).toISOString() : row.locked_until })
        .where("id", "=", row.id)
        .execute();
      return { ok: false, reason: failed >= MAX_FAILED ? "locked" : "invalid" };
    }
    await this.db.kysely.updateTable("staff_accounts").set({ failed_logins: 0, locked_until: null, last_login_at: now.toISOString() }).where("id", "=", row.id).execute();
    return { ok: true, account: (await this.byId(row.id))! };
  }

  async byId(id: string): Promise<StaffAccount | undefined> {
    const row = await this.db.kysely.selectFrom("staff_accounts").select(["id", "email", "name", "platform_admin", "disabled_at"]).where("id", "=", id).executeTakeFirst();
    if (!row || row.disabled_at) return undefined;
    const roleRows = await this.db.kysely.selectFrom("staff_roles").select(["tenant_id", "role"]).where("account_id", "=", id).execute();
    const roles = new Map<string, Set<string>>();
    for (const r of roleRows) {
      if (!roles.has(r.tenant_id)) roles.set(r.tenant_id, new Set());
      roles.get(r.tenant_id)!.add(r.role);
    }
    return { id: row.id, email: row.email, name: row.name, platformAdmin: row.platform_admin === 1, roles };
  }

  async listForTenant(tenantId: string): Promise<{ id: string; email: string; name: string; roles: string[] }[]> {
    const rows = await this.db.kysely
      .selectFrom("staff_roles")
      .innerJoin("staff_accounts", "staff_accounts.id", "staff_roles.account_id")
      .select(["staff_accounts.id", "staff_accounts.email", "staff_accounts.name", "staff_roles.role"])
      .where("staff_roles.tenant_id", "=", tenantId)
      .orderBy("staff_accounts.name")
      .execute();
    const byId = new Map<string, { id: string; email: string; name: string; roles: string[] }>();
    for (const r of rows) {
      const e = byId.get(r.id) ?? { id: r.id, email: r.email, name: r.name, roles: [] };
      e.roles.push(r.role);
      byId.set(r.id, e);
    }
    return [...byId.values()];
  }
}

/** May this account act with `role` in the municipality? Platform admins may do everything. */
export function hasRole(account: StaffAccount | undefined, tenantId: string, role?: string): boolean {
  if (!account) return false;
  if (account.platformAdmin) return true;
  const roles = account.roles.get(tenantId);
  if (!roles || roles.size === 0) return false;
  return role === undefined || roles.has(role) || roles.has(TENANT_ADMIN_ROLE);
}
