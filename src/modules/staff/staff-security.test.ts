import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import type { LightMyRequestResponse } from "fastify";
import { createTestApp, csrfFrom, form, loginStaff, DEMO_ACCOUNTS, type TestApp } from "../../test-support/app.js";
import { tenantService, type Department } from "../tenants/index.js";
import { TENANT_ADMIN_ROLE, can } from "../../platform/auth/permissions.js";
import { totpAt } from "../../platform/auth/totp.js";
import { randomToken, sha256 } from "../../platform/ids.js";
import type { Tenant } from "../../platform/tenancy.js";

/**
 * Security of the staff area: login with password and TOTP, lock with back-off, resets by an
 * admin, role management within one municipality — and a walk over every registered staff route
 * (taken from the app itself) with the wrong tenant, the wrong role, a citizen and no login.
 */

let t: TestApp;
let usingen: Tenant;
let neuAnspach: Tenant;
let usingenDepts: Department[];
let naDepts: Department[];
before(async () => {
  t = await createTestApp();
  await t.app.inject({ url: "/" }); // the municipality directory loads with the first request
  usingen = t.ctx.tenants.bySlug("usingen")!;
  neuAnspach = t.ctx.tenants.bySlug("neu-anspach")!;
  usingenDepts = await tenantService(t.ctx).store.departments(usingen.id);
  naDepts = await tenantService(t.ctx).store.departments(neuAnspach.id);
  assert.ok(usingenDepts.length >= 2 && naDepts.length >= 1, "the demo municipalities have departments");
});
after(() => t.close());

const [platformAdmin, usingenAdmin, naAdmin] = DEMO_ACCOUNTS as [typeof DEMO_ACCOUNTS[0], typeof DEMO_ACCOUNTS[0], typeof DEMO_ACCOUNTS[0]];
const urlencoded = { "content-type": "application/x-www-form-urlencoded" };

/**
 * The session cookie a browser keeps: the last rathaus_sid in the response. (A login that replaces
 * a session first clears the old cookie, then sets the new one, in two Set-Cookie headers.)
 */
function sessionCookie(res: LightMyRequestResponse): string {
  const raw = res.headers["set-cookie"];
  const all = (Array.isArray(raw) ? raw : raw ? [raw] : []).filter((c) => c.startsWith("rathaus_sid=")).map((c) => c.split(";")[0]!);
  const last = all.at(-1);
  if (!last || last === "rathaus_sid=") throw new Error("no session cookie set");
  return last;
}

async function get(url: string, cookie?: string): Promise<LightMyRequestResponse> {
  return t.app.inject({ url, headers: cookie ? { cookie } : {} });
}
async function post(url: string, fields: Record<string, string>, cookie?: string): Promise<LightMyRequestResponse> {
  return t.app.inject({ method: "POST", url, headers: { ...urlencoded, ...(cookie ? { cookie } : {}) }, payload: form(fields) });
}
/** The password step through the real form (with whatever cookie the browser already holds). */
async function passwordStep(email: string, password: string, cookie?: string): Promise<LightMyRequestResponse> {
  const page = await get("/verwaltung/anmelden", cookie);
  return post("/verwaltung/anmelden", { _csrf: csrfFrom(page.body), email, password }, cookie);
}
async function newAccount(email: string, password: string, grants: { tenant: Tenant; role: string; departmentId?: string }[] = []): Promise<string> {
  const id = await t.ctx.accounts.create({ email, name: email.split("@")[0]!, password });
  for (const g of grants) await t.ctx.accounts.grantRole(id, g.tenant.id, g.role, g.departmentId ?? null);
  return id;
}
async function auditFor(objectId: string) {
  return (await t.ctx.audit.list({ limit: 1000 })).filter((e) => e.object?.id === objectId || e.actor.id === objectId);
}
/** Turns TOTP on for an account directly (the enrolment page is tested on its own). */
async function enableTotp(accountId: string): Promise<string> {
  const secret = (await t.ctx.accounts.pendingTotpSecret(accountId))!;
  assert.ok(await t.ctx.accounts.confirmTotp(accountId, totpAt(secret, t.clock.now())));
  t.clock.advance(30_000); // the enrolment code's step is used up
  return secret;
}

