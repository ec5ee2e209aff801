import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createTestApp, type TestApp } from "../../../test-support/app.js";
import { councilFixture, SECRET_TITLE, type CouncilFixture } from "../../../test-support/council.js";
import { NEUTRAL_TITLE } from "../visibility.js";
import { assertValid, embedded, getJson, publishOutcomes, urlsIn } from "./oparl-helpers.test-support.js";

/**
 * The walk: from the System to every Body (Usingen and Neu-Anspach), every list of each body
 * to its end through `next` links, every object (embedded ones too) validated against its
 * OParl 1.1 schema, and every URL in the output followed. Works on whatever valid data the
 * demo seed adds besides the fixture.
 */

const LISTS = ["organization", "person", "meeting", "paper", "agendaItem", "consultation", "file", "locationList", "legislativeTermList", "membership"] as const;

describe("OParl walk", () => {
  let t: TestApp;
  let f: CouncilFixture;
  let base: string;
  let other: CouncilFixture;
  const raw: string[] = [];
  const objects = new Map<string, Record<string, unknown>>();
  const urls = new Set<string>();
  const listUrls: string[] = [];

  before(async () => {
    t = await createTestApp();
    base = t.config.baseUrl;
    f = await councilFixture(t.ctx);
    other = await councilFixture(t.ctx, "neu-anspach");
    await publishOutcomes(t.ctx, f);
  });
  after(async () => {
    await t.close();
  });

  /** Walks a list to its end; returns its objects. */
  async function walk(first: string): Promise<Record<string, unknown>[]> {
    const out: Record<string, unknown>[] = [];
    const seen = new Set<string>();
    let next: string | undefined = first;
    let pages = 0;
    while (next) {
      assert.ok(!seen.has(next), `list loops: ${next}`);
      seen.add(next);
      const res = await getJson(t.app, base, next);
      assert.equal(res.status, 200, `${next}: ${res.raw.slice(0, 300)}`);
      assert.equal(res.headers["content-type"], "application/json; charset=utf-8");
      assert.equal(res.headers["access-control-allow-origin"], "*");
      raw.push(res.raw);
      assert.ok(Array.isArray(res.body.data) && res.body.pagination && typeof res.body.pagination === "object" && res.body.links, `${next}: not a list page`);
      for (const o of res.body.data) {
        assertValid(o, next);
        for (const e of embedded(o)) assert.notEqual(e.deleted, true, `${next}: embedded tombstone ${String(e.id)}`);
        out.push(o);
      }
      urlsIn(res.body, base, urls);
      next = res.body.links.next;
      if (++pages > 1000) assert.fail(`${first}: more than 1000 pages`);
    }
    return out;
  }

  it("walks System → Bodies → every list to the end, and every object is valid", async () => {
    const sys = await getJson(t.app, base, `${base}/oparl/v1.1/system`);
    assert.equal(sys.status, 200);
    assertValid(sys.body, "system");
    raw.push(sys.raw);
    const bodies = await walk(sys.body.body);
    const slugs = bodies.map((b) => String(b.id).split("/").at(-1));
    assert.ok(slugs.includes("usingen") && slugs.includes("neu-anspach"), `bodies: ${slugs.join(", ")}`);
    for (const b of bodies) {
      const one = await getJson(t.app, base, String(b.id));
      assert.equal(one.status, 200);
      assert.deepEqual(one.body, b);
      assert.match(String(b.ags), /^\d{8}$/);
      for (const l of LISTS) {
        const url = String(b[l]);
        listUrls.push(url);
        // small pages, so every list really paginates
        for (const o of await walk(`${url}?limit=2`)) {
          assert.ok(!objects.has(String(o.id)) || l === "file", `object twice in lists: ${String(o.id)}`);
          objects.set(String(o.id), o);
        }
      }
    }
    // the fixture's public objects are there, in both bodies
    for (const fx of [f, other]) {
      const u = `${base}/oparl/v1.1/body/${fx.slug}`;
      for (const [type, id] of [["paper", fx.publicPaper], ["meeting", fx.meeting], ["agendaItem", fx.publicItem], ["agendaItem", fx.secretItem], ["file", fx.publicFile], ["meeting", fx.magistratMeeting], ["person", fx.person.consenting]] as const) {
        assert.ok(objects.has(`${u}/${type}/${id}`), `${fx.slug}: ${type} ${id} missing from its list`);
      }
    }
  });

  it("every URL in the output resolves; every object URL gives the object it names", async () => {
    assert.ok(objects.size > 20, `walked only ${objects.size} objects`);
    for (const [id, o] of objects) {
      const res = await getJson(t.app, base, id);
      assert.equal(res.status, 200, `${id}: ${res.raw.slice(0, 200)}`);
      assert.equal(res.body.id, id);
      assert.equal(res.body.type, o.type);
      assertValid(res.body, id);
      raw.push(res.raw);
      urlsIn(res.body, base, urls);
    }
    for (const u of urls) {
      const res = await t.app.inject({ url: u.slice(base.length) });
      assert.equal(res.statusCode, 200, `${u} → ${res.statusCode}`);
      if (!/\/file\/[^/]+\/(access|download)$/.test(u)) raw.push(res.body);
    }
  });

  it("nothing non-public appears anywhere in the walk", async () => {
    const all = raw.join("\n");
    assert.ok(all.length > 10_000);
    for (const secret of [SECRET_TITLE, f.secretPaper, f.secretFile, f.magistratPaper, other.secretPaper, other.secretFile, "Personalangelegenheit Bauhof", "Kaufpreis", "Firma Geheim", "Zitronenfalter", "Vertraulich"]) {
      assert.ok(!all.includes(secret), `leaked: ${secret}`);
    }
    // the Magistrat meeting: by date only, no agenda (its item ids never appear)
    const t0 = t.ctx.db.kysely;
    const magistratItems = await t0.selectFrom("council_agenda_items").select("id").where("meeting_id", "in", [f.magistratMeeting, other.magistratMeeting]).execute();
    assert.ok(magistratItems.length > 0);
    for (const i of magistratItems) assert.ok(!all.includes(i.id), `Magistrat agenda item ${i.id} leaked`);
    const mag = objects.get(`${base}/oparl/v1.1/body/usingen/meeting/${f.magistratMeeting}`)!;
    assert.deepEqual(Object.keys(mag).sort(), ["cancelled", "created", "end", "id", "modified", "name", "organization", "start", "type"].filter((k) => k in mag).sort());
    assert.ok(!("agendaItem" in mag) && !("invitation" in mag) && !("location" in mag));
    // the non-public item: its number and the neutral title only
    const n1 = objects.get(`${base}/oparl/v1.1/body/usingen/agendaItem/${f.secretItem}`)!;
    assert.equal(n1.name, NEUTRAL_TITLE);
    assert.equal(n1.public, false);
    assert.equal(n1.number, "N 1");
    for (const k of Object.keys(n1)) assert.ok(["id", "type", "meeting", "number", "order", "name", "public", "created", "modified"].includes(k), `non-public item shows ${k}`);
    // non-public votes (13/17/19) never appear as vote counts
    assert.ok(!/"yes":13|"no":17|"abstention":19/.test(all), "non-public votes leaked");
  });

  it("public outcomes: votes, votes per faction and attendance in vendor-prefixed fields", () => {
    const item = objects.get(`${base}/oparl/v1.1/body/usingen/agendaItem/${f.publicItem}`)!;
    assert.equal(item.result, "empfohlen");
    assert.deepEqual(item["DigitalesRathaus:votes"], { yes: 5, no: 2, abstention: 1 });
    const byFaction = item["DigitalesRathaus:votesByFaction"] as { faction: string; yes: number }[];
    assert.equal(byFaction.length, 2);
    assert.ok(byFaction.every((v) => objects.has(v.faction)), "faction URLs are Organization objects");
    const meeting = objects.get(`${base}/oparl/v1.1/body/usingen/meeting/${f.meeting}`)!;
    assert.deepEqual(meeting.participant, [`${base}/oparl/v1.1/body/usingen/person/${f.person.member}`]);
    assert.equal((meeting["DigitalesRathaus:attendance"] as unknown[]).length, 2);
    assert.ok((meeting.resultsProtocol as { accessUrl: string }).accessUrl);
    // the embedded N 1 in the meeting is neutral too
    const embeddedN1 = (meeting.agendaItem as Record<string, unknown>[]).find((i) => i.number === "N 1")!;
    assert.equal(embeddedN1.name, NEUTRAL_TITLE);
    assert.ok(!("result" in embeddedN1) && !("DigitalesRathaus:votes" in embeddedN1));
    // Neu-Anspach's meeting has no published outcomes: no result, no votes
    const na = objects.get(`${base}/oparl/v1.1/body/neu-anspach/agendaItem/${other.publicItem}`)!;
    assert.ok(!("result" in na) && !("DigitalesRathaus:votes" in na));
  });

  it("walks with filters; every next link keeps them", async () => {
    const since = "2020-01-01T00:00:00+01:00";
    const until = "2099-12-31T23:59:59+01:00";
    for (const l of listUrls) {
      let next: string | undefined = `${l}?modified_since=${encodeURIComponent(since)}&created_until=${encodeURIComponent(until)}&omit_internal=true&limit=1`;
      let n = 0;
      while (next) {
        const res = await getJson(t.app, base, next);
        assert.equal(res.status, 200, `${next}: ${res.raw.slice(0, 200)}`);
        for (const o of res.body.data) assertValid(o, next);
        for (const k of ["first", "self", ...(res.body.links.next ? ["next"] : [])]) {
          const u = new URL(res.body.links[k]);
          assert.equal(u.searchParams.get("modified_since"), since, `${k} of ${next}`);
          assert.equal(u.searchParams.get("created_until"), until);
          assert.equal(u.searchParams.get("omit_internal"), "true");
          assert.equal(u.searchParams.get("limit"), "1");
        }
        n += res.body.data.length;
        next = res.body.links.next;
      }
      const unfiltered = [...objects.keys()].filter((id) => id.startsWith(l.replace(/(locationList|legislativeTermList)$/, (m) => (m === "locationList" ? "location" : "legislativeTerm")) + "/")).length;
      assert.equal(n, unfiltered, `${l}: filter since 2020 should keep every object`);
    }
    // a filter in the future leaves every list empty
    for (const l of listUrls) {
      const res = await getJson(t.app, base, `${l}?created_since=${encodeURIComponent("2099-01-01T00:00:00Z")}`);
      assert.deepEqual(res.body.data, []);
    }
  });
});
