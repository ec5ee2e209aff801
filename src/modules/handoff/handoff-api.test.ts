import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import type { LightMyRequestResponse } from "fastify";
import { createTestApp, loginStaff, DEMO_ACCOUNTS, type TestApp } from "../../test-support/app.js";
import { SAMPLE_FILES } from "../../test-support/applications.js";
import { submittedCase } from "../../test-support/cases.js";
import { sha256 } from "../../platform/ids.js";
import { caseService } from "../cases/index.js";
import { handoff, type Scope } from "./index.js";
import { WRITES_PER_MINUTE } from "./api.js";

/**
 * The API for specialised systems over HTTP: keys made on the staff page, refusals (401/403),
 * new cases with answers and files, acknowledgement, a workflow step, a Bescheid that reaches
 * the applicant, per-key limits, and the OpenAPI document against the registered routes.
 */

let t: TestApp;
before(async () => {
  t = await createTestApp();
  await t.app.inject({ url: "/" }); // the municipality directory loads with the first request
});
after(() => t.close());

const urlencoded = { "content-type": "application/x-www-form-urlencoded" };
const [, usingenAdmin, naAdmin] = DEMO_ACCOUNTS as [(typeof DEMO_ACCOUNTS)[0], (typeof DEMO_ACCOUNTS)[0], (typeof DEMO_ACCOUNTS)[0]];


async function newKey(slug: string, scopes: Scope[], departmentId: string | null = null, label = "Fachverfahren Test"): Promise<string> {
  const tenant = t.ctx.tenants.bySlug(slug)!;
  const admin = (await t.ctx.accounts.idByEmail(slug === "usingen" ? usingenAdmin.email : naAdmin.email))!;
  return (await handoff(t.ctx).keys.create(tenant.id, { label, scopes, departmentId }, admin)).secret;
}

function api(method: "GET" | "POST", url: string, key?: string, body?: { json?: unknown; pdf?: Buffer; type?: string }): Promise<LightMyRequestResponse> {
  const headers: Record<string, string> = key ? { authorization: `Bearer ${key}` } : {};
  if (body?.json !== undefined) return t.app.inject({ method, url, headers: { ...headers, "content-type": "application/json" }, payload: JSON.stringify(body.json) });
  if (body?.pdf) return t.app.inject({ method, url, headers: { ...headers, "content-type": body.type ?? "application/pdf" }, payload: body.pdf });
  return t.app.inject({ method, url, headers });
}

/** Every case id the key gets when it walks all pages of `query`. */
async function walk(key: string, query: string, limit = 1): Promise<string[]> {
  const ids: string[] = [];
  let after = "";
  for (let guard = 0; guard < 100; guard++) {
    const res = await api("GET", `/api/v1/usingen/cases?${query}&limit=${limit}${after ? `&after=${encodeURIComponent(after)}` : ""}`, key);
    assert.equal(res.statusCode, 200, res.body);
    const page = res.json() as { items: { id: string }[]; next: string | null };
    ids.push(...page.items.map((i) => i.id));
    if (!page.next) return ids;
    after = page.next;
  }
  throw new Error("no end of pages");
}

