import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createTestApp, loginStaff, DEMO_ACCOUNTS, type TestApp } from "../../test-support/app.js";
import { ApplicationClient } from "../../test-support/applications.js";
import { loadDefinitions } from "../services/definitions.js";
import { berlinDateTime } from "../../platform/clock.js";
import type { StaffAccount } from "../../platform/auth/accounts.js";
import type { Tenant } from "../../platform/tenancy.js";
import { tenantService } from "../tenants/index.js";
import { caseService, PROCESSING_ROLE, type Case } from "../cases/index.js";
import { DEMO_CASEWORKERS } from "../cases/seeds.js";
import { median, parsePeriod, formatDays } from "./figures.js";

/**
 * Figures for heads of department, on a known set of cases:
 * Fundsache (Ordnungsamt) ×3, closed after 1, 2.5 and 6 days; Ruhestörung (Ordnungsamt) ×2, one
 * closed after 3 days, one still open and overdue; wilde Müllablagerung (Bauen und Umwelt) ×1,
 * received at 00:30 Berlin time on 1 December (still 30 November in UTC), open, within its deadline.
 */

let t: TestApp;
let usingen: Tenant;
let admin: StaffAccount;
const DAY = 86_400_000;
const T0 = Date.parse("2026-11-27T09:00:00Z");
const END = T0 + 6 * DAY + 3_600_000; // 3 December, 11:00 Berlin
const defs = loadDefinitions().definitions;

async function submit(serviceId: string): Promise<Case> {
  const c = new ApplicationClient(t.app, "usingen");
  await c.start(serviceId);
  await c.fillAll(defs.find((d) => d.id === serviceId)!, berlinDateTime(t.clock.now()).date);
  await c.submit();
  await t.ctx.jobs.runDue(100);
  const draftId = /\/antrag\/([^/]+)\/eingang/.exec(c.location)![1]!;
  const sub = await t.ctx.db.kysely.selectFrom("submissions").select("id").where("draft_id", "=", draftId).executeTakeFirstOrThrow();
  return (await caseService(t.ctx).store.caseOfSubmission(usingen.id, sub.id))!;
}

async function closeAt(c: Case, at: number): Promise<void> {
  t.clock.set(new Date(at));
  const cases = caseService(t.ctx);
  const get = async () => (await cases.get(c.tenant_id, c.id))!;
  assert.ok((await cases.transition(usingen, await get(), { to: "in-bearbeitung", version: (await get()).version }, admin)).ok);
  assert.ok((await cases.transition(usingen, await get(), { to: "abgeschlossen", version: (await get()).version, text: "Erledigt." }, admin)).ok);
}

before(async () => {
  t = await createTestApp();
  usingen = t.ctx.tenants.bySlug("usingen")!;
  admin = (await t.ctx.accounts.byId((await t.ctx.accounts.idByEmail(DEMO_ACCOUNTS[1]!.email))!))!;
  t.clock.set(new Date(T0));
  const fund = [await submit("fundsache-melden"), await submit("fundsache-melden"), await submit("fundsache-melden")];
  const ruhe = [await submit("ruhestoerung-melden"), await submit("ruhestoerung-melden")];
  t.clock.set("2026-11-30T23:30:00Z");
  await submit("wilde-muellablagerung-melden");
  await closeAt(fund[0]!, T0 + DAY);
  await closeAt(fund[1]!, T0 + 2.5 * DAY);
  await closeAt(ruhe[0]!, T0 + 3 * DAY);
  await closeAt(fund[2]!, T0 + 6 * DAY);
  t.clock.set(new Date(END));
});
after(() => t.close());

const worker = (email: string) => DEMO_CASEWORKERS.find((w) => w.email === email)!;
const login = async (email: string, password: string) => (await loginStaff(t.app, email, password)).cookie;
const get = (url: string, cookie: string) => t.app.inject({ url, headers: { cookie } });
/** Rows of a table: the text of each cell. */
function tableRows(html: string, caption: RegExp): string[][] {
  const table = [...html.matchAll(/<table[\s\S]*?<\/table>/g)].map((m) => m[0]).find((x) => caption.test(/<caption[^>]*>([\s\S]*?)<\/caption>/.exec(x)?.[1] ?? ""));
  assert.ok(table, `table ${caption}`);
  return [...table!.matchAll(/<tr[^>]*>([\s\S]*?)<\/tr>/g)].map((r) => [...r[1]!.matchAll(/<t[hd][^>]*>([\s\S]*?)<\/t[hd]>/g)].map((c) => c[1]!.replace(/<[^>]+>/g, "").replace(/&amp;/g, "&").trim()));
}

