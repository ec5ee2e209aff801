import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createTestApp, csrfFrom, form, formValues, loginStaff, DEMO_ACCOUNTS, type TestApp } from "../../test-support/app.js";
import { tenantService } from "./index.js";
import { RESPONSIBILITY_KEYS } from "./seed-types.js";

let t: TestApp;
before(async () => {
  t = await createTestApp();
});
after(() => t.close());

const [platformAdmin, usingenAdmin] = DEMO_ACCOUNTS as [typeof DEMO_ACCOUNTS[0], typeof DEMO_ACCOUNTS[0]];
const urlencoded = { "content-type": "application/x-www-form-urlencoded" };

test("/ lists both demo municipalities; each has its home page with arms, contact and opening hours", async () => {
  const list = await t.app.inject({ url: "/" });
  assert.match(list.body, /href="\/usingen\/"/);
  assert.match(list.body, /href="\/neu-anspach\/"/);
  for (const [slug, name, street] of [["usingen", "Stadt Usingen", "Wilhelmjstraße 1"], ["neu-anspach", "Stadt Neu-Anspach", "Bahnhofstraße 26"]]) {
    const home = await t.app.inject({ url: `/${slug}/` });
    assert.equal(home.statusCode, 200);
    assert.match(home.body, new RegExp(`<title>Startseite – ${name}</title>`));
    assert.ok(home.body.includes(street));
    assert.match(home.body, /Öffnungszeiten/);
    assert.match(home.body, new RegExp(`href="/${slug}/leichte-sprache"`));
    assert.match(home.body, new RegExp(`href="/${slug}/gebaerdensprache"`));
    const arms = await t.app.inject({ url: `/${slug}/wappen.svg` });
    assert.equal(arms.headers["content-type"], "image/svg+xml; charset=utf-8");
    assert.match(String(arms.headers["content-security-policy"]), /sandbox/);
    assert.match(arms.body, /^<svg[\s\S]*<title[ >]/);
  }
  const redirect = await t.app.inject({ url: "/usingen" });
  assert.equal(redirect.statusCode, 301);
  assert.equal(redirect.headers.location, "/usingen/");
});

test("legal and accessibility pages have real content; the Gebärdensprache page says how deaf people reach the town until the video exists", async () => {
  const pages: [string, RegExp][] = [
    ["impressum", /Hochtaunuskreis/],
    ["datenschutz", /Datenschutz/],
    ["barrierefreiheit", /Barriere melden/],
    ["leichte-sprache", /Leichte Sprache|Das ist die Internet-Seite/],
    ["gebaerdensprache", /Das Video in Gebärdensprache folgt/],
  ];
  for (const [path, pattern] of pages) {
    const res = await t.app.inject({ url: `/usingen/${path}` });
    assert.equal(res.statusCode, 200, path);
    assert.match(res.body, pattern, path);
    assert.ok(res.body.length > 3000, `${path} has substantial content`);
  }
  const sign = await t.app.inject({ url: "/usingen/gebaerdensprache" });
  assert.match(sign.body, /E-Mail/);
});

test("contact page lists departments; a department page shows contact, opening hours and responsibilities", async () => {
  const contact = await t.app.inject({ url: "/usingen/kontakt" });
  const key = /href="\/usingen\/aemter\/([a-z0-9-]+)"/.exec(contact.body)?.[1];
  assert.ok(key);
  const dept = await t.app.inject({ url: `/usingen/aemter/${key}` });
  assert.equal(dept.statusCode, 200);
  assert.match(dept.body, /Zuständig für/);
  assert.equal((await t.app.inject({ url: "/usingen/aemter/gibt-es-nicht" })).statusCode, 404);
});

test("every responsibility key maps to exactly one department in each demo municipality", async () => {
  const service = tenantService(t.ctx);
  for (const tenant of t.ctx.tenants.all()) {
    for (const key of RESPONSIBILITY_KEYS) {
      const dept = await service.departmentFor(tenant.id, key);
      assert.ok(dept, `${tenant.slug}: ${key}`);
      assert.equal(dept.tenantId, tenant.id);
    }
  }
});