test("password + TOTP: enrol, log out, log in with password → code step → wrong and replayed codes refused → right code → staff session; a new session id at every step", async () => {
  const email = "anna.amt@usingen.example";
  const password = "Anna-Passwort-2026";
  const annaId = await newAccount(email, password, [{ tenant: usingen, role: TENANT_ADMIN_ROLE }]);
  const colleagueId = await newAccount("kollege@usingen.example", "Kollege-Passwort-2026", [{ tenant: usingen, role: "buergerbuero" }]);

  // Enrol
  let session = await loginStaff(t.app, email, password);
  const enrolPage = await get("/verwaltung/konto/zwei-faktor", session.cookie);
  assert.equal(enrolPage.statusCode, 200);
  const secret = /class="totp-secret">([A-Z2-7 ]+)</.exec(enrolPage.body)?.[1]?.replace(/ /g, "");
  assert.ok(secret && secret.length === 32, "the secret is shown as grouped base32 text");
  assert.ok(enrolPage.body.includes(`otpauth://totp/Digitales%20Rathaus:anna.amt%40usingen.example?secret=${secret}&amp;issuer=`), "the otpauth URI is shown as text");
  assert.equal((await get("/verwaltung/konto/zwei-faktor", session.cookie)).body.includes(secret!.slice(0, 4)), true, "a reload shows the same pending secret");
  const stored = await t.ctx.db.kysely.selectFrom("staff_accounts").select(["totp_secret", "totp_enabled_at"]).where("id", "=", annaId).executeTakeFirstOrThrow();
  assert.ok(stored.totp_secret && !stored.totp_secret.includes(secret!), "the secret is stored encrypted");
  assert.equal(stored.totp_enabled_at, null, "not on before a code confirms it");
  const wrongEnrol = await post("/verwaltung/konto/zwei-faktor", { _csrf: session.csrf, code: "12345" }, session.cookie);
  assert.equal(wrongEnrol.statusCode, 400);
  const enrolCode = totpAt(secret!, t.clock.now());
  const enabled = await post("/verwaltung/konto/zwei-faktor", { _csrf: session.csrf, code: enrolCode }, session.cookie);
  assert.equal(enabled.statusCode, 303);
  assert.match((await get("/verwaltung/konto/zwei-faktor?status=ein", session.cookie)).body, /ist eingeschaltet/);
  assert.equal((await post("/verwaltung/abmelden", { _csrf: session.csrf }, session.cookie)).statusCode, 303);

  // A session the visitor already had (here one an attacker could have planted) is not reused.
  const planted = randomToken(32);
  const now = t.clock.now();
  await t.ctx.db.kysely.insertInto("sessions").values({ id_hash: sha256(planted), kind: "form", staff_account_id: null, subject_id: null, csrf_token: randomToken(24), data: "{}", created_at: now.toISOString(), last_seen_at: now.toISOString(), expires_at: new Date(now.getTime() + 3600_000).toISOString() }).execute();
  const plantedCookie = `rathaus_sid=${planted}`;

  const step1 = await passwordStep(email, password, plantedCookie);
  assert.equal(step1.statusCode, 303);
  assert.equal(step1.headers.location, "/verwaltung/anmelden/code");
  const pendingCookie = sessionCookie(step1);
  assert.notEqual(pendingCookie, plantedCookie, "the password step starts a new session");
  assert.equal(await t.ctx.db.kysely.selectFrom("sessions").select("id_hash").where("id_hash", "=", sha256(planted)).executeTakeFirst(), undefined, "the earlier session is gone");

  // The pending state is no staff login.
  for (const url of ["/verwaltung/", "/usingen/verwaltung/", "/usingen/verwaltung/personal", "/verwaltung/konto/zwei-faktor"]) {
    const res = await get(url, pendingCookie);
    assert.equal(res.statusCode, 303, url);
    assert.match(String(res.headers.location), /^\/verwaltung\/anmelden\?weiter=/, url);
  }

  const codePage = await get("/verwaltung/anmelden/code", pendingCookie);
  assert.equal(codePage.statusCode, 200);
  assert.match(codePage.body, /Bestätigungscode/);
  const codeCsrf = csrfFrom(codePage.body);
  const current = totpAt(secret!, t.clock.now());
  const wrong = current === "000000" ? "111111" : "000000";
  const refused = await post("/verwaltung/anmelden/code", { _csrf: codeCsrf, code: wrong }, pendingCookie);
  assert.equal(refused.statusCode, 400);
  assert.match(refused.body, /Code ist nicht richtig/);
  const replayed = await post("/verwaltung/anmelden/code", { _csrf: codeCsrf, code: enrolCode }, pendingCookie);
  assert.equal(replayed.statusCode, 400, "the code used for the enrolment cannot be used again");
  assert.equal((await t.ctx.accounts.lockState(annaId)).failedLogins, 2);

  t.clock.advance(30_000);
  const done = await post("/verwaltung/anmelden/code", { _csrf: codeCsrf, code: totpAt(secret!, t.clock.now()) }, pendingCookie);
  assert.equal(done.statusCode, 303);
  assert.equal(done.headers.location, "/verwaltung/");
  const staffCookie = sessionCookie(done);
  assert.notEqual(staffCookie, pendingCookie, "the second step starts a new session again");
  assert.notEqual(staffCookie, plantedCookie);
  assert.equal((await get("/verwaltung/anmelden/code", pendingCookie)).statusCode, 303, "the pending session is gone");
  assert.equal((await t.ctx.accounts.lockState(annaId)).failedLogins, 0, "a complete login resets the failure count");

  const entries = await auditFor(annaId);
  assert.ok(entries.some((e) => e.action === "staff.login.step-up" && e.fields.includes("totp")));
  assert.ok(entries.some((e) => e.action === "staff.login" && e.fields.join() === "password,totp"));
  assert.equal(entries.filter((e) => e.action === "staff.login.failed" && e.fields.includes("totp")).length, 2);
  // Only the free parts of an entry can carry typed text; ids and hashes are hex and may contain any digit run.
  const typed = JSON.stringify(entries.map((e) => ({ action: e.action, fields: e.fields, reason: e.reason })));
  assert.ok(!typed.includes(wrong) && !JSON.stringify(entries).includes(password), "no codes or passwords in the audit log");

  // …and manages a role: Sachbearbeitung for one department, then revoked again.
  const overview = await get("/usingen/verwaltung/personal", staffCookie);
  assert.equal(overview.statusCode, 200);
  assert.match(overview.body, /kollege@usingen\.example/);
  const detailPage = await get(`/usingen/verwaltung/personal/${colleagueId}`, staffCookie);
  assert.equal(detailPage.statusCode, 200);
  const csrf = csrfFrom(detailPage.body);
  const dept = usingenDepts[0]!;
  const granted = await post(`/usingen/verwaltung/personal/${colleagueId}/rollen`, { _csrf: csrf, role: "sachbearbeitung", departmentId: dept.id }, staffCookie);
  assert.equal(granted.statusCode, 303, granted.body.slice(0, 300));
  assert.ok((await get(`/usingen/verwaltung/personal/${colleagueId}`, staffCookie)).body.includes(`Sachbearbeitung (${dept.name})`));
  const colleague = (await t.ctx.accounts.byId(colleagueId))!;
  assert.ok(can(colleague, usingen.id, "sachbearbeitung", { departmentId: dept.id }));
  assert.equal(can(colleague, usingen.id, "sachbearbeitung", { departmentId: usingenDepts[1]!.id }), false, "only in that department");
  const revoked = await post(`/usingen/verwaltung/personal/${colleagueId}/rollen/entziehen`, { _csrf: csrf, role: "sachbearbeitung", departmentId: dept.id }, staffCookie);
  assert.equal(revoked.statusCode, 303);
  assert.equal(can((await t.ctx.accounts.byId(colleagueId))!, usingen.id, "sachbearbeitung", { departmentId: dept.id }), false);
  const roleEntries = (await auditFor(colleagueId)).filter((e) => e.action.startsWith("staff.role."));
  assert.deepEqual(roleEntries.map((e) => e.action).sort(), ["staff.role.grant", "staff.role.revoke"]);
  for (const e of roleEntries) {
    assert.equal(e.tenantId, usingen.id);
    assert.deepEqual(e.actor, { type: "staff", id: annaId });
    assert.deepEqual(e.fields, ["role", "department"]);
    assert.equal(e.reason, `role=sachbearbeitung department=${dept.id}`);
  }

  // Switching TOTP off needs a valid code.
  const account = await get("/verwaltung/konto/zwei-faktor", staffCookie);
  const accountCsrf = csrfFrom(account.body);
  assert.equal((await post("/verwaltung/konto/zwei-faktor/ausschalten", { _csrf: accountCsrf, code: wrong }, staffCookie)).statusCode, 400);
  t.clock.advance(30_000);
  assert.equal((await post("/verwaltung/konto/zwei-faktor/ausschalten", { _csrf: accountCsrf, code: totpAt(secret!, t.clock.now()) }, staffCookie)).statusCode, 303);
  assert.equal((await t.ctx.accounts.byId(annaId))!.totpEnabled, false);
  session = await loginStaff(t.app, email, password);
  assert.ok(session.cookie, "without TOTP the password alone logs in again");
});

