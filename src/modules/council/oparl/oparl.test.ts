import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createTestApp, type TestApp } from "../../../test-support/app.js";
import { councilFixture, type CouncilFixture } from "../../../test-support/council.js";
import { councilService } from "../index.js";
import { assertValid, getJson, validator } from "./oparl-helpers.test-support.js";
import { parseListQuery } from "./routes.js";

const T = "https://schema.oparl.org/1.1/";
const file = (id: string) => ({ id: `https://x.example/file/${id}`, type: `${T}File`, accessUrl: `https://x.example/file/${id}/access`, created: "2026-01-01T00:00:00+00:00", modified: "2026-01-01T00:00:00+00:00" });

describe("OParl schema validation really validates", () => {
  it("accepts a valid paper with embedded objects and rejects broken ones, embedded ones too", () => {
    const paper = {
      id: "https://x.example/paper/1",
      type: `${T}Paper`,
      name: "Vorlage",
      date: "2026-01-02",
      mainFile: file("1"),
      consultation: [{ id: "https://x.example/consultation/1", type: `${T}Consultation`, organization: ["https://x.example/organization/1"], authoritative: true }],
      created: "2026-01-01T00:00:00+00:00",
      modified: "2026-01-01T00:00:00+00:00",
    };
    assert.equal(validator.validate("Paper", paper).ok, true);
    // top level: wrong types and formats
    assert.equal(validator.validate("Paper", { ...paper, name: 12 }).ok, false);
    assert.equal(validator.validate("Paper", { ...paper, date: "02.01.2026" }).ok, false);
    assert.equal(validator.validate("Paper", { ...paper, modified: "2026-01-01T00:00:00.000Z" }).ok, false, "date-time must be yyyy-mm-ddThh:mm:ss±hh:mm");
    assert.equal(validator.validate("Paper", { ...paper, id: "not a url" }).ok, false, "url format");
    assert.equal(validator.validate("Paper", { ...paper, type: `${T}Meeting` }).ok, false, "type pattern");
    // embedded (the schemas' own "schema" keyword, turned into $ref): a file without accessUrl, a consultation with a wrong field
    const noAccess: Record<string, unknown> = { ...file("2") };
    delete noAccess.accessUrl;
    const r1 = validator.validate("Paper", { ...paper, mainFile: noAccess });
    assert.equal(r1.ok, false);
    assert.match(r1.ok ? "" : r1.errors, /accessUrl/);
    assert.equal(validator.validate("Paper", { ...paper, consultation: [{ ...paper.consultation[0], authoritative: "ja" }] }).ok, false);
    assert.equal(validator.validate("Paper", { ...paper, auxiliaryFile: [{ ...file("3"), size: "groß" }] }).ok, false);
    // a meeting whose embedded agenda item lacks the required order
    const meeting = { id: "https://x.example/meeting/1", type: `${T}Meeting`, agendaItem: [{ id: "https://x.example/agendaItem/1", type: `${T}AgendaItem`, order: 0 }] };
    assert.equal(validator.validate("Meeting", meeting).ok, true);
    assert.equal(validator.validate("Meeting", { ...meeting, agendaItem: [{ id: "https://x.example/agendaItem/1", type: `${T}AgendaItem` }] }).ok, false);
    // Body embeds legislative terms; Person embeds memberships
    const body = { id: "https://x.example/body/1", type: `${T}Body`, name: "B", organization: "https://x.example/o", person: "https://x.example/p", meeting: "https://x.example/m", paper: "https://x.example/pa", legislativeTerm: [{ id: "https://x.example/t/1", type: `${T}LegislativeTerm` }] };
    assert.equal(validator.validate("Body", body).ok, true);
    assert.equal(validator.validate("Body", { ...body, legislativeTerm: [{ id: "https://x.example/t/1", type: `${T}LegislativeTerm`, startDate: "gestern" }] }).ok, false);
    assert.equal(validator.validate("Person", { id: "https://x.example/p/1", type: `${T}Person`, membership: [{ id: "https://x.example/m/1", type: `${T}Membership`, votingRight: "ja" }] }).ok, false);
    assert.deepEqual(validator.types.sort(), ["AgendaItem", "Body", "Consultation", "File", "LegislativeTerm", "Location", "Meeting", "Membership", "Organization", "Paper", "Person", "System"]);
  });
});