test("Barriere melden: invalid input is refused with German messages and kept; valid input gets a reference, mails and an audit entry", async () => {
  const page = await t.app.inject({ url: "/usingen/barrierefreiheit/melden?seite=/usingen/kontakt" });
  assert.equal(page.headers["set-cookie"], undefined, "the form page sets no cookie");
  assert.match(page.body, /value="\/usingen\/kontakt"/);
  const csrf = csrfFrom(page.body);
  const bad = await t.app.inject({
    method: "POST",
    url: "/usingen/barrierefreiheit/melden",
    headers: urlencoded,
    payload: form({ _csrf: csrf, pageUrl: "/usingen/kontakt", description: "", email: "keine-adresse", name: "Erika" }),
  });
  assert.equal(bad.statusCode, 400);
  assert.match(bad.body, /Bitte prüfen Sie Ihre Angaben/);
  assert.match(bad.body, /href="#description"/);
  assert.match(bad.body, /name@beispiel\.de/);
  assert.match(bad.body, /value="Erika"/, "what the user typed is kept");
  const before = await t.ctx.db.kysely.selectFrom("barrier_reports").select("id").execute();

  const ok = await t.app.inject({
    method: "POST",
    url: "/usingen/barrierefreiheit/melden",
    headers: urlencoded,
    payload: form({ _csrf: csrf, pageUrl: "/usingen/kontakt", description: "Die Tabelle <script>alert(1)</script> ist nicht vorlesbar.", email: "erika@example.org", name: "Erika" }),
  });
  assert.equal(ok.statusCode, 200);
  const reference = /Ihre Vorgangsnummer: (USI-B2026-\d{5})/.exec(ok.body)?.[1];
  assert.ok(reference, "the thank-you page shows the reference");
  const rows = await t.ctx.db.kysely.selectFrom("barrier_reports").selectAll().execute();
  assert.equal(rows.length, before.length + 1);
  const mails = await t.ctx.db.kysely.selectFrom("mail_outbox").selectAll().where("reference", "=", reference).execute();
  assert.equal(mails.length, 2, "one to the town, one confirmation");
  for (const m of mails) assert.doesNotMatch(m.body_text, /Tabelle|script/, "mails carry no content of the report");
  const audit = await t.ctx.audit.list({ limit: 5 });
  const entry = audit.find((e) => e.action === "barrier-report.create");
  assert.ok(entry);
  assert.ok(!JSON.stringify(entry).includes("erika@example.org"), "the audit log holds field names, not values");

  const { cookie } = await loginStaff(t.app, usingenAdmin.email, usingenAdmin.password);
  const staffList = await t.app.inject({ url: "/usingen/verwaltung/barrieren", headers: { cookie } });
  assert.match(staffList.body, new RegExp(reference));
  assert.ok(staffList.body.includes("&lt;script&gt;alert(1)&lt;/script&gt;"), "user input is escaped");
  assert.ok(!staffList.body.includes("<script>alert(1)"));
});