test("lock with back-off: 5 failures lock for 1 minute, each further failure doubles it up to 60 minutes; the user is told until when", async () => {
  const email = "sperre@usingen.example";
  const password = "Richtiges-Passwort-2026";
  const wrong = "Falsches-Passwort-123";
  const id = await newAccount(email, password, [{ tenant: usingen, role: "statistik" }]);
  t.clock.set("2026-11-27T12:00:00Z"); // later than every earlier test's clock; 13:00 in Berlin
  for (let i = 0; i < 4; i++) assert.match((await passwordStep(email, wrong)).body, /nicht richtig/);
  const fifth = await passwordStep(email, wrong);
  assert.equal(fifth.statusCode, 400);
  // 12:00Z + 1 minute is 13:01 in Berlin (CET in November).
  assert.match(fifth.body, /gesperrt\. Sie können es ab 13:01 Uhr erneut versuchen \(in etwa 1 Minute\)/);
  assert.match((await passwordStep(email, password)).body, /gesperrt/, "locked even with the right password");
  const lockedFor = async () => {
    const s = await t.ctx.accounts.lockState(id);
    return (new Date(s.lockedUntil!).getTime() - t.clock.now().getTime()) / 60_000;
  };
  assert.equal(await lockedFor(), 1);
  for (const minutes of [2, 4, 8, 16, 32, 60, 60]) {
    t.clock.advance((await lockedFor()) * 60_000 + 1000);
    const res = await passwordStep(email, wrong);
    assert.match(res.body, new RegExp(`in etwa ${minutes} ${minutes === 1 ? "Minute" : "Minuten"}`), `lock of ${minutes} minutes`);
    assert.equal(await lockedFor(), minutes);
  }
  t.clock.advance(60 * 60_000 + 1000);
  assert.equal((await passwordStep(email, password)).statusCode, 303, "after the lock the right password works");
  assert.deepEqual(await t.ctx.accounts.lockState(id), { failedLogins: 0, lockedUntil: null });

  const entries = await auditFor(id);
  assert.equal(entries.filter((e) => e.action === "staff.login.lockout").length, 8);
  assert.ok(entries.filter((e) => e.action === "staff.login.failed").length >= 13);
  assert.ok(entries.every((e) => e.actor.id === id || e.actor.type === "system"), "the actor is the account");
  assert.ok(!JSON.stringify(entries).includes(wrong) && !JSON.stringify(entries).includes(password), "never a password in the log");

  // An unknown address: audited without the address.
  await passwordStep("niemand@usingen.example", wrong);
  const last = (await t.ctx.audit.list({ limit: 1 }))[0]!;
  assert.equal(last.action, "staff.login.failed");
  assert.equal(last.actor.type, "anonymous");
  assert.ok(!JSON.stringify(last).includes("niemand"));
});

