import { test } from "node:test";
import assert from "node:assert/strict";
import { sql } from "kysely";
import { createTestDatabase } from "../../test-support/db.js";
import { migrate } from "../db/migrate.js";
import { migrationSets } from "../../app.js";
import { platformMigrations } from "../migrations.js";
import { ManualClock } from "../clock.js";
import { Secrets } from "../secrets.js";
import { StaffAccounts } from "./accounts.js";
import { can, TENANT_ADMIN_ROLE } from "./permissions.js";
import { totpAt } from "./totp.js";

test("migration 002 keeps existing roles, and the role table is unique per (account, municipality, role, department)", async () => {
  const database = await createTestDatabase();
  const clock = new ManualClock();
  try {
    // A database as it was before: only 001_core.
    await migrate(database.db, [{ owner: "platform", migrations: platformMigrations.slice(0, 1) }], clock);
    const k = database.db.kysely;
    await sql`insert into staff_accounts (id, email, name, password_hash, platform_admin, created_at, failed_logins) values ('acc-1', 'alt@example.org', 'Alt', 'x', 0, ${clock.now().toISOString()}, 0)`.execute(k);
    await sql`insert into staff_roles (account_id, tenant_id, role) values ('acc-1', 'tenant-1', 'kommunal-admin')`.execute(k);

    const applied = await migrate(database.db, migrationSets(), clock);
    assert.ok(applied.includes("platform/002_staff_security"));
    const accounts = new StaffAccounts(database.db, clock, await Secrets.load(database.db, "test-key"));
    const old = await accounts.byId("acc-1");
    assert.deepEqual(old?.grants, [{ tenantId: "tenant-1", role: TENANT_ADMIN_ROLE, departmentId: null }]);
    assert.equal(old?.mustChangePassword, false);
    assert.equal(old?.totpEnabled, false);

    assert.equal(await accounts.grantRole("acc-1", "tenant-1", TENANT_ADMIN_ROLE), false, "the same grant twice is one grant");
    assert.equal(await accounts.grantRole("acc-1", "tenant-1", "sachbearbeitung", "dept-a"), true);
    assert.equal(await accounts.grantRole("acc-1", "tenant-1", "sachbearbeitung", "dept-a"), false);
    assert.equal(await accounts.grantRole("acc-1", "tenant-1", "sachbearbeitung", "dept-b"), true, "another department is another grant");
    assert.equal(await accounts.grantRole("acc-1", "tenant-2", "sachbearbeitung", "dept-a"), true);
    await assert.rejects(sql`insert into staff_roles (account_id, tenant_id, role, department_id) values ('acc-1', 'tenant-1', 'kommunal-admin', null)`.execute(k), "the unique index also holds for NULL departments");
    assert.equal((await accounts.byId("acc-1"))!.grants.length, 4);
    assert.equal(await accounts.revokeRole("acc-1", "tenant-1", "sachbearbeitung", "dept-a"), true);
    assert.equal(await accounts.revokeRole("acc-1", "tenant-1", "sachbearbeitung", "dept-a"), false);
    assert.equal(await accounts.revokeRole("acc-1", "tenant-1", "sachbearbeitung"), false, "no tenant-wide grant of that role to revoke");
    const after = (await accounts.byId("acc-1"))!;
    assert.deepEqual(after.grants.filter((g) => g.role === "sachbearbeitung").map((g) => `${g.tenantId}/${g.departmentId}`).sort(), ["tenant-1/dept-b", "tenant-2/dept-a"]);
    assert.ok(can(after, "tenant-2", "sachbearbeitung", { departmentId: "dept-a" }));
    assert.equal(can(after, "tenant-2", "sachbearbeitung", { departmentId: "dept-b" }), false);
  } finally {
    await database.dispose();
  }
});

test("TOTP at rest, replay across requests, and the single sign-on hook", async () => {
  const database = await createTestDatabase();
  const clock = new ManualClock();
  try {
    await migrate(database.db, migrationSets(), clock);
    const accounts = new StaffAccounts(database.db, clock, await Secrets.load(database.db, "test-key"));
    const id = await accounts.create({ email: "Erna@Example.org", name: "Erna", password: "Ernas-Passwort-2026" });

    const secret = (await accounts.pendingTotpSecret(id))!;
    assert.equal(await accounts.pendingTotpSecret(id), secret, "the pending secret stays until confirmed");
    assert.notEqual(await accounts.pendingTotpSecret(id, { renew: true }), secret, "unless a new one is asked for");
    const fresh = (await accounts.pendingTotpSecret(id))!;
    const row = await database.db.kysely.selectFrom("staff_accounts").select("totp_secret").where("id", "=", id).executeTakeFirstOrThrow();
    assert.ok(row.totp_secret!.startsWith("v1.") && !row.totp_secret!.includes(fresh));
    const code = totpAt(fresh, clock.now());
    assert.equal(await accounts.confirmTotp(id, code), true);
    assert.equal(await accounts.pendingTotpSecret(id), undefined, "no secret is shown once TOTP is on");

    const step1 = await accounts.checkPassword("erna@example.org", "Ernas-Passwort-2026");
    assert.ok(step1.ok && step1.secondFactor === "totp");
    assert.equal((await accounts.checkSecondFactor(id, code)).ok, false, "the enrolment code is used up");
    clock.advance(30_000);
    const next = totpAt(fresh, clock.now());
    const [a, b] = await Promise.all([accounts.checkSecondFactor(id, next), accounts.checkSecondFactor(id, next)]);
    assert.equal([a, b].filter((r) => r.ok).length, 1, "two requests with one code: only one succeeds");

    // The hook for the staff OIDC client: find/link by (tenant, provider, subject).
    assert.equal(await accounts.byExternalIdentity("tenant-1", "provider-1", "sub-123"), undefined);
    await accounts.linkExternalIdentity(id, "tenant-1", "provider-1", "sub-123");
    await accounts.linkExternalIdentity(id, "tenant-1", "provider-1", "sub-123");
    assert.equal((await accounts.byExternalIdentity("tenant-1", "provider-1", "sub-123"))?.id, id);
    assert.equal(await accounts.byExternalIdentity("tenant-2", "provider-1", "sub-123"), undefined, "a subject counts only at its municipality's provider");
    await accounts.setDisabled(id, true);
    assert.equal(await accounts.byExternalIdentity("tenant-1", "provider-1", "sub-123"), undefined, "a disabled account does not log in by SSO either");
    await accounts.setDisabled(id, false);
    await accounts.unlinkExternalIdentity("tenant-1", "provider-1", "sub-123");
    assert.equal(await accounts.byExternalIdentity("tenant-1", "provider-1", "sub-123"), undefined);

    // A value encrypted under another key cannot be read: the second factor then fails closed.
    const other = new StaffAccounts(database.db, clock, await Secrets.load(database.db, "another-key"));
    clock.advance(30_000);
    assert.equal((await other.checkSecondFactor(id, totpAt(fresh, clock.now()))).ok, false);
  } finally {
    await database.dispose();
  }
});
