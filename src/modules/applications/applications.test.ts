import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { csrfFrom } from "../../test-support/app.js";
import { startListeningApp, type ListeningTestApp } from "../../test-support/listening-app.js";
import { loginCitizen, cookieOf } from "../../test-support/citizen-login.js";
import type { ManualClock } from "../../platform/clock.js";
import { ApplicationClient, errorsOf, sampleFileFor } from "../../test-support/applications.js";
import { loadDefinitions, type ServiceDefinition } from "../services/definitions.js";
import { berlinDateTime } from "../../platform/clock.js";
import { applications } from "./index.js";

let t: ListeningTestApp & { clock: ManualClock };
/** Erika, logged in with the eID (trust level high) through the real OIDC flow of the test IdP. */
let erika: string;
before(async () => {
  const app = await startListeningApp();
  t = Object.assign(app, { clock: app.ctx.clock as ManualClock });
  erika = cookieOf(await loginCitizen(t.base, "usingen", "erika"));
});
after(() => t.close());

const definitions = loadDefinitions().definitions;
const def = (id: string): ServiceDefinition => definitions.find((d) => d.id === id)!;
const today = () => berlinDateTime(t.clock.now()).date;
const anonymous = definitions.filter((d) => d.trustLevel === "none");

test("every shipped service can be completed over HTTP, both ways through its rules, and gets a receipt", async () => {
  assert.ok(definitions.length >= 35);
  for (const d of definitions) {
    for (const choice of ["first", "last"] as const) {
      const c = new ApplicationClient(t.app, "usingen", d.trustLevel === "none" ? undefined : erika);
      const start = await c.start(d.id);
      assert.equal(start.statusCode, 303, `${d.id}: start → ${start.statusCode} ${start.headers.location ?? ""}`);
      assert.ok(c.cookie, `${d.id}: a session exists (form session or login)`);
      await c.fillAll(d, today(), choice);
      const submitted = await c.submit();
      assert.equal(submitted.statusCode, 303, `${d.id}: submit`);
      assert.match(c.location, /\/eingang\?neu=1$/, `${d.id}: to the confirmation`);
      const confirmation = await c.get(c.location);
      assert.equal(confirmation.statusCode, 200);
      assert.match(confirmation.body, /USI-20\d\d-\d{6}/, `${d.id}: reference number`);
    }
  }
  await t.ctx.jobs.runDue(1000);
  const rows = await t.ctx.db.kysely.selectFrom("submissions").select(["reference", "receipt_key", "service_id"]).where("tenant_id", "=", t.ctx.tenants.bySlug("usingen")!.id).execute();
  assert.equal(rows.length, definitions.length * 2);
  assert.equal(new Set(rows.map((r) => r.reference)).size, rows.length, "reference numbers are unique");
  for (const r of rows) {
    assert.ok(r.receipt_key, `${r.service_id}: receipt rendered by the job`);
    const pdf = await t.ctx.storage.read(r.receipt_key!);
    assert.equal(pdf.subarray(0, 5).toString(), "%PDF-");
  }
});