test("wrong TOTP codes count towards the lock, and re-entering the right password does not reset the count", async () => {
  const email = "codes@usingen.example";
  const password = "Codes-Passwort-2026";
  const id = await newAccount(email, password, [{ tenant: usingen, role: "redaktion" }]);
  const secret = await enableTotp(id);
  const wrongCode = () => (totpAt(secret, t.clock.now()) === "000000" ? "111111" : "000000");
  for (let i = 0; i < 4; i++) {
    const step1 = await passwordStep(email, password);
    assert.equal(step1.statusCode, 303, `password step ${i + 1}`);
    const cookie = sessionCookie(step1);
    const page = await get("/verwaltung/anmelden/code", cookie);
    assert.match((await post("/verwaltung/anmelden/code", { _csrf: csrfFrom(page.body), code: wrongCode() }, cookie)).body, /Code ist nicht richtig/);
  }
  const step1 = await passwordStep(email, password);
  const cookie = sessionCookie(step1);
  const page = await get("/verwaltung/anmelden/code", cookie);
  const locked = await post("/verwaltung/anmelden/code", { _csrf: csrfFrom(page.body), code: wrongCode() }, cookie);
  assert.equal(locked.statusCode, 400);
  assert.match(locked.body, /gesperrt/);
  assert.equal((await get("/verwaltung/anmelden/code", cookie)).statusCode, 303, "the attempt is over");
  assert.match((await passwordStep(email, password)).body, /gesperrt/);
  assert.ok((await auditFor(id)).some((e) => e.action === "staff.login.lockout" && e.fields.includes("totp")));
});