test("staff page: the administration creates a key (the secret is shown once, only its hash is kept), sees it listed and revokes it", async () => {
  const admin = await loginStaff(t.app, usingenAdmin.email, usingenAdmin.password);
  const page = await t.app.inject({ url: "/usingen/verwaltung/schnittstellen", headers: { cookie: admin.cookie } });
  assert.equal(page.statusCode, 200);
  assert.match(page.body, /<h1 class="kern-heading-large">Schnittstellen<\/h1>/);

  const invalid = await t.app.inject({ method: "POST", url: "/usingen/verwaltung/schnittstellen/schluessel", headers: { ...urlencoded, cookie: admin.cookie }, payload: new URLSearchParams({ _csrf: admin.csrf, label: "" }).toString() });
  assert.equal(invalid.statusCode, 400);
  assert.match(invalid.body, /href="#label">Bitte geben Sie eine Bezeichnung ein/);
  assert.match(invalid.body, /href="#scopes">Bitte wählen Sie mindestens eine Berechtigung/);
  assert.match(invalid.body, /<input class="kern-form-check__checkbox" type="checkbox" id="scopes" name="scopes" value="cases:read">/, "the error summary's link target exists");

  const form = new URLSearchParams([["_csrf", admin.csrf], ["label", "OK.VERKEHR"], ["scopes", "cases:read"], ["scopes", "cases:write"], ["department", ""]]);
  const created = await t.app.inject({ method: "POST", url: "/usingen/verwaltung/schnittstellen/schluessel", headers: { ...urlencoded, cookie: admin.cookie }, payload: form.toString() });
  assert.equal(created.statusCode, 200);
  assert.equal(created.headers["cache-control"], "private, no-store");
  const secret = /<code class="secret-once">(rh_[0-9a-f]{12}_[A-Za-z0-9_-]{43})<\/code>/.exec(created.body)?.[1];
  assert.ok(secret, "the new key is shown");
  const row = await t.ctx.db.kysely.selectFrom("api_keys").selectAll().where("label", "=", "OK.VERKEHR").executeTakeFirstOrThrow();
  assert.equal(row.secret_hash, sha256(secret!));
  assert.ok(!JSON.stringify(row).includes(secret!.slice(16)), "the secret itself is not stored");
  const again = await t.app.inject({ url: "/usingen/verwaltung/schnittstellen", headers: { cookie: admin.cookie } });
  assert.ok(!again.body.includes(secret!.slice(16)), "never shown again");
  assert.ok(again.body.includes(`rh_${row.prefix}_…`), "listed by its prefix");
  assert.match(again.body, /noch nie/);

  assert.equal((await api("GET", "/api/v1/usingen/cases", secret)).statusCode, 200);
  assert.doesNotMatch((await t.app.inject({ url: "/usingen/verwaltung/schnittstellen", headers: { cookie: admin.cookie } })).body, /noch nie/, "last use recorded");

  const revoked = await t.app.inject({ method: "POST", url: `/usingen/verwaltung/schnittstellen/schluessel/${row.id}/widerrufen`, headers: { ...urlencoded, cookie: admin.cookie }, payload: new URLSearchParams({ _csrf: admin.csrf }).toString() });
  assert.equal(revoked.statusCode, 303);
  assert.match((await t.app.inject({ url: String(revoked.headers.location), headers: { cookie: admin.cookie } })).body, /widerrufen am/);
  assert.equal((await api("GET", "/api/v1/usingen/cases", secret)).statusCode, 401, "a revoked key no longer works");
  const audit = await t.ctx.audit.list({ limit: 100 });
  assert.ok(audit.some((e) => e.action === "handoff.apikey.create" && e.object?.id === row.id));
  assert.ok(audit.some((e) => e.action === "handoff.apikey.revoke" && e.object?.id === row.id));

  // Neu-Anspach's administration cannot revoke Usingen's keys.
  const na = await loginStaff(t.app, naAdmin.email, naAdmin.password);
  const other = await newKey("usingen", ["cases:read"]);
  const otherRow = (await t.ctx.db.kysely.selectFrom("api_keys").select("id").where("prefix", "=", other.slice(3, 15)).executeTakeFirstOrThrow());
  const foreign = await t.app.inject({ method: "POST", url: `/neu-anspach/verwaltung/schnittstellen/schluessel/${otherRow.id}/widerrufen`, headers: { ...urlencoded, cookie: na.cookie }, payload: new URLSearchParams({ _csrf: na.csrf }).toString() });
  assert.equal(foreign.statusCode, 404);
  assert.equal((await api("GET", "/api/v1/usingen/cases", other)).statusCode, 200);
});

