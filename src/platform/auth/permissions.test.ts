import { test } from "node:test";
import assert from "node:assert/strict";
import Fastify from "fastify";
import type { RoleGrant, StaffAccount } from "./accounts.js";
import { hasRole } from "./accounts.js";
import { can, departmentsWith, knownRoles, PLATFORM_ROLES, TENANT_ADMIN_ROLE } from "./permissions.js";
import { staffGuardOf, staffOnly } from "./guards.js";
import { lockMinutes } from "./accounts.js";

const T1 = "tenant-1";
const T2 = "tenant-2";

function account(grants: RoleGrant[], platformAdmin = false): StaffAccount {
  const roles = new Map<string, Set<string>>();
  for (const g of grants) roles.set(g.tenantId, (roles.get(g.tenantId) ?? new Set()).add(g.role));
  return { id: "a", email: "a@example.org", name: "A", platformAdmin, roles, grants, mustChangePassword: false, totpEnabled: false };
}

test("can(): platform admin everywhere; municipality admin only in its municipality", () => {
  const platform = account([], true);
  assert.ok(can(platform, T1, "sachbearbeitung", { departmentId: "x" }));
  assert.ok(can(platform, T2));
  const admin = account([{ tenantId: T1, role: TENANT_ADMIN_ROLE, departmentId: null }]);
  assert.ok(can(admin, T1, TENANT_ADMIN_ROLE));
  assert.ok(can(admin, T1, "sachbearbeitung", { departmentId: "any" }), "the administration may act in every department");
  assert.ok(can(admin, T1));
  assert.equal(can(admin, T2), false);
  assert.equal(can(admin, T2, TENANT_ADMIN_ROLE), false);
  assert.equal(can(undefined, T1), false);
  assert.equal(can(account([]), T1), false, "no role, no access");
});

test("can(): a department role counts only in its department and its municipality", () => {
  const clerk = account([{ tenantId: T1, role: "sachbearbeitung", departmentId: "ordnungsamt" }]);
  assert.ok(can(clerk, T1, "sachbearbeitung", { departmentId: "ordnungsamt" }));
  assert.equal(can(clerk, T1, "sachbearbeitung", { departmentId: "bauamt" }), false);
  assert.equal(can(clerk, T1, "sachbearbeitung", { departmentId: undefined }), false, "a scope without a department never matches a department role");
  assert.ok(can(clerk, T1, "sachbearbeitung"), "without a scope: holds the role somewhere (the caller narrows by departmentsWith)");
  assert.equal(can(clerk, T1, TENANT_ADMIN_ROLE), false);
  assert.equal(can(clerk, T1, "redaktion"), false);
  assert.equal(can(clerk, T2, "sachbearbeitung", { departmentId: "ordnungsamt" }), false, "the same department id in another municipality");
  assert.ok(can(clerk, T1), "a member of T1");
  assert.deepEqual(departmentsWith(clerk, T1, "sachbearbeitung"), ["ordnungsamt"]);
  assert.deepEqual(departmentsWith(clerk, T2, "sachbearbeitung"), []);
  assert.equal(departmentsWith(account([{ tenantId: T1, role: TENANT_ADMIN_ROLE, departmentId: null }]), T1, "sachbearbeitung"), "all");

  const editor = account([{ tenantId: T1, role: "redaktion", departmentId: null }]);
  assert.ok(can(editor, T1, "redaktion", { departmentId: "bauamt" }), "a role for the whole municipality counts in every department");
  assert.equal(hasRole(editor, T1, "redaktion"), true);
  assert.equal(hasRole(editor, T1, TENANT_ADMIN_ROLE), false);
  assert.equal(hasRole(editor, T2), false);
});

test("the known roles: the platform's list plus the modules' own, without duplicates", () => {
  const roles = knownRoles([
    { name: "x", migrations: [], roles: [{ key: TENANT_ADMIN_ROLE, label: "other label" }, { key: "wahlhelfer", label: "Wahlhelfer" }] },
  ]);
  const keys = roles.map((r) => r.key);
  assert.deepEqual(keys.slice(0, PLATFORM_ROLES.length), PLATFORM_ROLES.map((r) => r.key));
  assert.ok(keys.includes("wahlhelfer"));
  assert.equal(keys.filter((k) => k === TENANT_ADMIN_ROLE).length, 1);
  for (const k of ["kommunal-admin", "sachbearbeitung", "buergerbuero", "sitzungsdienst", "stadtplanung", "redaktion", "statistik", "mandatstraeger"]) assert.ok(keys.includes(k), k);
  assert.equal(roles.find((r) => r.key === "sachbearbeitung")?.departmentScoped, true);
  assert.ok(!keys.some((k) => /platform/i.test(k)), "platform administration is no grantable role");
});

test("lock back-off: 1 minute at the fifth failure, doubling, at most 60", () => {
  assert.deepEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 30].map(lockMinutes), [0, 0, 0, 0, 1, 2, 4, 8, 16, 32, 60, 60, 60]);
});

test("staffOnly() with a department: a department role passes only for its own department; guards describe themselves", async () => {
  const app = Fastify();
  const clerk = account([{ tenantId: T1, role: "sachbearbeitung", departmentId: "ordnungsamt" }]);
  app.decorateRequest("staff", undefined);
  app.decorateRequest("session", undefined);
  app.decorateRequest("tenant", undefined);
  app.addHook("onRequest", async (req) => {
    const kind = String(req.headers["x-kind"] ?? "staff") as "staff" | "citizen";
    req.staff = clerk;
    req.session = { idHash: "h", kind, staffAccountId: clerk.id, subjectId: null, csrfToken: "c", data: {} };
    req.tenant = { id: String(req.headers["x-tenant"] ?? T1), slug: "t", name: "T", kind: "Stadt", ags: "00000000", colors: { primary: "#000000", secondary: "#000000" }, hosts: [] };
  });
  const guard = staffOnly({ tenant: true, role: "sachbearbeitung", department: (req) => (req.params as { dept?: string }).dept });
  app.get("/:tenant/verwaltung/aemter/:dept/vorgaenge", { preHandler: guard }, async () => "ok");
  await app.ready();
  try {
    assert.equal((await app.inject({ url: "/t/verwaltung/aemter/ordnungsamt/vorgaenge" })).statusCode, 200);
    assert.equal((await app.inject({ url: "/t/verwaltung/aemter/bauamt/vorgaenge" })).statusCode, 403);
    assert.equal((await app.inject({ url: "/t/verwaltung/aemter/ordnungsamt/vorgaenge", headers: { "x-tenant": T2 } })).statusCode, 403);
    const citizen = await app.inject({ url: "/t/verwaltung/aemter/ordnungsamt/vorgaenge", headers: { "x-kind": "citizen" } });
    assert.equal(citizen.statusCode, 303, "a session that is not a staff session is no staff login, whatever it carries");
    assert.match(String(citizen.headers.location), /^\/verwaltung\/anmelden\?weiter=/);
    assert.equal(staffGuardOf([async () => undefined, guard])?.role, "sachbearbeitung");
    assert.equal(staffGuardOf(async () => undefined), undefined);
  } finally {
    await app.close();
  }
});
