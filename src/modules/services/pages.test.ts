import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createTestApp, csrfFrom, form, formValues, loginStaff, DEMO_ACCOUNTS, type TestApp } from "../../test-support/app.js";

let t: TestApp;
before(async () => {
  t = await createTestApp();
});
after(() => t.close());

const [, usingenAdmin, neuAnspachAdmin] = DEMO_ACCOUNTS as [typeof DEMO_ACCOUNTS[0], typeof DEMO_ACCOUNTS[0], typeof DEMO_ACCOUNTS[0]];
const urlencoded = { "content-type": "application/x-www-form-urlencoded" };

/** Accessibility basics the e2e crawl (axe) also checks: one h1, headings without skipped levels, tables with caption and scoped headers. */
function assertStructure(html: string, where: string): void {
  const main = /<main[\s\S]*<\/main>/.exec(html)?.[0] ?? "";
  const levels = [...main.matchAll(/<h([1-6])[\s>]/g)].map((m) => Number(m[1]));
  assert.equal(levels.filter((l) => l === 1).length, 1, `${where}: exactly one h1`);
  assert.equal(levels[0], 1, `${where}: the h1 comes first`);
  for (let i = 1; i < levels.length; i++) assert.ok(levels[i]! <= levels[i - 1]! + 1, `${where}: heading h${levels[i]} follows h${levels[i - 1]}`);
  for (const table of main.match(/<table[\s\S]*?<\/table>/g) ?? []) {
    assert.match(table, /<caption/, `${where}: table caption`);
    assert.ok(!/<th(?=[\s>])(?![^>]*scope=)/.test(table), `${where}: every th has a scope`);
  }
}

test("the catalogue lists areas and life situations with their services; navigation has 'Digitales Rathaus'", async () => {
  const res = await t.app.inject({ url: "/usingen/dienste/" });
  assert.equal(res.statusCode, 200);
  assertStructure(res.body, "catalogue");
  assert.match(res.body, /href="\/usingen\/dienste\/"[^>]*>Digitales Rathaus</, "navigation entry");
  assert.match(res.body, /href="\/usingen\/dienste\/bereich\/meldewesen">Meldewesen</);
  assert.match(res.body, /href="\/usingen\/dienste\/lebenslage\/umzug">Umzug</);
  assert.match(res.body, /href="\/usingen\/dienste\/meldebescheinigung">Meldebescheinigung beantragen</);
  const redirect = await t.app.inject({ url: "/usingen/dienste" });
  assert.equal(redirect.statusCode, 301);
  assert.equal(redirect.headers.location, "/usingen/dienste/");
  const home = await t.app.inject({ url: "/usingen/" });
  assert.match(home.body, /href="\/usingen\/dienste\/"/);
});

test("area and life situation pages list their services; unknown keys are a German 404", async () => {
  const area = await t.app.inject({ url: "/usingen/dienste/bereich/meldewesen" });
  assert.equal(area.statusCode, 200);
  assertStructure(area.body, "area");
  assert.match(area.body, /<h1[^>]*>Online-Dienste: Meldewesen<\/h1>/);
  assert.match(area.body, /href="\/usingen\/dienste\/meldebescheinigung"/);
  const situation = await t.app.inject({ url: "/usingen/dienste/lebenslage/umzug" });
  assert.equal(situation.statusCode, 200);
  assertStructure(situation.body, "life situation");
  assert.match(situation.body, /<h1[^>]*>Lebenslage: Umzug<\/h1>/);
  assert.match(situation.body, /href="\/usingen\/dienste\/meldebescheinigung"/);
  const empty = await t.app.inject({ url: "/usingen/dienste/lebenslage/fahrzeug" });
  assert.equal(empty.statusCode, 200);
  assert.ok(!/href="\/usingen\/dienste\/meldebescheinigung"/.test(empty.body));
  for (const url of ["/usingen/dienste/bereich/gibt-es-nicht", "/usingen/dienste/lebenslage/gibt-es-nicht", "/usingen/dienste/gibt-es-nicht", "/nirgendwo/dienste/meldebescheinigung"]) {
    const res = await t.app.inject({ url });
    assert.equal(res.statusCode, 404, url);
    assert.match(res.body, /nicht gefunden/, url);
  }
});