test("refusals: no key, a malformed or wrong key, a revoked key → 401; another municipality's key, a missing scope → 403 (JSON with error)", async () => {
  const reader = await newKey("usingen", ["cases:read"]);
  const na = await newKey("neu-anspach", ["cases:read", "cases:write"]);
  const { kase } = await submittedCase(t, "fundsache-melden");
  const list = "/api/v1/usingen/cases";

  const none = await api("GET", list);
  assert.equal(none.statusCode, 401);
  assert.equal(none.headers["www-authenticate"], 'Bearer realm="rathaus"');
  assert.equal(none.headers["content-type"], "application/json; charset=utf-8");
  assert.ok((none.json() as { error: string }).error);
  const malformed = await api("GET", list, "geheim");
  assert.equal(malformed.statusCode, 401);
  assert.match(String(malformed.headers["www-authenticate"]), /error="invalid_token"/);
  const wrongSecret = `${reader.slice(0, 16)}${"A".repeat(43)}`;
  assert.equal((await api("GET", list, wrongSecret)).statusCode, 401, "the right prefix with a wrong secret");
  const tempKey = await newKey("usingen", ["cases:read"]);
  const tempId = (await t.ctx.db.kysely.selectFrom("api_keys").select("id").where("prefix", "=", tempKey.slice(3, 15)).executeTakeFirstOrThrow()).id;
  assert.equal((await api("GET", list, tempKey)).statusCode, 200);
  await handoff(t.ctx).keys.revoke(t.ctx.tenants.bySlug("usingen")!.id, tempId, (await t.ctx.accounts.idByEmail(usingenAdmin.email))!);
  assert.equal((await api("GET", list, tempKey)).statusCode, 401, "revoked");

  const foreign = await api("GET", list, na);
  assert.equal(foreign.statusCode, 403, "Neu-Anspach's key on Usingen's cases");
  assert.match((foreign.json() as { message: string }).message, /gilt nicht für diese Kommune/);
  assert.equal((await api("GET", `/api/v1/usingen/cases/${kase.id}`, na)).statusCode, 403);
  assert.equal((await api("GET", `/api/v1/neu-anspach/cases/${kase.id}`, na)).statusCode, 404, "under its own municipality the case does not exist");
  assert.equal((await api("GET", "/api/v1/gibt-es-nicht/cases", reader)).statusCode, 403);

  const ack = await api("POST", `/api/v1/usingen/cases/${kase.id}/ack`, reader);
  assert.equal(ack.statusCode, 403, "cases:read cannot write");
  assert.match(String(ack.headers["www-authenticate"]), /error="insufficient_scope", scope="cases:write"/);
  assert.equal((await api("POST", `/api/v1/usingen/cases/${kase.id}/status`, reader, { json: { to: "in-bearbeitung" } })).statusCode, 403);
  assert.equal((await caseService(t.ctx).get(kase.tenant_id, kase.id))!.status, "eingegangen", "nothing changed");
  const writer = await newKey("usingen", ["cases:write"]);
  assert.equal((await api("GET", `/api/v1/usingen/cases/${kase.id}`, writer)).statusCode, 403, "cases:write alone cannot read");
});