test("admin reset: a new account and a reset get a one-time password shown once; the next login must change it; the TOTP reset switches the second factor off", async () => {
  const admin = await loginStaff(t.app, usingenAdmin.email, usingenAdmin.password);
  const newForm = await get("/usingen/verwaltung/personal/neu", admin.cookie);
  assert.equal(newForm.statusCode, 200);
  const created = await post("/usingen/verwaltung/personal/neu", { _csrf: admin.csrf, name: "Bernd Bürgerbüro", email: "Bernd@Usingen.example", role: "buergerbuero", departmentId: "" }, admin.cookie);
  assert.equal(created.statusCode, 200, created.body.slice(0, 500));
  assert.equal(created.headers["cache-control"], "private, no-store");
  const otp = /class="one-time-password">([a-z0-9-]+)</.exec(created.body)?.[1];
  assert.ok(otp && otp.length === 19, "one-time password shown");
  const berndId = (await t.ctx.accounts.idByEmail("bernd@usingen.example"))!;
  assert.ok(!JSON.stringify(await auditFor(berndId)).includes(otp!), "the one-time password is not logged");

  const first = await passwordStep("bernd@usingen.example", otp!);
  assert.equal(first.statusCode, 303);
  assert.equal(first.headers.location, "/verwaltung/konto/passwort?weiter=%2Fverwaltung%2F");
  const bernd = sessionCookie(first);
  for (const url of ["/verwaltung/", "/usingen/verwaltung/", "/verwaltung/konto/zwei-faktor"]) {
    const res = await get(url, bernd);
    assert.equal(res.statusCode, 303, url);
    assert.match(String(res.headers.location), /^\/verwaltung\/konto\/passwort\?weiter=/, url);
  }
  const pwPage = await get("/verwaltung/konto/passwort", bernd);
  assert.equal(pwPage.statusCode, 200);
  assert.match(pwPage.body, /Einmalpasswort/);
  const csrf = csrfFrom(pwPage.body);
  assert.equal((await post("/verwaltung/konto/zwei-faktor/neuer-schluessel", { _csrf: csrf }, bernd)).statusCode, 403, "no other action before the change");
  const ownPassword = "Bernds-eigenes-Passwort";
  assert.match((await post("/verwaltung/konto/passwort", { _csrf: csrf, current: "falsch-falsch-falsch", password: ownPassword, repeat: ownPassword }, bernd)).body, /bisherige Passwort ist nicht richtig/);
  assert.match((await post("/verwaltung/konto/passwort", { _csrf: csrf, current: otp!, password: "kurz", repeat: "kurz" }, bernd)).body, /mindestens 12 Zeichen/);
  assert.match((await post("/verwaltung/konto/passwort", { _csrf: csrf, current: otp!, password: ownPassword, repeat: `${ownPassword}x` }, bernd)).body, /stimmen nicht überein/);
  const changed = await post("/verwaltung/konto/passwort", { _csrf: csrf, current: otp!, password: ownPassword, repeat: ownPassword, weiter: "/verwaltung/" }, bernd);
  assert.equal(changed.statusCode, 303);
  assert.equal((await get("/verwaltung/", bernd)).statusCode, 200, "now the staff area opens");

  // The admin resets the password: a new one-time password, Bernd's session ends, his own password no longer works.
  const detail = await get(`/usingen/verwaltung/personal/${berndId}`, admin.cookie);
  assert.match(detail.body, /Einmalpasswort erzeugen/);
  const reset = await post(`/usingen/verwaltung/personal/${berndId}/passwort`, { _csrf: admin.csrf }, admin.cookie);
  assert.equal(reset.statusCode, 200);
  const otp2 = /class="one-time-password">([a-z0-9-]+)</.exec(reset.body)?.[1];
  assert.ok(otp2 && otp2 !== otp);
  assert.equal((await get("/verwaltung/", bernd)).statusCode, 303, "the reset ended the running session");
  assert.match((await passwordStep("bernd@usingen.example", ownPassword)).body, /nicht richtig/);
  const again = await passwordStep("bernd@usingen.example", otp2!);
  assert.equal(again.headers.location, "/verwaltung/konto/passwort?weiter=%2Fverwaltung%2F");

  // A lock ends with the reset.
  for (let i = 0; i < 5; i++) await passwordStep("bernd@usingen.example", "wrong-wrong-wrong");
  assert.match((await passwordStep("bernd@usingen.example", otp2!)).body, /gesperrt/);
  const reset3 = await post(`/usingen/verwaltung/personal/${berndId}/passwort`, { _csrf: admin.csrf }, admin.cookie);
  const otp3 = /class="one-time-password">([a-z0-9-]+)</.exec(reset3.body)![1]!;
  assert.equal((await passwordStep("bernd@usingen.example", otp3)).statusCode, 303);

  // TOTP reset (lost phone).
  await enableTotp(berndId);
  assert.equal((await passwordStep("bernd@usingen.example", otp3)).headers.location, "/verwaltung/anmelden/code");
  const totpReset = await post(`/usingen/verwaltung/personal/${berndId}/zwei-faktor`, { _csrf: admin.csrf }, admin.cookie);
  assert.equal(totpReset.statusCode, 303);
  assert.equal((await t.ctx.accounts.summary(berndId))!.totpEnabled, false);
  assert.notEqual((await passwordStep("bernd@usingen.example", otp3)).headers.location, "/verwaltung/anmelden/code");

  // Disable: sessions end, login refused; enable again.
  const berndSession = sessionCookie(await passwordStep("bernd@usingen.example", otp3));
  assert.equal((await post(`/usingen/verwaltung/personal/${berndId}/deaktivieren`, { _csrf: admin.csrf }, admin.cookie)).statusCode, 303);
  assert.equal((await get("/verwaltung/konto/passwort", berndSession)).statusCode, 303);
  assert.match((await passwordStep("bernd@usingen.example", otp3)).body, /nicht richtig/);
  assert.equal((await post(`/usingen/verwaltung/personal/${berndId}/aktivieren`, { _csrf: admin.csrf }, admin.cookie)).statusCode, 303);
  assert.equal((await passwordStep("bernd@usingen.example", otp3)).statusCode, 303);

  const actions = (await auditFor(berndId)).map((e) => e.action);
  for (const a of ["staff.create", "staff.role.grant", "staff.password.change", "staff.password.reset", "staff.mfa.reset", "staff.disable", "staff.enable"]) assert.ok(actions.includes(a), a);
});