test("staff pages: anonymous visitors are sent to the login; a municipality's admin cannot touch another municipality", async () => {
  const anon = await t.app.inject({ url: "/usingen/verwaltung/einstellungen" });
  assert.equal(anon.statusCode, 303);
  assert.equal(anon.headers.location, "/verwaltung/anmelden?weiter=%2Fusingen%2Fverwaltung%2Feinstellungen");
  const anonPost = await t.app.inject({ method: "POST", url: "/usingen/verwaltung/einstellungen", headers: urlencoded, payload: form({ welcome: "x" }) });
  assert.equal(anonPost.statusCode, 403);

  const { cookie, csrf } = await loginStaff(t.app, usingenAdmin.email, usingenAdmin.password);
  assert.equal((await t.app.inject({ url: "/usingen/verwaltung/einstellungen", headers: { cookie } })).statusCode, 200);
  assert.equal((await t.app.inject({ url: "/neu-anspach/verwaltung/einstellungen", headers: { cookie } })).statusCode, 403);
  assert.equal((await t.app.inject({ url: "/verwaltung/aufgaben", headers: { cookie } })).statusCode, 403, "operator pages are for platform admins");
  const post = await t.app.inject({ method: "POST", url: "/neu-anspach/verwaltung/einstellungen", headers: { cookie, ...urlencoded }, payload: form({ _csrf: csrf, welcome: "gekapert" }) });
  assert.equal(post.statusCode, 403);

  // A Neu-Anspach department id used under Usingen's address is not found (tenant-scoped queries).
  const na = t.ctx.tenants.bySlug("neu-anspach")!;
  const naDept = (await tenantService(t.ctx).store.departments(na.id))[0]!;
  assert.equal((await t.app.inject({ url: `/usingen/verwaltung/aemter/${naDept.id}`, headers: { cookie } })).statusCode, 404);
  const del = await t.app.inject({ method: "POST", url: `/usingen/verwaltung/aemter/${naDept.id}/loeschen`, headers: { cookie, ...urlencoded }, payload: form({ _csrf: csrf }) });
  assert.equal(del.statusCode, 404);
  assert.ok(await tenantService(t.ctx).store.departmentById(na.id, naDept.id), "the other municipality's department still exists");
});