test("new cases with answers, oldest first in keyset pages; one case with its files; a file's bytes; acknowledging is idempotent", async () => {
  const key = await newKey("usingen", ["cases:read", "cases:write"]);
  const first = await submittedCase(t, "fundsache-melden");
  t.clock.advance(1000);
  const second = await submittedCase(t, "fundsache-melden");

  const unacknowledged = await walk(key, "acknowledged=false&status=eingegangen");
  const i1 = unacknowledged.indexOf(first.kase.id);
  const i2 = unacknowledged.indexOf(second.kase.id);
  assert.ok(i1 >= 0 && i2 > i1, "both new cases, the older first");
  assert.deepEqual(await walk(key, "acknowledged=false&status=eingegangen", 100), unacknowledged, "page size does not change the sequence");

  const listed = (await api("GET", "/api/v1/usingen/cases?acknowledged=false&limit=100", key)).json() as { items: Record<string, any>[] };
  const item = listed.items.find((i) => i.id === first.kase.id)!;
  assert.equal(item.reference, first.kase.reference);
  assert.equal(item.service.id, "fundsache-melden");
  assert.equal(item.status.key, "eingegangen");
  assert.equal(item.status.label, "Eingegangen");
  assert.equal(item.acknowledgedAt, null);
  assert.ok(typeof item.answers.beschreibung === "string" && item.answers.beschreibung.length >= 10, "the answers as submitted");
  assert.ok(item.summary.length > 0 && item.summary[0].rows.length > 0, "and as labelled steps");

  for (const bad of ["limit=0", "limit=101", "limit=x", "acknowledged=ja", "after=kaputt", "status=%3Cscript%3E"]) {
    const res = await api("GET", `/api/v1/usingen/cases?${bad}`, key);
    assert.equal(res.statusCode, 400, bad);
    assert.ok((res.json() as { message: string }).message, bad);
  }

  const detail = await api("GET", `/api/v1/usingen/cases/${first.kase.id}`, key);
  assert.equal(detail.statusCode, 200);
  assert.equal(detail.headers["cache-control"], "no-store");
  const d = detail.json() as { files: { id: string; source: string; kind: string; input: string; contentType: string; href: string }[] };
  const photo = d.files.find((f) => f.source === "application" && f.input === "foto");
  assert.ok(photo, "the application's upload is listed");
  assert.equal(photo!.contentType, "image/jpeg");
  const bytes = await api("GET", new URL(photo!.href).pathname, key);
  assert.equal(bytes.statusCode, 200);
  assert.equal(bytes.headers["content-type"], "image/jpeg");
  assert.deepEqual(bytes.rawPayload, SAMPLE_FILES["image/jpeg"]!.data);
  assert.equal((await api("GET", `/api/v1/usingen/cases/${second.kase.id}/files/${photo!.id}`, key)).statusCode, 404, "a file of another case");
  assert.equal((await api("GET", `/api/v1/usingen/cases/0190f0f0-0000-7000-8000-000000000000`, key)).statusCode, 404);
  assert.equal((await api("GET", `/api/v1/usingen/cases/nicht-uuid`, key)).statusCode, 404);

  const ack1 = await api("POST", `/api/v1/usingen/cases/${first.kase.id}/ack`, key);
  assert.equal(ack1.statusCode, 200);
  t.clock.advance(5000);
  const ack2 = await api("POST", `/api/v1/usingen/cases/${first.kase.id}/ack`, key);
  assert.equal(ack2.statusCode, 200);
  assert.deepEqual(ack2.json(), ack1.json(), "the second call returns the first acknowledgement");
  assert.equal((await t.ctx.db.kysely.selectFrom("case_handoff").selectAll().where("case_id", "=", first.kase.id).execute()).length, 1);
  const after = await walk(key, "acknowledged=false", 100);
  assert.ok(!after.includes(first.kase.id) && after.includes(second.kase.id));
  assert.ok((await walk(key, "acknowledged=true", 100)).includes(first.kase.id));

  const audit = await t.ctx.audit.list({ limit: 1000 });
  const keyId = (await t.ctx.db.kysely.selectFrom("api_keys").select("id").where("prefix", "=", key.slice(3, 15)).executeTakeFirstOrThrow()).id;
  assert.ok(audit.some((e) => e.action === "case.view" && e.actor.type === "system" && e.actor.id === keyId && e.object?.id === first.kase.id), "handing data over is audited as a view");
  assert.ok(audit.some((e) => e.action === "case.file.view" && e.actor.id === keyId));
  assert.equal(audit.filter((e) => e.action === "case.handoff.ack" && e.object?.id === first.kase.id).length, 1);
});

test("a workflow step through the API: the case's own rules (version, required text), visible to staff and applicant", async () => {
  const key = await newKey("usingen", ["cases:read", "cases:write"], null, "Fundbüro-Software");
  const { kase, statusPath } = await submittedCase(t, "fundsache-melden");
  const url = `/api/v1/usingen/cases/${kase.id}/status`;

  assert.equal((await api("POST", url, key, { json: { to: "in-bearbeitung", extra: 1 } })).statusCode, 400);
  assert.equal((await api("POST", url, key, { json: { to: "in-bearbeitung", version: "1" } })).statusCode, 400);
  assert.equal((await api("POST", url, key, { json: ["in-bearbeitung"] })).statusCode, 400);
  const impossible = await api("POST", url, key, { json: { to: "abgeschlossen", text: "x" } });
  assert.equal(impossible.statusCode, 422, "not a step from 'eingegangen'");
  assert.ok((impossible.json() as { errors: Record<string, string> }).errors.status);

  const moved = await api("POST", url, key, { json: { to: "in-bearbeitung", version: kase.version } });
  assert.equal(moved.statusCode, 200, moved.body);
  const body = moved.json() as { status: { key: string }; version: number };
  assert.equal(body.status.key, "in-bearbeitung");
  assert.equal(body.version, kase.version + 1);
  const c = (await caseService(t.ctx).get(kase.tenant_id, kase.id))!;
  assert.equal(c.status, "in-bearbeitung");
  const events = await caseService(t.ctx).store.events(kase.tenant_id, kase.id);
  assert.ok(events.some((e) => e.kind === "status" && e.to_status === "in-bearbeitung" && e.actor_name === "Schnittstelle: Fundbüro-Software"));

  const stale = await api("POST", url, key, { json: { to: "rueckfrage", version: kase.version, text: "Bitte ein Foto." } });
  assert.equal(stale.statusCode, 409, "based on an outdated version");
  const noText = await api("POST", url, key, { json: { to: "rueckfrage" } });
  assert.equal(noText.statusCode, 422);
  assert.match((noText.json() as { errors: Record<string, string> }).errors.text!, /Bitte schreiben Sie/);

  const staff = await loginStaff(t.app, "ordnungsamt@usingen.example", (await import("../cases/seeds.js")).DEMO_CASEWORKERS.find((w) => w.email === "ordnungsamt@usingen.example")!.password);
  const page = await t.app.inject({ url: `/usingen/verwaltung/vorgaenge/${kase.id}`, headers: { cookie: staff.cookie } });
  assert.match(page.body, /Schnittstelle: Fundbüro-Software/, "staff see who changed it");
  assert.match((await t.app.inject({ url: statusPath })).body, /In Bearbeitung/, "the applicant sees the new state");
});