test("a municipality's admin manages only its own municipality's roles, never grants platform administration, and leaves shared accounts to the platform", async () => {
  const shared = await newAccount("geteilt@example.org", "Geteilt-Passwort-2026", [{ tenant: usingen, role: "redaktion" }, { tenant: neuAnspach, role: "statistik" }]);
  const usingenOnly = await newAccount("nur-usingen@usingen.example", "NurUsingen-Passwort-2026", [{ tenant: usingen, role: "buergerbuero" }]);
  const u = await loginStaff(t.app, usingenAdmin.email, usingenAdmin.password);
  const na = await loginStaff(t.app, naAdmin.email, naAdmin.password);

  const detail = await get(`/usingen/verwaltung/personal/${shared}`, u.cookie);
  assert.equal(detail.statusCode, 200);
  assert.match(detail.body, /Redaktion/);
  assert.match(detail.body, /name="role" value="redaktion"/);
  assert.doesNotMatch(detail.body, /name="role" value="statistik"/, "the other municipality's roles are not shown");
  assert.doesNotMatch(detail.body, /Einmalpasswort erzeugen/);
  assert.equal((await post(`/usingen/verwaltung/personal/${shared}/passwort`, { _csrf: u.csrf }, u.cookie)).statusCode, 403);
  assert.equal((await post(`/usingen/verwaltung/personal/${shared}/deaktivieren`, { _csrf: u.csrf }, u.cookie)).statusCode, 403);
  const foreignRevoke = await post(`/usingen/verwaltung/personal/${shared}/rollen/entziehen`, { _csrf: u.csrf, role: "statistik", departmentId: "" }, u.cookie);
  assert.equal(foreignRevoke.statusCode, 400);
  assert.ok((await t.ctx.accounts.byId(shared))!.roles.get(neuAnspach.id)?.has("statistik"), "Neu-Anspach's role is untouched");

  for (const role of ["platform-admin", "platformAdmin", "admin", ""]) {
    const res = await post(`/usingen/verwaltung/personal/${usingenOnly}/rollen`, { _csrf: u.csrf, role, departmentId: "" }, u.cookie);
    assert.equal(res.statusCode, 400, role);
  }
  assert.equal((await t.ctx.accounts.byId(usingenOnly))!.platformAdmin, false);
  assert.match((await post(`/usingen/verwaltung/personal/${usingenOnly}/rollen`, { _csrf: u.csrf, role: "sachbearbeitung", departmentId: "" }, u.cookie)).body, /gilt für ein Amt/);
  assert.match((await post(`/usingen/verwaltung/personal/${usingenOnly}/rollen`, { _csrf: u.csrf, role: "sachbearbeitung", departmentId: naDepts[0]!.id }, u.cookie)).body, /Amt dieser Kommune/, "a department of another municipality");
  const duplicate = await post("/usingen/verwaltung/personal/neu", { _csrf: u.csrf, name: "X", email: "geteilt@example.org", role: "redaktion", departmentId: "" }, u.cookie);
  assert.equal(duplicate.statusCode, 400);
  assert.match(duplicate.body, /gibt es bereits ein Konto/);
  const selfRevoke = await post(`/usingen/verwaltung/personal/${(await t.ctx.accounts.idByEmail(usingenAdmin.email))!}/rollen/entziehen`, { _csrf: u.csrf, role: TENANT_ADMIN_ROLE, departmentId: "" }, u.cookie);
  assert.match(selfRevoke.body, /nicht selbst entziehen/);

  // Neu-Anspach's admin: not through Usingen's address, and Usingen's staff do not exist at Neu-Anspach's.
  assert.equal((await post(`/usingen/verwaltung/personal/${usingenOnly}/rollen`, { _csrf: na.csrf, role: "redaktion", departmentId: "" }, na.cookie)).statusCode, 403);
  assert.equal((await get(`/neu-anspach/verwaltung/personal/${usingenOnly}`, na.cookie)).statusCode, 404);
  assert.equal((await post(`/neu-anspach/verwaltung/personal/${usingenOnly}/rollen`, { _csrf: na.csrf, role: "redaktion", departmentId: "" }, na.cookie)).statusCode, 404);
  assert.equal((await post(`/neu-anspach/verwaltung/personal/${usingenOnly}/passwort`, { _csrf: na.csrf }, na.cookie)).statusCode, 404);
  assert.deepEqual([...(await t.ctx.accounts.byId(usingenOnly))!.roles.keys()], [usingen.id]);
  assert.doesNotMatch((await get("/neu-anspach/verwaltung/personal", na.cookie)).body, /nur-usingen@/);

  // The platform admin may reset a shared account.
  const p = await loginStaff(t.app, platformAdmin.email, platformAdmin.password);
  assert.equal((await post(`/usingen/verwaltung/personal/${shared}/passwort`, { _csrf: p.csrf }, p.cookie)).statusCode, 200);
});