test("a submission keeps answers, files, definition version and status; the event and the mail are queued", async () => {
  const d = definitions.find((x) => x.trustLevel === "none" && x.steps.some((s) => s.fields.some((f) => f.type === "file")))!;
  const c = new ApplicationClient(t.app, "usingen");
  await c.start(d.id);
  await c.fillAll(d, today());
  await c.submit();
  const draftId = /\/antrag\/([^/]+)\/eingang/.exec(c.location)![1]!;
  const tenantId = t.ctx.tenants.bySlug("usingen")!.id;
  const row = await t.ctx.db.kysely.selectFrom("submissions").selectAll().where("draft_id", "=", draftId).executeTakeFirstOrThrow();
  assert.equal(row.status, "eingegangen");
  assert.equal(row.definition_version, d.version);
  assert.ok(Object.keys(JSON.parse(row.answers)).length > 0);
  const files = await t.ctx.db.kysely.selectFrom("application_files").selectAll().where("submission_id", "=", row.id).execute();
  assert.ok(files.length >= 1, "the upload belongs to the submission");
  const jobs = await t.ctx.db.kysely.selectFrom("jobs").select(["type"]).where("tenant_id", "=", tenantId).where("status", "=", "pending").execute();
  assert.ok(jobs.some((j) => j.type === "applications.submitted"), "event for the back office");
  assert.ok(jobs.some((j) => j.type === "applications.receipt"), "receipt job");
  const seen: string[] = [];
  applications(t.ctx).handlers.push(async (e) => {
    seen.push(e.reference);
  });
  await t.ctx.jobs.runDue(1000);
  applications(t.ctx).handlers.pop();
  assert.ok(seen.includes(row.reference), "the registered consumer got the submission");
  const mail = await t.ctx.db.kysely.selectFrom("mail_outbox").selectAll().where("reference", "=", row.reference).execute();
  if (row.contact_email) {
    assert.equal(mail.length, 1, "one confirmation mail");
    assert.ok(mail[0]!.body_text.includes(row.reference));
    // The mail rule: reference number and link, no answers.
    const text = mail[0]!.body_text.replace(row.contact_name ?? "\u0000", "");
    for (const [k, v] of Object.entries(JSON.parse(row.answers) as Record<string, unknown>)) {
      if (typeof v === "string" && v.length > 6 && k !== "email") assert.ok(!text.includes(v), `mail must not carry the answer ${k}`);
    }
  }
  // The receipt can be downloaded by the applicant.
  const pdf = await c.get(c.location.replace(/\?neu=1$/, "") + "/quittung.pdf");
  assert.equal(pdf.statusCode, 200);
  assert.equal(pdf.headers["content-type"], "application/pdf");
});

test("a double submit (double click, replay) creates exactly one submission", async () => {
  const d = def("fundsache-melden") ?? anonymous[0]!;
  const c = new ApplicationClient(t.app, "usingen");
  await c.start(d.id);
  await c.fillAll(d, today());
  const check = await c.get(c.location);
  const action = /action="([^"]+\/absenden)"/.exec(check.body)![1]!;
  const csrf = csrfFrom(check.body);
  const [a, b] = await Promise.all([c.post(action, { _csrf: csrf }), c.post(action, { _csrf: csrf })]);
  assert.equal(a.statusCode, 303);
  assert.equal(b.statusCode, 303);
  const replay = await c.post(action, { _csrf: csrf });
  assert.equal(replay.statusCode, 303);
  const draftId = /\/antrag\/([^/]+)\/absenden/.exec(action)![1]!;
  const n = await t.ctx.db.kysely.selectFrom("submissions").select((eb) => eb.fn.countAll<number>().as("n")).where("draft_id", "=", draftId).executeTakeFirstOrThrow();
  assert.equal(Number(n.n), 1);
});

test("skipping steps and tampering with hidden fields are refused on the server", async () => {
  const d = definitions.find((x) => x.trustLevel === "none" && x.steps.length >= 3)!;
  const c = new ApplicationClient(t.app, "usingen");
  await c.start(d.id);
  const first = c.location;
  const last = first.replace(/schritt\/[^/]+$/, `schritt/${d.steps.at(-1)!.id}`);
  const jump = await c.get(last);
  assert.equal(jump.statusCode, 303, "a later step cannot be opened before the earlier ones");
  assert.equal(jump.headers.location, first);
  const page = await c.get(first);
  const post = await c.post(last, { _csrf: csrfFrom(page.body), _aktion: "weiter" });
  assert.equal(post.statusCode, 303);
  assert.equal(post.headers.location, first, "posting to a later step is refused");
  const check = await c.get(first.replace(/schritt\/[^/]+$/, "pruefen"));
  assert.equal(check.headers.location, first, "no check page before all steps");
  const submit = await c.post(first.replace(/schritt\/[^/]+$/, "absenden"), { _csrf: csrfFrom(page.body) });
  assert.equal(submit.statusCode, 303);
  assert.equal(submit.headers.location, first, "no submit before all steps");
});