test("median, German days and the period form", () => {
  assert.equal(median([]), undefined);
  assert.equal(median([6, 1, 2.5]), 2.5);
  assert.equal(median([1, 2.5, 3, 6]), 2.75);
  assert.equal(formatDays(2.75), "2,8");
  assert.equal(formatDays(1234.5), "1.234,5");
  assert.equal(formatDays(1234.5, true), "1234,5");
  assert.equal(formatDays(undefined), "–");
  assert.deepEqual(parsePeriod({}, "2026-12-03"), { ok: true, period: { from: "2026-11-04", to: "2026-12-03" } }, "default: the last 30 days");
  assert.deepEqual(parsePeriod({ von: "01.03.2026", bis: "2026-03-31" }, "2026-12-03"), { ok: true, period: { from: "2026-03-01", to: "2026-03-31" } });
  const bad = parsePeriod({ von: "31.02.2026", bis: "1.1.2026" }, "2026-12-03");
  assert.ok(!bad.ok && bad.errors.von && !bad.errors.bis);
  const reversed = parsePeriod({ von: "02.01.2026", bis: "01.01.2026" }, "2026-12-03");
  assert.ok(!reversed.ok && /vor dem Enddatum/.test(reversed.errors.von!));
});

test("the administration sees every department: counts, medians, open and overdue — per service, per department and in total", async () => {
  const cookie = await login(DEMO_ACCOUNTS[1]!.email, DEMO_ACCOUNTS[1]!.password);
  const page = await get("/usingen/verwaltung/kennzahlen", cookie);
  assert.equal(page.statusCode, 200);
  assert.equal(page.headers["cache-control"], "private, no-store");
  assert.match(page.body, /value="04\.11\.2026"/, "the default period starts 30 days back");
  assert.match(page.body, /value="03\.12\.2026"/);
  assert.match(page.body, /<th class="kern-table__header" scope="col">Online-Dienst<\/th>/, "scoped column headers");
  assert.match(page.body, /<th class="kern-table__cell" scope="row">/, "row headers");
  const ordnung = (await tenantService(t.ctx).store.departmentForResponsibility(usingen.id, "ordnungsamt"))!.name;
  const bauen = (await tenantService(t.ctx).store.departmentForResponsibility(usingen.id, "abfall"))!.name;
  const title = (id: string) => defs.find((d) => d.id === id)!.title;
  const byService = tableRows(page.body, /^Vorgänge nach Online-Dienst/);
  assert.deepEqual(byService.slice(1), [
    ...[
      [title("fundsache-melden"), ordnung, "3", "3", "2,5", "0", "0"],
      [title("ruhestoerung-melden"), ordnung, "2", "1", "3,0", "1", "1"],
    ].sort((a, b) => a[0]!.localeCompare(b[0]!, "de")),
    [title("wilde-muellablagerung-melden"), bauen, "1", "0", "–", "1", "0"],
    ["Summe", "6", "4", "2,8", "2", "1"],
  ]);
  const byDepartment = tableRows(page.body, /^Vorgänge nach Amt/);
  assert.deepEqual(byDepartment, [
    ["Amt", "Eingegangen im Zeitraum", "Abgeschlossen im Zeitraum", "Median Bearbeitungsdauer (Tage)", "Offen jetzt", "Davon überfällig"],
    [ordnung, "5", "4", "2,8", "1", "1"],
    [bauen, "1", "0", "–", "1", "0"],
    ["Summe", "6", "4", "2,8", "2", "1"],
  ]);

  // Calendar days in Europe/Berlin: the application of 00:30 on 1 December belongs to 1 December.
  const november = tableRows((await get("/usingen/verwaltung/kennzahlen?von=27.11.2026&bis=30.11.2026", cookie)).body, /^Vorgänge nach Amt/);
  assert.deepEqual(november.slice(1, 3), [[ordnung, "5", "3", "2,5", "1", "1"], [bauen, "0", "0", "–", "1", "0"]], "closed 27.–30.11.: after 1, 2.5 and 3 days");
  const december = tableRows((await get("/usingen/verwaltung/kennzahlen?von=01.12.2026&bis=01.12.2026", cookie)).body, /^Vorgänge nach Amt/);
  assert.deepEqual(december.slice(1, 3), [[ordnung, "0", "0", "–", "1", "1"], [bauen, "1", "0", "–", "1", "0"]]);

  const invalid = await get("/usingen/verwaltung/kennzahlen?von=30.11.2026&bis=2026-11-01", cookie);
  assert.equal(invalid.statusCode, 422);
  assert.match(invalid.body, /Bitte prüfen Sie Ihre Angaben/);
  assert.match(invalid.body, /href="#von">Das Anfangsdatum muss vor dem Enddatum liegen/);
  assert.match(invalid.body, /value="30\.11\.2026"/, "what was typed is shown again");
});