test("service page: everything a citizen needs; the department follows each municipality's mapping; Neu-Anspach's fee override", async () => {
  const u = await t.app.inject({ url: "/usingen/dienste/meldebescheinigung" });
  assert.equal(u.statusCode, 200);
  assertStructure(u.body, "service page");
  for (const heading of ["Beschreibung", "Wer kann den Antrag stellen?", "Erforderliche Unterlagen", "Gebühren", "Bearbeitungsdauer", "Rechtsgrundlage", "Zuständig"]) assert.ok(u.body.includes(`>${heading}</h2>`), heading);
  assert.match(u.body, /<h3[^>]*>So läuft es ab<\/h3>/, "description headings sit below the section heading");
  assert.match(u.body, /8,00\u00a0€/);
  assert.match(u.body, /10,00\u00a0€/);
  assert.ok(!u.body.includes("Versand per Post"));
  assert.match(u.body, /href="https:\/\/www\.gesetze-im-internet\.de\/bmg\/__18\.html">§ 18 Bundesmeldegesetz/);
  assert.match(u.body, /href="\/usingen\/aemter\/buergerbuero">Bürgerbüro</);
  assert.match(u.body, /buergerbuero@usingen\.example/);
  assert.match(u.body, /Öffnungszeiten: Bürgerbüro/);
  assert.match(u.body, /99115004012000/);
  assert.match(u.body, /substanziell, z\. B\. ELSTER-Zertifikat/);
  // The start button is a form (starting creates a draft), with the anonymous form token; and the fillable PDF.
  assert.match(u.body, /<form method="post" action="\/usingen\/dienste\/meldebescheinigung\/antrag"[^>]*><input type="hidden" name="_csrf" value="a\./);
  assert.match(u.body, /Antrag „Meldebescheinigung beantragen“ online stellen/);
  assert.match(u.body, /href="\/usingen\/dienste\/meldebescheinigung\/pdf-formular"/);

  const n = await t.app.inject({ url: "/neu-anspach/dienste/meldebescheinigung" });
  assert.equal(n.statusCode, 200);
  assert.match(n.body, /Versand per Post[\s\S]*zusätzlich, nur wenn Sie die Zustellung per Post wählen[\s\S]*1,50\u00a0€/);
  assert.match(n.body, /href="\/neu-anspach\/aemter\/fb3-buergerservice-ordnung">Fachbereich 3 – Bürgerservice und Ordnung</);
  assert.ok(!n.body.includes("Bürgerbüro<"), "Neu-Anspach shows its own department");
});

test("staff: Usingen's admin toggles a service (CSRF, audit, cache bump), edits overrides, and cannot touch Neu-Anspach", async () => {
  const before = await t.app.inject({ url: "/usingen/dienste/" });
  const etag = String(before.headers.etag);
  assert.equal((await t.app.inject({ url: "/usingen/dienste/", headers: { "if-none-match": etag } })).statusCode, 304);

  const anonymous = await t.app.inject({ url: "/usingen/verwaltung/dienste" });
  assert.equal(anonymous.statusCode, 303, "staff pages need a login");

  const { cookie, csrf } = await loginStaff(t.app, usingenAdmin.email, usingenAdmin.password);
  const list = await t.app.inject({ url: "/usingen/verwaltung/dienste", headers: { cookie } });
  assert.equal(list.statusCode, 200);
  assertStructure(list.body, "staff list");
  assert.match(list.body, /Meldebescheinigung beantragen/);
  assert.match(list.body, /href="\/usingen\/verwaltung\/dienste"[^>]*>Online-Dienste</, "staff navigation entry");

  const noCsrf = await t.app.inject({ method: "POST", url: "/usingen/verwaltung/dienste/meldebescheinigung/status", headers: { cookie, ...urlencoded }, payload: form({ enabled: "0" }) });
  assert.equal(noCsrf.statusCode, 403);

  const off = await t.app.inject({ method: "POST", url: "/usingen/verwaltung/dienste/meldebescheinigung/status", headers: { cookie, ...urlencoded }, payload: form({ _csrf: csrf, enabled: "0" }) });
  assert.equal(off.statusCode, 303);
  assert.match((await t.app.inject({ url: String(off.headers.location), headers: { cookie } })).body, /ist jetzt nicht aktiv/);
  const after = await t.app.inject({ url: "/usingen/dienste/", headers: { "if-none-match": etag } });
  assert.equal(after.statusCode, 200, "the cached catalogue was invalidated");
  assert.notEqual(after.headers.etag, etag);
  assert.ok(!after.body.includes('href="/usingen/dienste/meldebescheinigung"'));
  assert.equal((await t.app.inject({ url: "/usingen/dienste/meldebescheinigung" })).statusCode, 404, "a disabled service is not found");
  assert.equal((await t.app.inject({ url: "/neu-anspach/dienste/meldebescheinigung" })).statusCode, 200, "Neu-Anspach is not affected");
  const audit = await t.ctx.db.kysely.selectFrom("audit_log").selectAll().where("action", "=", "service.disable").execute();
  assert.equal(audit.length, 1);

  // Another municipality's settings: refused, and nothing changed there.
  const foreign = await t.app.inject({ method: "POST", url: "/neu-anspach/verwaltung/dienste/meldebescheinigung/status", headers: { cookie, ...urlencoded }, payload: form({ _csrf: csrf, enabled: "0" }) });
  assert.equal(foreign.statusCode, 403);
  const foreignEdit = await t.app.inject({ method: "POST", url: "/neu-anspach/verwaltung/dienste/meldebescheinigung", headers: { cookie, ...urlencoded }, payload: form({ _csrf: csrf, fees: "Alles = 0" }) });
  assert.equal(foreignEdit.statusCode, 403);
  assert.equal((await t.app.inject({ url: "/neu-anspach/verwaltung/dienste", headers: { cookie } })).statusCode, 403);
  assert.match((await t.app.inject({ url: "/neu-anspach/dienste/meldebescheinigung" })).body, /Versand per Post/);

  const on = await t.app.inject({ method: "POST", url: "/usingen/verwaltung/dienste/meldebescheinigung/status", headers: { cookie, ...urlencoded }, payload: form({ _csrf: csrf, enabled: "1" }) });
  assert.equal(on.statusCode, 303);

  // Overrides: invalid fee line → German error at the field; valid → public page shows it.
  const edit = await t.app.inject({ url: "/usingen/verwaltung/dienste/meldebescheinigung", headers: { cookie } });
  assert.equal(edit.statusCode, 200);
  assertStructure(edit.body, "staff edit");
  assert.match(edit.body, /Nach Zuständigkeit: Bürgerbüro/);
  const bad = await t.app.inject({ method: "POST", url: "/usingen/verwaltung/dienste/meldebescheinigung", headers: { cookie, ...urlencoded }, payload: form({ _csrf: csrfFrom(edit.body), fees: "Einfache Meldebescheinigung = acht" }) });
  assert.equal(bad.statusCode, 400);
  assert.match(bad.body, /href="#fees"/);
  assert.match(bad.body, /kein Betrag in Euro/);
  assert.equal(formValues(bad.body).fees, "Einfache Meldebescheinigung = acht", "the input is kept");
  const good = await t.app.inject({
    method: "POST",
    url: "/usingen/verwaltung/dienste/meldebescheinigung",
    headers: { cookie, ...urlencoded },
    payload: form({ _csrf: csrf, fees: "Einfache Meldebescheinigung = 12,50 | Satzung 2026", summary: "Ihre Meldedaten schwarz auf weiß.", processingTime: "1 Werktag", description: "", departmentKey: "" }),
  });
  assert.equal(good.statusCode, 303);
  const page = await t.app.inject({ url: "/usingen/dienste/meldebescheinigung" });
  assert.match(page.body, /12,50\u00a0€/);
  assert.match(page.body, /Satzung 2026/);
  assert.match(page.body, /Ihre Meldedaten schwarz auf weiß\./);
  assert.match(page.body, /1 Werktag/);
  const saved = await t.app.inject({ url: "/usingen/verwaltung/dienste/meldebescheinigung", headers: { cookie } });
  assert.equal(formValues(saved.body).fees, "Einfache Meldebescheinigung = 12,50 | Satzung 2026");
  const entry = await t.ctx.db.kysely.selectFrom("audit_log").selectAll().where("action", "=", "service.settings.update").executeTakeFirstOrThrow();
  assert.deepEqual(JSON.parse(String(entry.fields)), ["overrides.fees", "overrides.summary", "overrides.processingTime"]);
  assert.ok(!String(entry.fields).includes("12,50"), "the audit names fields, not values");

  // Neu-Anspach's own admin can change Neu-Anspach.
  const na = await loginStaff(t.app, neuAnspachAdmin.email, neuAnspachAdmin.password);
  const naOff = await t.app.inject({ method: "POST", url: "/neu-anspach/verwaltung/dienste/meldebescheinigung/status", headers: { cookie: na.cookie, ...urlencoded }, payload: form({ _csrf: na.csrf, enabled: "0" }) });
  assert.equal(naOff.statusCode, 303);
  assert.equal((await t.app.inject({ url: "/neu-anspach/dienste/meldebescheinigung" })).statusCode, 404);
  assert.equal((await t.app.inject({ url: "/usingen/dienste/meldebescheinigung" })).statusCode, 200);
});

test("every enabled service page renders with a sound structure (one h1, heading order, tables)", async () => {
  const { serviceCatalogue } = await import("./index.js");
  for (const slug of ["usingen", "neu-anspach"]) {
    const tenant = t.ctx.tenants.bySlug(slug)!;
    for (const s of await serviceCatalogue(t.ctx).enabledServices(tenant.id)) {
      const res = await t.app.inject({ url: `/${slug}/dienste/${s.id}` });
      assert.equal(res.statusCode, 200, `${slug}/${s.id}`);
      assertStructure(res.body, `${slug}/${s.id}`);
      if (!s.fullyDigital) assert.match(res.body, /Was Sie online erledigen können/, `${s.id}: online parts`);
    }
    for (const area of ["meldewesen", "pass-ausweis", "ordnungsamt", "friedhof", "abfall"]) {
      const res = await t.app.inject({ url: `/${slug}/dienste/bereich/${area}` });
      assert.equal(res.statusCode, 200);
      assertStructure(res.body, `${slug} area ${area}`);
    }
  }
});

test("search: German word forms find the municipality's enabled services; a disabled service drops out after the reindex job", async () => {
  const { serviceCatalogue } = await import("./index.js");
  const s = await createTestApp();
  try {
    const page = await s.app.inject({ url: "/usingen/dienste/suche?q=Sperrm%C3%BCll" });
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /href="\/usingen\/dienste\/sperrmuell-anmelden"/);
    for (const q of ["Meldebescheinigungen", "hunde anmelden", "Muell"]) {
      const hits = await serviceCatalogue(s.ctx).search(s.ctx.tenants.bySlug("usingen")!.id, q);
      assert.ok(hits.length > 0, `"${q}" finds something`);
    }
    const none = await s.app.inject({ url: "/usingen/dienste/suche?q=Raumschiff" });
    assert.match(none.body, /Keine Treffer für „Raumschiff“/);
    const usingen = s.ctx.tenants.bySlug("usingen")!;
    await serviceCatalogue(s.ctx).setEnabled(usingen.id, "sperrmuell-anmelden", false, { type: "staff", id: "test" });
    await s.ctx.jobs.runDue();
    const after = await serviceCatalogue(s.ctx).search(usingen.id, "Sperrmüll");
    assert.ok(!after.some((h) => h.id === "sperrmuell-anmelden"), "disabled services are not found");
    const other = await serviceCatalogue(s.ctx).search(s.ctx.tenants.bySlug("neu-anspach")!.id, "Sperrmüll");
    assert.ok(other.some((h) => h.id === "sperrmuell-anmelden"), "Neu-Anspach still offers it");
  } finally {
    await s.close();
  }
});