test("invalid input: error summary linking to each field, German messages, 422, and the typed values stay", async () => {
  const d = anonymous[0]!;
  const c = new ApplicationClient(t.app, "usingen");
  await c.start(d.id);
  const page = await c.get(c.location);
  const res = await c.post(c.location, { _csrf: csrfFrom(page.body), _aktion: "weiter", unbekannt: "<script>alert(1)</script>" });
  assert.equal(res.statusCode, 422);
  const errors = errorsOf(res.body);
  assert.ok(errors.length > 0, "error summary");
  for (const e of errors) {
    const anchor = e.split(":")[0]!;
    assert.ok(res.body.includes(`id="${anchor}"`), `summary link #${anchor} points to a field`);
  }
  assert.match(res.body, /Bitte (füllen Sie das Feld|wählen Sie)/);
  assert.match(res.body, /<title>Fehler: /);
  assert.ok(!res.body.includes("<script>alert(1)</script>"));
});

test("uploads: type by content, size and count limits, refused files explained and no answer lost", async () => {
  // Fundsache melden: step 1 has "foto", JPEG or PNG, at most 5 MB, at most 3 files.
  const d = def("fundsache-melden");
  const step = d.steps[0]!;
  const spec = step.fields.find((f) => f.id === "foto")!.file!;
  assert.deepEqual(spec, { accept: ["image/jpeg", "image/png"], maxSizeMb: 5, maxFiles: 3 });
  const { exampleInput } = await import("../../test-support/form-filler.js");
  const { body } = exampleInput(d, step.fields, today(), "first");
  const c = new ApplicationClient(t.app, "usingen");
  await c.start(d.id);
  const url = c.location;
  const page = await c.get(url);
  assert.match(page.body, /enctype="multipart\/form-data"/i);
  const csrf = csrfFrom(page.body);
  const send = (fields: Record<string, unknown>, files: { name: string; type: string; data: Buffer }[]) =>
    c.post(url, { _csrf: csrf, ...fields, _aktion: "weiter" }, files.map((f) => ({ field: "foto", ...f })), true);
  const jpeg = sampleFileFor(["image/jpeg"]);

  // Text named .jpg and a real PDF: refused by content; the typed description stays.
  const fake = await send(body, [{ name: "foto.jpg", type: "image/jpeg", data: Buffer.from("Das ist kein Bild, nur Text.") }]);
  assert.equal(fake.statusCode, 422);
  assert.match(fake.body, /„foto.jpg“ hat nicht das erwartete Format/);
  assert.match(fake.body, /JPEG oder PNG/);
  assert.ok(fake.body.includes(`>${body.beschreibung}</textarea>`), "typed answers are kept");
  const pdf = await send(body, [{ name: "scan.pdf", type: "application/pdf", data: Buffer.from("%PDF-1.4\n%%EOF\n") }]);
  assert.equal(pdf.statusCode, 422, "a PDF where only images are allowed");
  // Too large.
  const big = await send(body, [{ name: "gross.jpg", type: "image/jpeg", data: Buffer.concat([jpeg.data, Buffer.alloc(5 * 1024 * 1024, 1)]) }]);
  assert.equal(big.statusCode, 422);
  assert.match(big.body, /größer als 5 MB/);
  // A good file is kept even when another answer is missing …
  const partial = await send({}, [jpeg]);
  assert.equal(partial.statusCode, 422);
  assert.match(partial.body, /Bereits hochgeladen/);
  // … and counts against the limit: two more fit, a fourth does not.
  const three = await send({}, [jpeg, jpeg, jpeg]);
  assert.equal(three.statusCode, 422);
  assert.match(three.body, /höchstens 3 Dateien möglich/);
  const rows = await t.ctx.db.kysely.selectFrom("application_files").selectAll().where("draft_id", "=", /antrag\/([^/]+)\//.exec(url)![1]!).execute();
  assert.equal(rows.length, 3);
  // One removed; then the step completes with the stored files.
  const ok = await c.post(url, { _csrf: csrf, ...body, _entfernen: rows[0]!.id, _aktion: "weiter" }, [], true);
  assert.equal(ok.statusCode, 303, errorsOf(ok.body).join(" | "));
  const left = await t.ctx.db.kysely.selectFrom("application_files").selectAll().where("draft_id", "=", rows[0]!.draft_id).execute();
  assert.equal(left.length, 2);
  assert.ok(!(await t.ctx.storage.exists(rows[0]!.storage_key)), "the removed file is gone from storage");
});

test("save and resume: the anonymous resume link works in another browser; expired drafts are gone", async () => {
  const d = anonymous.find((x) => x.steps.length >= 2)!;
  const c = new ApplicationClient(t.app, "usingen");
  await c.start(d.id);
  const page = await c.get(c.location);
  const saved = await c.post(c.location, { _csrf: csrfFrom(page.body), _aktion: "speichern" });
  assert.equal(saved.statusCode, 303);
  assert.match(c.location, /\/gespeichert$/);
  const info = await c.get(c.location);
  const link = /<code>(https?:\/\/[^<]+\/antrag\/fortsetzen\/[^<]+)<\/code>/.exec(info.body)?.[1];
  assert.ok(link, "resume link shown");
  const path = new URL(link!).pathname;

  // Another browser: no access without the link …
  const other = new ApplicationClient(t.app, "usingen");
  const denied = await other.get(c.location.replace(/\/gespeichert$/, ""));
  assert.equal(denied.statusCode, 404);
  // … with the link, a confirmation page, then the draft.
  const resume = await other.get(path);
  assert.equal(resume.statusCode, 200);
  assert.match(resume.body, /Antrag fortsetzen/);
  const bound = await other.app.inject({ method: "POST", url: path, headers: { "content-type": "application/x-www-form-urlencoded" }, payload: `_csrf=${encodeURIComponent(csrfFrom(resume.body))}` });
  assert.equal(bound.statusCode, 303);
  other.cookie = /rathaus_sid=[^;]+/.exec(String(bound.headers["set-cookie"]))![0];
  const cont = await other.get(String(bound.headers.location));
  assert.equal(cont.statusCode, 303);
  assert.match(String(cont.headers.location), /\/schritt\//);

  const tampered = await other.get(path.slice(0, -3) + "abc");
  assert.equal(tampered.statusCode, 404);

  // Time passes beyond ANONYMOUS_DRAFT_DAYS: the page says so, the purge job deletes it.
  t.clock.advance(31 * 86_400_000);
  const gone = await other.get(String(bound.headers.location));
  assert.equal(gone.statusCode, 410);
  const purged = await applications(t.ctx).purgeExpired();
  assert.ok(purged >= 1);
  const after = await other.get(path);
  assert.equal(after.statusCode, 404);
});

test("fillable PDF: downloaded, filled offline, uploaded back — the same structured answers as the online form", async () => {
  const d = def("fundsache-melden");
  const page = await t.app.inject({ url: "/usingen/dienste/fundsache-melden/pdf-formular" });
  assert.equal(page.statusCode, 200);
  const pdf = await t.app.inject({ url: "/usingen/dienste/fundsache-melden/formular.pdf" });
  assert.equal(pdf.statusCode, 200);
  assert.equal(pdf.headers["content-type"], "application/pdf");
  const { exampleInput } = await import("../../test-support/form-filler.js");
  const { fillLikeCitizen } = await import("../../test-support/pdf-citizen.js");
  // Everything the online form would post for the first two steps; the third is left out.
  const body = { ...exampleInput(d, d.steps[0]!.fields, today(), "last").body, ...exampleInput(d, d.steps[1]!.fields, today(), "last").body };
  const filled = await fillLikeCitizen(pdf.rawPayload, body);
  const c = new ApplicationClient(t.app, "usingen");
  const upload = await c.post("/usingen/dienste/fundsache-melden/pdf-formular", { _csrf: csrfFrom(page.body) }, [{ field: "pdf", name: "fundsache.pdf", type: "application/pdf", data: filled }]);
  assert.equal(upload.statusCode, 303, errorsOf(upload.body).join(" | "));
  c.cookie = /rathaus_sid=[^;]+/.exec(String(upload.headers["set-cookie"]))![0];
  assert.match(c.location, /\/schritt\/kontakt\?hinweis=pdf$/, "continues online where the PDF left off");
  const step = await c.get(c.location);
  assert.match(step.body, /aus dem PDF übernommen/);
  const draftId = /antrag\/([^/]+)\//.exec(c.location)![1]!;
  const draft = await applications(t.ctx).draft(t.ctx.tenants.bySlug("usingen")!.id, draftId);
  assert.deepEqual(draft!.stepsDone, ["meldung", "umstaende"]);
  assert.equal(draft!.answers.beschreibung, body.beschreibung);

  // Not a form: a scan, random bytes — explained, nothing created.
  for (const data of [Buffer.from("%PDF-1.4\n%%EOF\n"), Buffer.from("kein pdf")]) {
    const res = await new ApplicationClient(t.app, "usingen").post("/usingen/dienste/fundsache-melden/pdf-formular", { _csrf: csrfFrom(page.body) }, [{ field: "pdf", name: "scan.pdf", type: "application/pdf", data }]);
    assert.equal(res.statusCode, 422);
    assert.match(res.body, /PDF/);
    assert.ok(!res.headers["set-cookie"], "no session, no draft");
  }
});

test("logged in: the Servicekonto prefills the form, the draft and the submission are the citizen's own", async () => {
  // A fresh login: an earlier test moved the clock past the session's lifetime.
  erika = cookieOf(await loginCitizen(t.base, "usingen", "erika"));
  const c = new ApplicationClient(t.app, "usingen", erika);
  await c.start("meldebescheinigung");
  const step = await c.get(c.location);
  assert.equal(step.statusCode, 200);
  assert.match(step.body, /name="vorname" type="text" value="Erika"/);
  assert.match(step.body, /name="nachname" type="text" value="Mustermann"/);
  assert.match(step.body, /name="geburtsdatum" type="text" value="12.08.1964"/);
  assert.match(step.body, /name="anschrift.strasse" type="text" value="Heidestraße 17"/);
  assert.match(step.body, /Aus Ihrem Servicekonto übernommen/);
  const draftUrl = c.location.replace(/\/schritt\/.*$/, "");

  // Max (another citizen, basic trust) cannot open Erika's draft; nor can a browser without login.
  const max = cookieOf(await loginCitizen(t.base, "usingen", "max"));
  const asMax = await t.app.inject({ url: c.location, headers: { cookie: max } });
  assert.ok(asMax.statusCode === 404 || (asMax.statusCode === 303 && /\/anmelden\?/.test(String(asMax.headers.location))), `Max: ${asMax.statusCode}`);
  const anonymousRes = await t.app.inject({ url: c.location });
  assert.equal(anonymousRes.statusCode, 303);
  assert.match(String(anonymousRes.headers.location), /^\/usingen\/anmelden\?/);
  // Another municipality never sees it (tenant isolation in every query).
  const other = await t.app.inject({ url: c.location.replace("/usingen/", "/neu-anspach/"), headers: { cookie: erika } });
  assert.equal(other.statusCode, 404);
  // Max's trust level (basic) is too low for the Meldebescheinigung (substantial): back to the login for a step-up.
  const page = await t.app.inject({ url: "/usingen/dienste/meldebescheinigung", headers: { cookie: max } });
  const maxStart = await t.app.inject({ method: "POST", url: "/usingen/dienste/meldebescheinigung/antrag", headers: { cookie: max, "content-type": "application/x-www-form-urlencoded" }, payload: `_csrf=${encodeURIComponent(csrfFrom(page.body))}` });
  assert.equal(maxStart.statusCode, 303);
  assert.match(String(maxStart.headers.location), /\/usingen\/anmelden\?weiter=%2Fusingen%2Fdienste%2Fmeldebescheinigung%2Fantrag&niveau=substantial/);

  // "Meine Anträge" lists the open draft; after submitting, the submission with its reference.
  let mine = await t.app.inject({ url: "/usingen/mein-rathaus/antraege", headers: { cookie: erika } });
  assert.equal(mine.statusCode, 200);
  assert.ok(mine.body.includes(`href="${draftUrl}"`), "the draft is listed");
  await c.fillAll(def("meldebescheinigung"), today());
  await c.submit();
  mine = await t.app.inject({ url: "/usingen/mein-rathaus/antraege", headers: { cookie: erika } });
  assert.match(mine.body, /Meldebescheinigung beantragen<\/a><\/td><td class="kern-table__cell">USI-\d{4}-\d{6}/);
  // The confirmation mail goes to the account's address (this form asks for none), with a link into Mein Rathaus.
  const reference = /USI-\d{4}-\d{6}/.exec(mine.body)![0];
  const mail = await t.ctx.db.kysely.selectFrom("mail_outbox").selectAll().where("reference", "=", reference).executeTakeFirstOrThrow();
  assert.equal(mail.to_address, "erika.mustermann@example.org");
  assert.match(mail.body_text, /^Guten Tag Beispielangabe Beispielangabe,\n/, "greeted by the name given in the form");
  assert.ok(mail.body_text.includes(`${t.base}${draftUrl}/eingang`), "link to the application");
  assert.ok(!mail.body_text.includes("Heidestraße"), "no answers in the mail");
  const maxMine = await t.app.inject({ url: "/usingen/mein-rathaus/antraege", headers: { cookie: max } });
  assert.ok(!maxMine.body.includes(draftUrl), "Max does not see Erika's applications");
  const home = await t.app.inject({ url: "/usingen/mein-rathaus/", headers: { cookie: erika } });
  assert.match(home.body, /href="\/usingen\/mein-rathaus\/antraege">Meine Anträge/);
});

test("repeatable groups without JavaScript: add and remove items; empty optional items are dropped", async () => {
  const d = definitions.find((x) => x.trustLevel !== "none" && x.steps[0]!.fields.some((f) => f.type === "group" && f.repeat))
    ?? definitions.find((x) => x.steps.some((s) => s.fields.some((f) => f.type === "group" && f.repeat)))!;
  const c = new ApplicationClient(t.app, "usingen", d.trustLevel === "none" ? undefined : erika);
  await c.start(d.id);
  const { exampleInput } = await import("../../test-support/form-filler.js");
  // Walk to the first step with a repeatable group.
  for (;;) {
    const stepId = /\/schritt\/([^/?]+)/.exec(c.location)![1]!;
    const step = d.steps.find((s) => s.id === stepId)!;
    const group = step.fields.find((f) => f.type === "group" && f.repeat);
    const page = await c.get(c.location);
    const { body, files } = exampleInput(d, step.fields, today(), "first");
    const uploads = Object.keys(files).map((field) => ({ field, ...sampleFileFor(["application/pdf", "image/jpeg"]) }));
    if (!group) {
      await c.post(c.location, { _csrf: csrfFrom(page.body), ...body, _aktion: "weiter" }, uploads, /multipart/i.test(page.body));
      continue;
    }
    const url = c.location;
    const multipartForm = /multipart/i.test(page.body);
    const added = await c.post(url, { _csrf: csrfFrom(page.body), ...body, _aktion: `weitere:${group.id}` }, [], multipartForm);
    assert.equal(added.statusCode, 200);
    const n = Math.max(group.repeat!.min, 1);
    assert.ok(added.body.includes(`${group.repeat!.itemLabel} ${n + 1}`), "one more item is shown");
    assert.ok(added.body.includes(`name="${group.id}[${n}].${group.fields![0]!.id}"`));
    const removed = await c.post(url, { _csrf: csrfFrom(page.body), ...body, _aktion: `entfernen:${group.id}:${n}` }, [], multipartForm);
    assert.equal(removed.statusCode, 200);
    assert.ok(!removed.body.includes(`name="${group.id}[${n}].${group.fields![0]!.id}"`), "the item is gone");
    // An extra, completely empty item is dropped when the step is sent.
    const withEmpty = { ...body, [`${group.id}[${n}].${group.fields![0]!.id}`]: "" };
    const ok = await c.post(url, { _csrf: csrfFrom(page.body), ...withEmpty, _aktion: "weiter" }, uploads, multipartForm);
    assert.equal(ok.statusCode, 303, errorsOf(ok.body).join(" | "));
    break;
  }
});

test("changing an earlier answer: later steps that now ask for more are opened again, stale answers are gone", async () => {
  const d = def("fundsache-melden");
  const { exampleInput } = await import("../../test-support/form-filler.js");
  const c = new ApplicationClient(t.app, "usingen");
  await c.start(d.id);
  const first = c.location;
  await c.fillAll(d, today(), "first");
  const before = await c.get(c.location);
  // Back to step 1 and answer the other way ("verloren" ↔ "gefunden").
  const page = await c.get(first);
  const { body } = exampleInput(d, d.steps[0]!.fields, today(), "last");
  const res = await c.post(first, { _csrf: csrfFrom(page.body), ...body, _aktion: "weiter" }, [], true);
  assert.equal(res.statusCode, 303);
  assert.match(String(res.headers.location), /\/schritt\/umstaende$/, "step 2 asks other questions now: not straight to the check page");
  const draftId = /antrag\/([^/]+)\//.exec(first)![1]!;
  const draft = await applications(t.ctx).draft(t.ctx.tenants.bySlug("usingen")!.id, draftId);
  const step2 = d.steps[1]!;
  for (const f of step2.fields) {
    if (draft!.answers[f.id] !== undefined) assert.ok(f.visibleIf === undefined || JSON.stringify(f.visibleIf).includes(String(body.meldungsart)), `stale answer ${f.id} dropped`);
  }
  await c.fillAll(d, today(), "last");
  const check = await c.get(c.location);
  assert.notEqual(check.body, before.body);
  assert.equal(errorsOf(check.body).length, 0);
  const submitted = await c.submit();
  assert.equal(submitted.statusCode, 303);
  assert.match(c.location, /\/eingang\?neu=1$/);
});

test("a deleted citizen account takes its unfinished drafts and their files with it; submitted applications stay", async () => {
  const max = cookieOf(await loginCitizen(t.base, "usingen", "max"));
  const basic = definitions.find((d) => d.trustLevel === "basic" && d.steps[0]!.fields.some((f) => f.type === "file"))
    ?? definitions.find((d) => d.trustLevel === "basic")!;
  const c = new ApplicationClient(t.app, "usingen", max);
  await c.start(basic.id);
  const draftId = /antrag\/([^/]+)\//.exec(c.location)![1]!;
  const tenantId = t.ctx.tenants.bySlug("usingen")!.id;
  const key = `applications/${tenantId}/${draftId}/probe`;
  await t.ctx.storage.put(key, Buffer.from("%PDF-1.4\n%%EOF\n"));
  await t.ctx.db.kysely.insertInto("application_files").values({ id: `probe-${draftId}`, tenant_id: tenantId, draft_id: draftId, submission_id: null, input_name: "probe", file_name: "probe.pdf", content_type: "application/pdf", size: 15, sha256: "x", storage_key: key, created_at: t.clock.now().toISOString() }).execute();
  const page = await t.app.inject({ url: "/usingen/mein-rathaus/konto-loeschen", headers: { cookie: max } });
  const res = await t.app.inject({ method: "POST", url: "/usingen/mein-rathaus/konto-loeschen", headers: { cookie: max, "content-type": "application/x-www-form-urlencoded" }, payload: `_csrf=${encodeURIComponent(csrfFrom(page.body))}&bestaetigung=ja` });
  assert.equal(res.statusCode, 200);
  assert.equal(await applications(t.ctx).draft(tenantId, draftId), undefined, "the draft is gone");
  assert.equal((await t.ctx.db.kysely.selectFrom("application_files").selectAll().where("draft_id", "=", draftId).execute()).length, 0);
  assert.ok(!(await t.ctx.storage.exists(key)), "the stored file is gone");
});