/** A route's URL with its parameters filled with real values of the target municipality. */
function fillParams(url: string, values: { dept: Department; staffId: string; jobId: string }): string {
  return url.replace(/:([A-Za-z_]+)/g, (_, name: string, offset: number) => {
    const before = url.slice(0, offset);
    if (name === "tenant") return "usingen";
    if (name === "key") return values.dept.key;
    if (before.endsWith("/aemter/")) return values.dept.id;
    if (before.endsWith("/personal/")) return values.staffId;
    if (before.endsWith("/aufgaben/")) return values.jobId;
    return "0190f0f0-0000-7000-8000-000000000000";
  });
}

/** Login entry points are anonymous by nature; the two canonical redirects only add a slash. */
const PUBLIC_ENTRY = /^(\/:tenant)?\/verwaltung\/(anmelden|abmelden)(\/|$)/;
const CANONICAL_REDIRECTS = new Set(["GET /verwaltung", "GET /:tenant/verwaltung"]);
/** Municipality staff pages every member of the municipality may open, whatever their role. */
const MEMBER_WIDE = ["GET /:tenant/verwaltung/"];

test("every registered staff route refuses: no login, a citizen's session, a pending second factor, the other municipality's admin, a department role where the administration is needed", async (tc) => {
  const all = t.app.registeredRoutes.filter((r) => r.url.includes("/verwaltung") && r.method !== "HEAD" && r.method !== "OPTIONS");
  const unguarded = all.filter((r) => !r.guard && !PUBLIC_ENTRY.test(r.url) && !CANONICAL_REDIRECTS.has(`${r.method} ${r.url}`));
  assert.deepEqual(unguarded.map((r) => `${r.method} ${r.url}`), [], "every staff route carries a staffOnly() guard");
  // A municipality's staff route names the role it needs; open to every member are only these.
  const memberWide = all.filter((r) => r.url.startsWith("/:tenant/") && r.guard && r.guard.role === undefined).map((r) => `${r.method} ${r.url}`);
  assert.deepEqual(memberWide, [...MEMBER_WIDE], "a new municipality staff route must name its role in staffOnly()");
  const routes = all.filter((r) => !PUBLIC_ENTRY.test(r.url));
  assert.ok(routes.length >= 10, `only ${routes.length} staff routes found: the walk would prove nothing`);

  // Real values of the target municipality (Usingen).
  const dept = usingenDepts[0]!;
  const clerkPassword = "Sachbearbeitung-2026";
  const clerkId = await newAccount("sachbearbeitung@usingen.example", clerkPassword, [{ tenant: usingen, role: "sachbearbeitung", departmentId: dept.id }]);
  await t.ctx.jobs.enqueue("platform.purge", {});
  const jobId = (await t.ctx.jobs.list({ limit: 1 }))[0]?.id ?? "0190f0f0-0000-7000-8000-000000000001";
  const values = { dept, staffId: clerkId, jobId };

  // The visitors.
  const rawSession = async (kind: string, staffAccountId: string | null, data: Record<string, unknown> = {}) => {
    const raw = randomToken(32);
    const csrf = randomToken(24);
    const now = t.clock.now();
    await t.ctx.db.kysely.insertInto("sessions").values({ id_hash: sha256(raw), kind, staff_account_id: staffAccountId, subject_id: kind === "citizen" ? "citizen-1" : null, csrf_token: csrf, data: JSON.stringify(data), created_at: now.toISOString(), last_seen_at: now.toISOString(), expires_at: new Date(now.getTime() + 3600_000).toISOString() }).execute();
    return { cookie: `rathaus_sid=${raw}`, csrf };
  };
  const usingenAdminId = (await t.ctx.accounts.idByEmail(usingenAdmin.email))!;
  const na = await loginStaff(t.app, naAdmin.email, naAdmin.password);
  const clerk = await loginStaff(t.app, "sachbearbeitung@usingen.example", clerkPassword);
  const visitors: { name: string; cookie?: string; csrf?: string; applies: (r: (typeof routes)[0]) => boolean }[] = [
    { name: "anonymous", applies: () => true },
    { name: "citizen", ...(await rawSession("citizen", null)), applies: () => true },
    // A citizen session that (by a bug elsewhere) carries a staff id is still no staff login.
    { name: "citizen carrying a staff id", ...(await rawSession("citizen", usingenAdminId)), applies: () => true },
    { name: "pending second factor", ...(await rawSession("staff-mfa", null, { pending: { accountId: usingenAdminId, next: null, since: t.clock.now().getTime() } })), applies: () => true },
    // Neu-Anspach's admin against Usingen: every municipality route, and the operator pages.
    { name: "Neu-Anspach admin", ...na, applies: (r) => r.url.startsWith("/:tenant/") || !!r.guard?.platformAdmin },
    // Usingen's Sachbearbeitung: every route that needs the administration (or any role it lacks).
    { name: "Usingen Sachbearbeitung", ...clerk, applies: (r) => !!r.guard && (!!r.guard.platformAdmin || (r.guard.role !== undefined && r.guard.role !== "sachbearbeitung")) },
  ];

  const auditBefore = (await t.ctx.audit.list({ limit: 1 }))[0]!.seq;
  const checked = new Map<string, number>();
  for (const v of visitors) {
    t.clock.advance(61_000); // a fresh rate-limit window per visitor
    for (const r of routes.filter(v.applies)) {
      const url = fillParams(r.url, values);
      const headers: Record<string, string> = v.cookie ? { cookie: v.cookie } : {};
      let res: LightMyRequestResponse;
      if (r.method === "GET") {
        res = await t.app.inject({ method: "GET", url, headers });
      } else {
        // A valid CSRF token, so that the guard (not the CSRF check) is what refuses.
        const token = v.csrf ?? `a.${t.clock.now().getTime().toString(36)}.${t.ctx.secrets.sign("csrf", `${url}|${t.clock.now().getTime().toString(36)}`)}`;
        res = await t.app.inject({ method: r.method as "POST", url, headers: { ...headers, ...urlencoded }, payload: form({ _csrf: token }) });
      }
      const label = `${v.name}: ${r.method} ${url} → ${res.statusCode} ${res.headers.location ?? ""}`;
      if (CANONICAL_REDIRECTS.has(`${r.method} ${r.url}`)) {
        assert.equal(res.statusCode, 301, label);
        assert.equal(res.headers.location, `${url}/`, label);
      } else if (res.statusCode === 303) {
        assert.equal(r.method, "GET", label);
        assert.ok(v.name !== "Neu-Anspach admin" && v.name !== "Usingen Sachbearbeitung", `a logged-in staff member is refused, not sent to the login: ${label}`);
        assert.match(String(res.headers.location), /^\/verwaltung\/anmelden\?weiter=/, label);
      } else {
        assert.ok(res.statusCode === 403 || res.statusCode === 404, label);
      }
      checked.set(v.name, (checked.get(v.name) ?? 0) + 1);
    }
  }
  // Nothing was changed on the way: no audit entry by any of these visitors for Usingen.
  const changes = (await t.ctx.audit.list({ limit: 1000 })).filter((e) => e.seq > auditBefore && e.tenantId === usingen.id);
  assert.deepEqual(changes.map((e) => e.action), []);

  const summary = [...checked].map(([k, n]) => `${k}: ${n}`).join(", ");
  tc.diagnostic(`route walk: ${routes.length} staff routes (of ${all.length} under /verwaltung), requests per visitor — ${summary}`);
  console.log(`# route walk: ${routes.length} staff routes checked (${summary})`);
  assert.ok(routes.length >= 10);
  assert.ok((checked.get("Neu-Anspach admin") ?? 0) >= 10, "the wrong-tenant walk covers the municipality routes");
  assert.ok((checked.get("Usingen Sachbearbeitung") ?? 0) >= 10, "the wrong-role walk covers the administration routes");
});

test("revoking a person's last role in the municipality is refused with a German message (the account would be lost to its admins)", async () => {
  const t2 = await createTestApp();
  try {
    const usingen = t2.ctx.tenants.bySlug("usingen")!;
    const id = await t2.ctx.accounts.create({ email: "einzelrolle@usingen.example", name: "Eine Rolle", password: "Einzelrolle-Test-2026" });
    await t2.ctx.accounts.grantRole(id, usingen.id, "statistik", null);
    const admin = DEMO_ACCOUNTS[1]!;
    const { cookie, csrf } = await loginStaff(t2.app, admin.email, admin.password);
    const res = await t2.app.inject({
      method: "POST",
      url: `/usingen/verwaltung/personal/${id}/rollen/entziehen`,
      headers: { cookie, "content-type": "application/x-www-form-urlencoded" },
      payload: new URLSearchParams({ _csrf: csrf, role: "statistik", departmentId: "" }).toString(),
    });
    assert.equal(res.statusCode, 400, "shown on the account page as a form error");
    assert.match(res.body, /letzte Rolle/);
    const members = await t2.ctx.accounts.listForTenant(usingen.id);
    assert.ok(members.some((m) => m.id === id), "still a member");
  } finally {
    await t2.close();
  }
});