test("CSV: semicolons, decimal comma, UTF-8 with byte order mark, the same lines as the table", async () => {
  const cookie = await login(DEMO_ACCOUNTS[1]!.email, DEMO_ACCOUNTS[1]!.password);
  const page = await get("/usingen/verwaltung/kennzahlen", cookie);
  const href = /href="([^"]+kennzahlen\.csv\?[^"]*)"/.exec(page.body)![1]!.replace(/&amp;/g, "&");
  const csv = await get(href, cookie);
  assert.equal(csv.statusCode, 200);
  assert.equal(csv.headers["content-type"], "text/csv; charset=utf-8");
  assert.equal(csv.headers["cache-control"], "private, no-store");
  assert.match(String(csv.headers["content-disposition"]), /attachment; filename="kennzahlen-dienste-2026-11-04-bis-2026-12-03\.csv"/);
  assert.equal(csv.rawPayload.subarray(0, 3).toString("hex"), "efbbbf", "byte order mark");
  const lines = csv.body.replace(/^\uFEFF/, "").split("\r\n");
  assert.equal(lines.at(-1), "", "ends with CRLF");
  assert.equal(lines[0], "Online-Dienst;Amt;Eingegangen;Abgeschlossen;Median Bearbeitungsdauer (Tage);Offen;Überfällig");
  const fund = lines.find((l) => l.startsWith(defs.find((d) => d.id === "fundsache-melden")!.title));
  assert.match(fund!, /;3;3;2,5;0;0$/);
  assert.ok(lines.some((l) => /;2;1;3,0;1;1$/.test(l)));
  assert.ok(lines.some((l) => /;1;0;;1;0$/.test(l)), "no median: an empty cell");
  assert.equal(lines.length, 5, "header, three services, final CRLF");

  const depts = await get(`${href}&nach=amt`, cookie);
  const dl = depts.body.replace(/^\uFEFF/, "").split("\r\n");
  assert.equal(dl[0], "Amt;Eingegangen;Abgeschlossen;Median Bearbeitungsdauer (Tage);Offen;Überfällig");
  assert.match(dl[1]!, /;5;4;2,8;1;1$/);
  assert.equal((await get("/usingen/verwaltung/kennzahlen.csv?von=x", cookie)).statusCode, 400);
});

test("a department's caseworker sees only their department; another department sees none of it; the other municipality is refused", async () => {
  const ordnung = await login("ordnungsamt@usingen.example", worker("ordnungsamt@usingen.example").password);
  const page = await get("/usingen/verwaltung/kennzahlen", ordnung);
  assert.equal(page.statusCode, 200);
  assert.match(page.body, /href="\/usingen\/verwaltung\/kennzahlen"/, "in the staff navigation");
  const rows = tableRows(page.body, /^Vorgänge nach Amt/);
  assert.equal(rows.length, 3, "header, the Ordnungsamt, the sum");
  assert.deepEqual(rows[2], ["Summe", "5", "4", "2,8", "1", "1"]);
  assert.ok(!page.body.includes(defs.find((d) => d.id === "wilde-muellablagerung-melden")!.title));
  const csv = await get("/usingen/verwaltung/kennzahlen.csv?nach=amt", ordnung);
  assert.equal(csv.body.replace(/^\uFEFF/, "").split("\r\n").length, 3, "header, one department, final CRLF");

  // A caseworker of Bauen und Umwelt (created here) sees the one case of that department.
  const dept = (await tenantService(t.ctx).store.departmentForResponsibility(usingen.id, "abfall"))!;
  const id = await t.ctx.accounts.create({ email: "bauen@usingen.example", name: "Bauen", password: "Bauen-Umwelt-2026" });
  await t.ctx.accounts.grantRole(id, usingen.id, PROCESSING_ROLE, dept.id);
  const bauen = tableRows((await get("/usingen/verwaltung/kennzahlen", await login("bauen@usingen.example", "Bauen-Umwelt-2026"))).body, /^Vorgänge nach Amt/);
  assert.deepEqual(bauen.slice(1), [[dept.name, "1", "0", "–", "1", "0"], ["Summe", "1", "0", "–", "1", "0"]]);

  const buerger = await get("/usingen/verwaltung/kennzahlen", await login("buergerbuero@usingen.example", worker("buergerbuero@usingen.example").password));
  assert.equal(buerger.statusCode, 200);
  assert.match(buerger.body, /Für diesen Zeitraum gibt es keine Vorgänge/);
  assert.ok(!buerger.body.includes("<table"));

  const na = await login("buergerservice@neu-anspach.example", worker("buergerservice@neu-anspach.example").password);
  assert.equal((await get("/usingen/verwaltung/kennzahlen", na)).statusCode, 403);
  assert.equal((await get("/usingen/verwaltung/kennzahlen.csv", na)).statusCode, 403);
  const own = await get("/neu-anspach/verwaltung/kennzahlen", na);
  assert.equal(own.statusCode, 200);
  assert.match(own.body, /Für diesen Zeitraum gibt es keine Vorgänge/, "Usingen's cases never count for Neu-Anspach");
});