describe("OParl API", () => {
  let t: TestApp;
  let f: CouncilFixture;
  let base: string;
  let u: string;

  before(async () => {
    t = await createTestApp();
    base = t.config.baseUrl;
    f = await councilFixture(t.ctx);
    u = `${base}/oparl/v1.1/body/usingen`;
  });
  after(async () => {
    await t.close();
  });

  it("answers bad filter values with a 400 error object, unknown objects and URLs with 404 error objects, all with CORS", async () => {
    for (const q of ["created_since=gestern", "modified_until=2026-13-01T00:00:00Z", "modified_since=2026-01-01", "created_until=2026-01-01T10:00:00", "limit=abc", "limit=0", "omit_internal=ja", "after=..%2F", "created_since=a&created_since=b"]) {
      const res = await getJson(t.app, base, `${u}/paper?${q}`);
      assert.equal(res.status, 400, q);
      assert.equal(res.body.type, "https://schema.oparl.org/1.1/Error", q);
      assert.ok(typeof res.body.message === "string" && res.body.message.length > 10 && typeof res.body.debug === "string", q);
      assert.equal(res.headers["access-control-allow-origin"], "*");
      assert.equal(res.headers["content-type"], "application/json; charset=utf-8");
    }
    for (const path of [`${u}/paper/01234567-89ab-7def-8123-456789abcdef`, `${u}/paper/${f.secretPaper}`, `${u}/file/${f.secretFile}`, `${u}/meeting/nope`, `${u}/unknown`, `${u}/unknown/1`, `${base}/oparl/v1.1/body/atlantis`, `${base}/oparl/v1.1/body/atlantis/paper`, `${base}/oparl/v2/system`, `${u}/organization/${f.org.bau}/nothing`]) {
      const res = await getJson(t.app, base, path);
      assert.equal(res.status, 404, path);
      assert.equal(res.body.type, "https://schema.oparl.org/1.1/Error", path);
      assert.equal(res.headers["access-control-allow-origin"], "*", path);
    }
    // the offset's "+" sent unencoded arrives as a space and is still understood
    const plus = await t.app.inject({ url: `/oparl/v1.1/body/usingen/paper?modified_since=2020-01-01T00:00:00+01:00` });
    assert.equal(plus.statusCode, 200);
    assert.deepEqual(parseListQuery({ created_since: "2026-01-01T00:00:00+0100" }).filter, { createdSince: "2025-12-31T23:00:00.000Z" });
  });

  it("answers a CORS preflight and sends CORS on objects, lists and files", async () => {
    const pre = await t.app.inject({ method: "OPTIONS", url: "/oparl/v1.1/body/usingen/paper", headers: { origin: "https://client.example", "access-control-request-method": "GET" } });
    assert.equal(pre.statusCode, 204);
    assert.equal(pre.headers["access-control-allow-origin"], "*");
    assert.match(String(pre.headers["access-control-allow-methods"]), /GET/);
    for (const url of ["/oparl/v1.1/system", "/oparl/v1.1/body", "/oparl/v1.1/body/usingen/paper", `/oparl/v1.1/body/usingen/paper/${f.publicPaper}`, `/oparl/v1.1/body/usingen/file/${f.publicFile}/access`]) {
      const res = await t.app.inject({ url, headers: { origin: "https://client.example" } });
      assert.equal(res.statusCode, 200, url);
      assert.equal(res.headers["access-control-allow-origin"], "*", url);
    }
  });

  it("uses the configured base URL, never the Host header", async () => {
    const res = await t.app.inject({ url: "/oparl/v1.1/system", headers: { host: "evil.example" } });
    assert.ok(!res.body.includes("evil.example"));
    assert.equal(JSON.parse(res.body).id, `${base}/oparl/v1.1/system`);
  });

  it("serves a public file with the headers of 2-07, and nothing for a non-public one", async () => {
    const stored = await t.ctx.storage.read((await councilService(t.ctx).store.file(f.tenantId, f.publicFile))!.storage_key);
    const obj = (await getJson(t.app, base, `${u}/file/${f.publicFile}`)).body;
    assertValid(obj, "file");
    assert.equal(obj.size, stored.length);
    assert.ok(typeof obj.text === "string" && obj.text.includes("Geltungsbereich"), "the File object carries the extracted text");
    const access = await t.app.inject({ url: obj.accessUrl.slice(base.length) });
    assert.equal(access.statusCode, 200);
    assert.equal(access.headers["content-type"], "application/pdf");
    assert.equal(Number(access.headers["content-length"]), stored.length);
    assert.ok(!String(access.headers["content-disposition"] ?? "").startsWith("attachment"), "accessUrl must not send attachment");
    assert.ok(access.rawPayload.equals(stored), "bytes equal the stored file");
    const etag = String(access.headers.etag);
    assert.match(etag, /^"[0-9a-f]{40}"$/);
    assert.ok(access.headers["last-modified"]);
    const download = await t.app.inject({ url: obj.downloadUrl.slice(base.length) });
    assert.equal(download.statusCode, 200);
    assert.match(String(download.headers["content-disposition"]), /^attachment; filename="vorlage\.pdf"/);
    assert.ok(download.rawPayload.equals(stored));
    const again = await t.app.inject({ url: obj.accessUrl.slice(base.length), headers: { "if-none-match": etag } });
    assert.equal(again.statusCode, 304);
    assert.equal(again.rawPayload.length, 0);
    // the non-public item's file: no object, no bytes
    for (const sub of ["", "/access", "/download"]) {
      const res = await getJson(t.app, base, `${u}/file/${f.secretFile}${sub}`);
      assert.equal(res.status, 404, sub);
      assert.equal(res.body.type, "https://schema.oparl.org/1.1/Error");
    }
  });

  it("lists with keyset pages: no overlap, nothing lost, every next link carries the cursor", async () => {
    const all = (await getJson(t.app, base, `${u}/organization?limit=500`)).body.data.map((o: { id: string }) => o.id);
    const paged: string[] = [];
    let next: string | undefined = `${u}/organization?limit=1`;
    while (next) {
      const res = await getJson(t.app, base, next);
      assert.ok(res.body.data.length <= 1);
      paged.push(...res.body.data.map((o: { id: string }) => o.id));
      next = res.body.links.next;
      if (next) assert.match(next, /[?&]after=/);
    }
    assert.deepEqual(paged, all);
    assert.equal(new Set(paged).size, paged.length);
    assert.ok(all.length >= 6);
  });

  it("shows a Magistrat meeting by date only, or not at all when the town hides it", async () => {
    const res = await getJson(t.app, base, `${u}/meeting/${f.magistratMeeting}`);
    assert.equal(res.status, 200);
    assert.match(res.body.name, /^Sitzung: Magistrat/);
    assert.ok(!("agendaItem" in res.body) && !("invitation" in res.body) && !("auxiliaryFile" in res.body));
    const org = await getJson(t.app, base, `${u}/organization/${f.org.magistrat}/meeting`);
    assert.deepEqual(org.body.data.map((m: { id: string }) => m.id), [`${u}/meeting/${f.magistratMeeting}`]);
    await councilService(t.ctx).setNonpublicMeetings(f.tenantId, "hidden", { id: "test" });
    try {
      assert.equal((await getJson(t.app, base, `${u}/meeting/${f.magistratMeeting}`)).status, 404);
      const list = (await getJson(t.app, base, `${u}/meeting?limit=500`)).body.data.map((m: { id: string }) => m.id);
      assert.ok(!list.includes(`${u}/meeting/${f.magistratMeeting}`));
      assert.ok(list.includes(`${u}/meeting/${f.meeting}`));
    } finally {
      await councilService(t.ctx).setNonpublicMeetings(f.tenantId, "date", { id: "test" });
    }
  });

  it("shows personal fields of a person only with recorded consent", async () => {
    const olga = (await getJson(t.app, base, `${u}/person/${f.person.consenting}`)).body;
    assertValid(olga, "person");
    assert.deepEqual(olga.email, ["olga.offen@example.org"]);
    assert.equal(olga.name, "Dr. Olga Offen");
    assert.equal(olga.membership.length, 2);
    const rita = (await getJson(t.app, base, `${u}/person/${f.person.member}`)).body;
    for (const k of ["email", "phone", "life", "gender", "formOfAddress", "title"]) assert.ok(!(k in rita), k);
    assert.equal(rita.name, "Rita Ratsmitglied");
  });

  it("a never published paper, a planned meeting and its items do not exist", async () => {
    const s = councilService(t.ctx);
    const draft = await s.createPaper(f.tenantId, { name: "Entwurf Radweg (Test)", paperType: "Antrag", bodyText: "x", consultations: [{ organizationId: f.org.bau, role: "Entscheidung" }] }, { id: "test" });
    const planned = await s.createMeeting(f.tenantId, { organizationId: f.org.bau, startAt: "2027-01-10T17:00:00Z" }, { id: "test" });
    const item = await s.addAgendaItem(f.tenantId, planned.id, { name: "Geplanter Punkt (Test)", public: true }, { id: "test" });
    assert.equal((await getJson(t.app, base, `${u}/paper/${draft.id}`)).status, 404);
    assert.equal((await getJson(t.app, base, `${u}/meeting/${planned.id}`)).status, 404);
    assert.equal((await getJson(t.app, base, `${u}/agendaItem/${item.id}`)).status, 404);
    const since = encodeURIComponent("2000-01-01T00:00:00Z");
    for (const l of ["paper", "meeting", "agendaItem", "consultation"]) {
      const res = await getJson(t.app, base, `${u}/${l}?limit=500&modified_since=${since}`);
      assert.ok(!res.raw.includes(draft.id) && !res.raw.includes(planned.id) && !res.raw.includes(item.id), l);
    }
  });

  it("a withdrawn public paper stays as a tombstone (2-08), listed only with modified_since", async () => {
    const s = councilService(t.ctx);
    const paperUrl = `${u}/paper/${f.publicPaper}`;
    const before = (await getJson(t.app, base, paperUrl)).body;
    const mainFileUrl = before.mainFile.id as string;
    const consultationUrl = before.consultation[0].id as string;
    t.clock.advance(60_000);
    const withdrawnAt = t.clock.now().toISOString();
    await s.withdrawPaper(f.tenantId, f.publicPaper, { id: "test" });
    const res = await getJson(t.app, base, paperUrl);
    assert.equal(res.status, 200);
    assertValid(res.body, "tombstone");
    assert.deepEqual(Object.keys(res.body).sort(), ["created", "deleted", "id", "modified", "type"]);
    assert.equal(res.body.deleted, true);
    assert.equal(res.body.created, before.created);
    assert.ok(res.body.modified >= withdrawnAt.slice(0, 19), `${res.body.modified} ≥ ${withdrawnAt}`);
    // without modified_since: gone from the list; with it: there, as a tombstone
    const plain = await getJson(t.app, base, `${u}/paper?limit=500`);
    assert.ok(!plain.body.data.some((p: { id: string }) => p.id === paperUrl));
    const since = encodeURIComponent(new Date(Date.parse(withdrawnAt) - 1000).toISOString());
    const changed = await getJson(t.app, base, `${u}/paper?modified_since=${since}`);
    const tomb = changed.body.data.find((p: { id: string }) => p.id === paperUrl);
    assert.deepEqual(tomb, res.body);
    // its file and consultation are tombstones too; the file's bytes are gone (410)
    for (const [url, list] of [[mainFileUrl, "file"], [consultationUrl, "consultation"]] as const) {
      const o = await getJson(t.app, base, url);
      assert.equal(o.status, 200);
      assert.equal(o.body.deleted, true, url);
      assertValid(o.body, url);
      const l = await getJson(t.app, base, `${u}/${list}?modified_since=${since}&limit=500`);
      assert.ok(l.body.data.some((x: { id: string; deleted?: boolean }) => x.id === url && x.deleted), `${list} list with modified_since lists the tombstone`);
      const l2 = await getJson(t.app, base, `${u}/${list}?limit=500`);
      assert.ok(!l2.body.data.some((x: { id: string }) => x.id === url), `${list} list without modified_since hides it`);
    }
    const gone = await getJson(t.app, base, `${mainFileUrl}/access`);
    assert.equal(gone.status, 410);
    assert.equal(gone.body.type, "https://schema.oparl.org/1.1/Error");
    // the agenda item no longer links the withdrawn paper's consultation as if it were alive: it still resolves (tombstone)
    const item = (await getJson(t.app, base, `${u}/agendaItem/${f.publicItem}`)).body;
    if (item.consultation) assert.equal((await getJson(t.app, base, item.consultation)).status, 200);
  });

  it("publishing moves modified: a published meeting's objects appear in a modified_since list", async () => {
    const s = councilService(t.ctx);
    const paper = await s.createPaper(f.tenantId, { name: "Spielplatz Sanierung (Test)", paperType: "Beschlussvorlage", bodyText: "x", consultations: [{ organizationId: f.org.finanz, role: "Entscheidung" }] }, { id: "test" });
    await s.submitForApproval(f.tenantId, paper.id, { id: "test" });
    await s.approve(f.tenantId, paper.id, { id: "test" });
    const m = await s.createMeeting(f.tenantId, { organizationId: f.org.finanz, startAt: "2027-02-01T17:00:00Z" }, { id: "test" });
    const c = (await s.store.consultationsOfPaper(f.tenantId, paper.id))[0]!;
    await s.addAgendaItem(f.tenantId, m.id, { consultationId: c.id, public: true }, { id: "test" });
    t.clock.advance(60_000);
    const since = encodeURIComponent(t.clock.now().toISOString());
    t.clock.advance(1000);
    await s.publishInvitation(f.tenantId, m.id, { id: "test" });
    for (const [list, id] of [["paper", paper.id], ["meeting", m.id], ["consultation", c.id]] as const) {
      const res = await getJson(t.app, base, `${u}/${list}?modified_since=${since}&limit=500`);
      assert.ok(res.body.data.some((o: { id: string }) => o.id === `${u}/${list}/${id}`), `${list} ${id} not in modified_since list`);
    }
  });
});