test("settings: a colour with too little contrast is refused; a valid change is saved, audited by field name and shown publicly", async () => {
  const { cookie, csrf } = await loginStaff(t.app, usingenAdmin.email, usingenAdmin.password);
  const page = await t.app.inject({ url: "/usingen/verwaltung/einstellungen", headers: { cookie } });
  const values = formValues(page.body);
  assert.ok(values.impressum && values.impressum.length > 100);
  const bad = await t.app.inject({ method: "POST", url: "/usingen/verwaltung/einstellungen", headers: { cookie, ...urlencoded }, payload: form({ ...values, primaryColor: "#ffff00", postalCode: "6125", _csrf: csrf }) });
  assert.equal(bad.statusCode, 400);
  assert.match(bad.body, /Kontrastverhältnis/);
  assert.match(bad.body, /5 Ziffern/);
  assert.equal((await tenantService(t.ctx).store.bySlug("usingen"))!.colors.primary, "#1d4f91", "nothing was half-saved");

  const ok = await t.app.inject({ method: "POST", url: "/usingen/verwaltung/einstellungen", headers: { cookie, ...urlencoded }, payload: form({ ...values, primaryColor: "#123d70", openingHours: "Montag bis Freitag: 8:00–12:00 Uhr\nDonnerstag: 14:00–19:00 Uhr", _csrf: csrf }) });
  assert.equal(ok.statusCode, 303);
  const theme = await t.app.inject({ url: "/usingen/theme.css" });
  assert.match(theme.body, /#123d70/);
  const home = await t.app.inject({ url: "/usingen/" });
  assert.match(home.body, /14:00–19:00 Uhr/);
  const entry = (await t.ctx.audit.list({ limit: 10 })).find((e) => e.action === "tenant.settings.update");
  assert.ok(entry);
  assert.deepEqual([...entry.fields].sort(), ["colors", "opening_hours"]);
  assert.equal(entry.actor.type, "staff");
});

test("departments: create one, move a responsibility to it, and the public pages follow", async () => {
  const { cookie, csrf } = await loginStaff(t.app, usingenAdmin.email, usingenAdmin.password);
  const usingen = t.ctx.tenants.bySlug("usingen")!;
  const res = await t.app.inject({
    method: "POST",
    url: "/usingen/verwaltung/aemter/neu",
    headers: { cookie, ...urlencoded },
    payload: form({ _csrf: csrf, name: "Friedhofsverwaltung", key: "friedhofsverwaltung", description: "Grabstätten und Bestattungen", street: "Wilhelmjstraße 1", postalCode: "61250", city: "Usingen", phone: "06081 1024-300", email: "friedhof@usingen.example", openingHours: "Dienstag: 9:00–12:00 Uhr", responsibilities: ["friedhof"] }),
  });
  assert.equal(res.statusCode, 303, res.body.slice(0, 300));
  const dept = await tenantService(t.ctx).departmentFor(usingen.id, "friedhof");
  assert.equal(dept?.key, "friedhofsverwaltung");
  const page = await t.app.inject({ url: "/usingen/aemter/friedhofsverwaltung" });
  assert.match(page.body, /Friedhöfe und Trauerfälle/);
  const duplicate = await t.app.inject({
    method: "POST",
    url: "/usingen/verwaltung/aemter/neu",
    headers: { cookie, ...urlencoded },
    payload: form({ _csrf: csrf, name: "Doppelt", key: "friedhofsverwaltung", street: "x", postalCode: "61250", city: "Usingen", phone: "1", email: "a@b.de", openingHours: "Montag: 8 Uhr" }),
  });
  assert.equal(duplicate.statusCode, 400);
  assert.match(duplicate.body, /verwendet bereits/);
});

test("staff login: wrong passwords are refused, and the account is locked after five in a row", async () => {
  const fresh = await createTestApp();
  try {
    const attempt = async (password: string) => {
      const page = await fresh.app.inject({ url: "/verwaltung/anmelden" });
      return fresh.app.inject({ method: "POST", url: "/verwaltung/anmelden", headers: urlencoded, payload: form({ _csrf: csrfFrom(page.body), email: platformAdmin.email, password }) });
    };
    for (let i = 0; i < 4; i++) assert.match((await attempt("falsch")).body, /nicht richtig/);
    assert.match((await attempt("falsch")).body, /gesperrt/);
    assert.match((await attempt(platformAdmin.password)).body, /gesperrt/, "locked even with the right password");
    fresh.clock.advance(16 * 60 * 1000);
    assert.equal((await attempt(platformAdmin.password)).statusCode, 303);
  } finally {
    await fresh.close();
  }
});

test("a login does not follow a redirect to another site", async () => {
  const page = await t.app.inject({ url: "/verwaltung/anmelden?weiter=//evil.example/" });
  assert.doesNotMatch(page.body, /evil\.example/);
  const res = await t.app.inject({ method: "POST", url: "/verwaltung/anmelden", headers: urlencoded, payload: form({ _csrf: csrfFrom(page.body), email: platformAdmin.email, password: platformAdmin.password, weiter: "//evil.example/" }) });
  assert.equal(res.headers.location, "/verwaltung/");
});

test("the sign-language video: upload with the CSRF token first, then it is shown and served", async () => {
  const { cookie, csrf } = await loginStaff(t.app, usingenAdmin.email, usingenAdmin.password);
  const boundary = "----rathaus-test";
  const video = Buffer.from("\x00\x00\x00\x18ftypmp42 not really a video but bytes");
  const body = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n${csrf}\r\n`),
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="video"; filename="dgs.mp4"\r\nContent-Type: video/mp4\r\n\r\n`),
    video,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  const headers = { cookie, "content-type": `multipart/form-data; boundary=${boundary}` };
  const noToken = await t.app.inject({ method: "POST", url: "/usingen/verwaltung/gebaerdensprache", headers, payload: body.subarray(body.indexOf(`--${boundary}\r\nContent-Disposition: form-data; name="video"`)) });
  assert.equal(noToken.statusCode, 403);
  const res = await t.app.inject({ method: "POST", url: "/usingen/verwaltung/gebaerdensprache", headers, payload: body });
  assert.equal(res.statusCode, 303, res.body.slice(0, 300));
  const pub = await t.app.inject({ url: "/usingen/gebaerdensprache" });
  assert.match(pub.body, /<video/);
  const file = await t.app.inject({ url: "/usingen/gebaerdensprache/video" });
  assert.equal(file.statusCode, 200);
  assert.equal(file.headers["content-type"], "video/mp4");
  assert.deepEqual(file.rawPayload, video);
});