test("a Bescheid uploaded as PDF (checked by its bytes) reaches the applicant: on the status page, downloadable, announced by a mail without content", async () => {
  const key = await newKey("usingen", ["cases:read", "cases:write"]);
  const { kase, statusPath } = await submittedCase(t, "fundsache-melden");
  const url = `/api/v1/usingen/cases/${kase.id}/bescheid`;
  const pdf = SAMPLE_FILES["application/pdf"]!.data;

  assert.equal((await api("POST", url, key, { pdf: SAMPLE_FILES["image/jpeg"]!.data })).statusCode, 415, "JPEG bytes declared as PDF");
  assert.equal((await api("POST", url, key, { pdf, type: "application/octet-stream" })).statusCode, 415, "not sent as application/pdf");
  assert.equal((await api("POST", url, key)).statusCode, 415, "no body");
  assert.equal((await caseService(t.ctx).store.files(kase.tenant_id, kase.id)).length, 0);

  const res = await api("POST", `${url}?title=${encodeURIComponent("Bescheid über die Fundsache")}&filename=fund.pdf`, key, { pdf });
  assert.equal(res.statusCode, 201, res.body);
  const file = res.json() as { id: string; kind: string; title: string; name: string; href: string };
  assert.equal(file.kind, "bescheid");
  assert.equal(file.name, "fund.pdf");
  const rows = await caseService(t.ctx).store.files(kase.tenant_id, kase.id);
  assert.equal(rows.length, 1);
  assert.equal(rows[0]!.kind, "bescheid");

  const status = await t.app.inject({ url: statusPath });
  const href = /href="([^"]+\/dateien\/[^"]+)">Bescheid über die Fundsache/.exec(status.body)?.[1];
  assert.ok(href, "on the applicant's page");
  const download = await t.app.inject({ url: href! });
  assert.equal(download.statusCode, 200);
  assert.deepEqual(download.rawPayload, pdf);
  assert.ok((await caseService(t.ctx).store.files(kase.tenant_id, kase.id))[0]!.first_read_at, "first read recorded");
  assert.deepEqual((await api("GET", new URL(file.href).pathname, key)).rawPayload, pdf, "and through the API");

  const mails = await t.ctx.db.kysely.selectFrom("mail_outbox").selectAll().where("reference", "=", kase.reference).execute();
  const mail = mails.find((m) => m.subject.startsWith("Ein Bescheid zu Ihrem Antrag liegt vor"));
  assert.ok((await caseService(t.ctx).submissionOf(kase))?.contactEmail, "the application gave an address");
  assert.ok(mail, "the applicant is told");
  assert.ok(mail!.body_text.includes(kase.reference) && !mail!.body_text.includes("Bescheid über die Fundsache"), "reference and link, no content");
  const events = await caseService(t.ctx).store.events(kase.tenant_id, kase.id, true);
  assert.ok(events.some((e) => e.kind === "bescheid"), "in the public history");
});

test("a key bound to a department sees only that department's cases", async () => {
  const fund = await submittedCase(t, "fundsache-melden");
  const muell = await submittedCase(t, "wilde-muellablagerung-melden");
  assert.ok(fund.kase.department_id && muell.kase.department_id && fund.kase.department_id !== muell.kase.department_id, "two departments");
  const key = await newKey("usingen", ["cases:read", "cases:write"], fund.kase.department_id);
  const ids = await walk(key, "acknowledged=false", 100);
  assert.ok(ids.includes(fund.kase.id) && !ids.includes(muell.kase.id));
  assert.equal((await api("GET", `/api/v1/usingen/cases/${muell.kase.id}`, key)).statusCode, 404);
  assert.equal((await api("POST", `/api/v1/usingen/cases/${muell.kase.id}/ack`, key)).statusCode, 404);
  assert.equal((await api("GET", `/api/v1/usingen/cases/${fund.kase.id}`, key)).statusCode, 200);
});

test("per-key limits: writes per minute are capped with 429 and Retry-After; the next minute works again", async () => {
  const key = await newKey("usingen", ["cases:read", "cases:write"]);
  const { kase } = await submittedCase(t, "ruhestoerung-melden");
  t.clock.advance(60_000 - (t.clock.now().getTime() % 60_000)); // the start of a minute
  for (let i = 0; i < WRITES_PER_MINUTE; i++) assert.equal((await api("POST", `/api/v1/usingen/cases/${kase.id}/ack`, key)).statusCode, 200);
  const over = await api("POST", `/api/v1/usingen/cases/${kase.id}/ack`, key);
  assert.equal(over.statusCode, 429);
  assert.equal(over.headers["retry-after"], "60");
  assert.equal((await api("GET", `/api/v1/usingen/cases/${kase.id}`, key)).statusCode, 200, "reads have their own limit");
  assert.equal((await api("POST", `/api/v1/usingen/cases/${kase.id}/ack`, await newKey("usingen", ["cases:write"]))).statusCode, 200, "another key is not affected");
  t.clock.advance(60_000);
  assert.equal((await api("POST", `/api/v1/usingen/cases/${kase.id}/ack`, key)).statusCode, 200);
  const big = await api("POST", `/api/v1/usingen/cases/${kase.id}/status`, key, { json: { to: "in-bearbeitung", text: "x".repeat(70 * 1024) } });
  assert.equal(big.statusCode, 413, "body limit of the route");
});

test("/api/openapi.json is OpenAPI 3.1 and describes exactly the registered /api/v1/ routes, each with the scope its guard demands", async () => {
  const res = await t.app.inject({ url: "/api/openapi.json" });
  assert.equal(res.statusCode, 200);
  assert.match(String(res.headers["content-type"]), /^application\/json/);
  const doc = res.json() as { openapi: string; paths: Record<string, Record<string, { security?: { apiKey: string[] }[]; responses: Record<string, unknown> }>>; components: { schemas: Record<string, unknown> } };
  assert.equal(doc.openapi, "3.1.0");

  const registered = t.app.registeredRoutes.filter((r) => r.url.startsWith("/api/v1/") && r.method !== "HEAD").map((r) => ({ method: r.method.toLowerCase(), path: r.url.replace(/:([A-Za-z]+)/g, "{$1}"), csrf: r.csrf }));
  assert.ok(registered.length >= 6);
  for (const r of registered) {
    const op = doc.paths[r.path]?.[r.method];
    assert.ok(op, `${r.method.toUpperCase()} ${r.path} is documented`);
    if (!r.path.startsWith("/api/v1/{tenant}/cases")) continue; // another module's route: documented is enough here
    assert.deepEqual(op!.security, [{ apiKey: [r.method === "get" ? "cases:read" : "cases:write"] }], `${r.method} ${r.path}: scope`);
    assert.ok(op!.responses["401"] && op!.responses["403"], `${r.method} ${r.path}: refusals documented`);
    if (r.method === "post") assert.equal(r.csrf, false, "API writes authenticate by key, not by session");
  }
  const documented = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((method) => `${method} ${path}`));
  assert.deepEqual(documented.sort(), registered.map((r) => `${r.method} ${r.path}`).sort(), "nothing documented that does not exist");

  // Every $ref points at a schema that exists.
  const refs = [...res.body.matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)].map((m) => m[1]!);
  assert.ok(refs.length > 0);
  for (const r of refs) assert.ok(doc.components.schemas[r], `schema ${r}`);
});
