import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import ICAL from "ical.js";
import Parser from "rss-parser";
import { createTestApp, type TestApp } from "../../test-support/app.js";
import { councilFixture, SECRET_TITLE, PUBLIC_TITLE, type CouncilFixture } from "../../test-support/council.js";
import { councilService } from "./index.js";
import { escapeText, foldLine } from "./feeds.js";

/**
 * The council's iCalendar and Atom feeds through the real app: parsed by real parsers (ical.js,
 * rss-parser), checked for RFC 5545 structure, visibility (never a non-public title), caching.
 */

let t: TestApp;
let f: CouncilFixture;
const actor = { id: "test" };
const LONG_TITLE = "Öffentliche Anhörung über die Änderung der Straßenbeitragssatzung, Grünflächenpflege; Müllgebühren \\ Überprüfung der Gebührenkalkulation für Großwohnanlagen";
let summerMeeting: string;
let cancelledMeeting: string;

before(async () => {
  t = await createTestApp();
  f = await councilFixture(t.ctx);
  const s = councilService(t.ctx);
  // a meeting in summer time (CEST), with a long title full of umlauts and characters to escape
  const summer = await s.createMeeting(f.tenantId, { organizationId: f.org.finanz, name: LONG_TITLE, startAt: "2027-06-15T16:30:00Z", endAt: "2027-06-15T18:00:00Z" }, actor);
  await s.addAgendaItem(f.tenantId, summer.id, { name: "Bericht des Kämmerers", public: true }, actor);
  await s.publishInvitation(f.tenantId, summer.id, actor);
  summerMeeting = summer.id;
  const cancelled = await s.createMeeting(f.tenantId, { organizationId: f.org.parlament, startAt: "2026-12-15T18:00:00Z" }, actor);
  await s.addAgendaItem(f.tenantId, cancelled.id, { name: "Haushalt 2027", public: true }, actor);
  await s.publishInvitation(f.tenantId, cancelled.id, actor);
  await s.cancelMeeting(f.tenantId, cancelled.id, actor);
  cancelledMeeting = cancelled.id;
  // a meeting that was never published must not appear anywhere
  await s.createMeeting(f.tenantId, { organizationId: f.org.bau, name: "Entwurfssitzung Unveröffentlicht", startAt: "2026-12-20T18:00:00Z" }, actor);
});
after(() => t.close());

const get = (url: string, headers: Record<string, string> = {}) => t.app.inject({ url, headers });

function parseCalendar(body: string) {
  const cal = new ICAL.Component(ICAL.parse(body));
  const vtz = cal.getFirstSubcomponent("vtimezone");
  assert.ok(vtz, "the calendar carries a VTIMEZONE");
  ICAL.TimezoneService.reset();
  ICAL.TimezoneService.register(vtz);
  const events = cal.getAllSubcomponents("vevent").map((v) => ({ v, e: new ICAL.Event(v) }));
  return { cal, events };
}

function assertRfc5545Lines(body: string) {
  assert.ok(body.endsWith("\r\n"), "ends with CRLF");
  assert.ok(!/[^\r]\n/.test(body) && !/\r(?!\n)/.test(body), "every line break is CRLF");
  for (const line of body.split("\r\n").slice(0, -1)) {
    assert.ok(Buffer.byteLength(line, "utf8") <= 75, `line longer than 75 octets: ${line}`);
    assert.ok(!line.includes("\uFFFD"), "no broken UTF-8 sequence");
  }
}

test("calendar of all meetings: parsed by ical.js; summaries, Europe/Berlin start times (winter and summer), stable UIDs, cancelled status, public agenda only", async () => {
  const res = await get(`/${f.slug}/rat/kalender.ics`);
  assert.equal(res.statusCode, 200);
  assert.equal(res.headers["content-type"], "text/calendar; charset=utf-8");
  const body = res.body;
  assertRfc5545Lines(body);
  const { cal, events } = parseCalendar(body);
  assert.equal(cal.getFirstPropertyValue("version"), "2.0");
  assert.equal(cal.getFirstPropertyValue("method"), "PUBLISH");
  assert.equal(cal.getFirstPropertyValue("calscale"), "GREGORIAN");
  assert.ok(String(cal.getFirstPropertyValue("prodid")).length > 0);
  assert.match(String(cal.getFirstPropertyValue("x-wr-calname")), /Usingen/);

  const host = new URL(t.config.baseUrl).hostname;
  const byUid = new Map(events.map((x) => [x.e.uid, x]));
  const bau = byUid.get(`${f.meeting}@${host}`);
  assert.ok(bau, "the published Bauausschuss meeting is in the calendar");
  // 17:00 UTC in December is 18:00 in Berlin (CET); ical.js converts with our VTIMEZONE
  assert.equal(bau.e.startDate.zone?.tzid, "Europe/Berlin", "DTSTART with TZID, resolved to our VTIMEZONE");
  assert.equal(bau.e.startDate.hour, 18);
  assert.equal(bau.e.startDate.toJSDate().toISOString(), "2026-12-08T17:00:00.000Z");
  assert.equal(bau.e.endDate.toJSDate().toISOString(), "2026-12-08T19:00:00.000Z");
  assert.match(bau.e.summary, /Bau- und Planungsausschuss/);
  assert.equal(bau.v.getFirstPropertyValue("url"), `${t.config.baseUrl}/${f.slug}/rat/sitzungen/${f.meeting}`);
  assert.equal(bau.v.getFirstPropertyValue("status"), "CONFIRMED");
  const description = String(bau.e.description);
  assert.ok(description.includes(`Ö 1 ${PUBLIC_TITLE}`), "the public agenda item is listed");
  assert.ok(description.includes("N 1 Nichtöffentliche Angelegenheit"), "the non-public item only with the neutral title");
  assert.ok(bau.v.getFirstPropertyValue("dtstamp") && bau.v.getFirstPropertyValue("last-modified"));
  assert.equal(typeof bau.v.getFirstPropertyValue("sequence"), "number");

  // summer time: 16:30 UTC is 18:30 CEST; the long UTF-8 title was folded and comes back whole
  const summer = byUid.get(`${summerMeeting}@${host}`)!;
  assert.equal(summer.e.startDate.hour, 18);
  assert.equal(summer.e.startDate.minute, 30);
  assert.equal(summer.e.startDate.toJSDate().toISOString(), "2027-06-15T16:30:00.000Z");
  assert.equal(summer.e.summary, LONG_TITLE);
  assert.ok(body.includes("\r\n "), "long lines are folded");

  const cancelled = byUid.get(`${cancelledMeeting}@${host}`)!;
  assert.equal(cancelled.v.getFirstPropertyValue("status"), "CANCELLED");

  assert.ok(!body.includes(SECRET_TITLE.slice(0, 30)) && !body.includes("Geheim"), "the non-public title never appears");
  assert.ok(!body.includes("Unveröffentlicht"), "an unpublished meeting is not in the calendar");

  // the UID is stable: a second render (after a content change) carries the same UIDs
  await councilService(t.ctx).setNonpublicMeetings(f.tenantId, "date", actor);
  const again = parseCalendar((await get(`/${f.slug}/rat/kalender.ics`)).body);
  assert.ok(again.events.some((x) => x.e.uid === `${f.meeting}@${host}`));
  assert.deepEqual(new Set(again.events.map((x) => x.e.uid)), new Set(events.map((x) => x.e.uid)));
});

test("Magistrat (meets only non-publicly): a neutral summary without agenda when the town shows dates, absent when it hides them", async () => {
  const s = councilService(t.ctx);
  const host = new URL(t.config.baseUrl).hostname;
  await s.setNonpublicMeetings(f.tenantId, "date", actor);
  for (const url of [`/${f.slug}/rat/kalender.ics`, `/${f.slug}/rat/gremien/${f.org.magistrat}/kalender.ics`]) {
    const body = (await get(url)).body;
    const { events } = parseCalendar(body);
    const m = events.find((x) => x.e.uid === `${f.magistratMeeting}@${host}`);
    assert.ok(m, `${url}: the Magistrat meeting is listed by date`);
    assert.equal(m.e.summary, "Nichtöffentliche Sitzung: Magistrat (Test)");
    assert.equal(m.e.description, null, "no description");
    assert.equal(m.v.getFirstPropertyValue("location"), null, "no location");
    assert.equal(m.e.startDate.toJSDate().toISOString(), "2026-12-07T16:00:00.000Z");
    assert.ok(!body.includes("Personalangelegenheit"), "nothing of the Magistrat's agenda");
  }
  await s.setNonpublicMeetings(f.tenantId, "hidden", actor);
  for (const url of [`/${f.slug}/rat/kalender.ics`, `/${f.slug}/rat/gremien/${f.org.magistrat}/kalender.ics`]) {
    const res = await get(url);
    assert.equal(res.statusCode, 200);
    assert.ok(!parseCalendar(res.body).events.some((x) => x.e.uid === `${f.magistratMeeting}@${host}`), `${url}: hidden`);
    assert.ok(!res.body.includes("Magistrat (Test)\r\n") && !res.body.includes("Personalangelegenheit"));
  }
  await s.setNonpublicMeetings(f.tenantId, "date", actor);
});

test("calendar of one body: only its meetings; an unknown body is 404", async () => {
  const body = (await get(`/${f.slug}/rat/gremien/${f.org.bau}/kalender.ics`)).body;
  assertRfc5545Lines(body);
  const { cal, events } = parseCalendar(body);
  assert.match(String(cal.getFirstPropertyValue("x-wr-calname")), /Bau- und Planungsausschuss/);
  assert.deepEqual(events.map((x) => x.e.uid.split("@")[0]), [f.meeting]);
  assert.equal((await get(`/${f.slug}/rat/gremien/0193a000-0000-7000-8000-000000000000/kalender.ics`)).statusCode, 404);
  assert.equal((await get(`/neu-anspach/rat/gremien/${f.org.bau}/kalender.ics`)).statusCode, 404, "another municipality's body is unknown here");
});

test("escaping and folding: special characters, and a multi-byte character is never split at the fold", () => {
  assert.equal(escapeText("a\\b;c,d\ne"), "a\\\\b\\;c\\,d\\ne");
  const line = `SUMMARY:${"ä".repeat(100)}`;
  const folded = foldLine(line);
  for (const part of folded.split("\r\n")) assert.ok(Buffer.byteLength(part, "utf8") <= 75);
  assert.equal(folded.split("\r\n").map((p, i) => (i ? p.slice(1) : p)).join(""), line);
  const vevent = new ICAL.Component(ICAL.parse(["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:x", "BEGIN:VEVENT", "UID:1", "DTSTAMP:20260101T000000Z", folded, "END:VEVENT", "END:VCALENDAR", ""].join("\r\n"))).getFirstSubcomponent("vevent")!;
  assert.equal(vevent.getFirstPropertyValue("summary"), "ä".repeat(100));
});

test("Atom feed of new papers: parsed by rss-parser; absolute links, stable ids, only public papers", async () => {
  const parser = new Parser();
  const url = `/${f.slug}/rat/vorlagen.atom`;
  const res = await get(url);
  assert.equal(res.statusCode, 200);
  assert.equal(res.headers["content-type"], "application/atom+xml; charset=utf-8");
  const feed = await parser.parseString(res.body);
  assert.match(feed.title ?? "", /Vorlagen/);
  assert.equal(feed.link, `${t.config.baseUrl}/${f.slug}/rat/vorlagen`);
  assert.ok(res.body.includes(`rel="self" type="application/atom+xml" href="${t.config.baseUrl}/${f.slug}/rat/vorlagen.atom"`));
  const entry = feed.items.find((i) => i.link?.endsWith(`/rat/vorlagen/${f.publicPaper}`));
  assert.ok(entry, "the public paper is in the feed");
  assert.equal(entry.id, `urn:uuid:${f.publicPaper}`);
  assert.equal(new URL(entry.link!).href, `${t.config.baseUrl}/${f.slug}/rat/vorlagen/${f.publicPaper}`);
  assert.ok(entry.title?.includes(PUBLIC_TITLE));
  assert.ok(entry.isoDate);
  for (const i of feed.items) assert.ok(/^https?:\/\//.test(i.link ?? ""), "every link is absolute");
  assert.ok(!res.body.includes(SECRET_TITLE) && !res.body.includes(f.secretPaper) && !res.body.includes(f.magistratPaper), "non-public papers never appear");

  // a new public paper: the feed changes, the ids of the entries already there do not
  const s = councilService(t.ctx);
  const p = await s.createPaper(f.tenantId, { name: "Antrag Radweg Neuweilnau", paperType: "Antrag", bodyText: "Der Magistrat wird beauftragt, einen Radweg zu planen.", consultations: [{ organizationId: f.org.bau, role: "Entscheidung" }] }, actor);
  await s.submitForApproval(f.tenantId, p.id, actor);
  await s.approve(f.tenantId, p.id, actor);
  const m = await s.createMeeting(f.tenantId, { organizationId: f.org.bau, startAt: "2027-01-12T17:00:00Z" }, actor);
  const c = (await s.store.consultationsOfPaper(f.tenantId, p.id))[0]!;
  await s.addAgendaItem(f.tenantId, m.id, { consultationId: c.id, public: true }, actor);
  t.clock.advance(60_000);
  await s.publishInvitation(f.tenantId, m.id, actor);
  const second = await parser.parseString((await get(url)).body);
  assert.ok(second.items.some((i) => i.id === `urn:uuid:${p.id}`), "the new paper is in the feed");
  for (const i of feed.items) assert.ok(second.items.some((j) => j.id === i.id && j.link === i.link), `entry ${i.id} keeps its id`);
});

test("Atom feed of a search: only matches, the same filters as the search page; bad parameters are 400", async () => {
  const parser = new Parser();
  const res = await get(`/${f.slug}/rat/suche.atom?q=Bebauungsplan`);
  assert.equal(res.statusCode, 200);
  const feed = await parser.parseString(res.body);
  assert.ok(feed.items.length >= 1);
  assert.ok(feed.items.some((i) => i.id === `urn:uuid:${f.publicPaper}`), "the paper is found (also by its plural in the PDF)");
  // every entry is a hit of the same search (a hit may match in its PDF's text, beyond the summary)
  const hits = new Set((await councilService(t.ctx).search.query(f.tenantId, "Bebauungsplan", { limit: 100 })).map((h) => h.url.replace(/#.*$/, "")));
  for (const i of feed.items) {
    assert.ok(/^https?:\/\//.test(i.link ?? ""));
    assert.ok(hits.has(new URL(i.link!).pathname), `${i.title} is a search hit`);
  }
  const byBody = await parser.parseString((await get(`/${f.slug}/rat/suche.atom?q=Bebauungsplan&art=Beschlussvorlage&gremium=${f.org.bau}`)).body);
  assert.deepEqual(byBody.items.map((i) => i.id), [`urn:uuid:${f.publicPaper}`]);
  assert.equal((await parser.parseString((await get(`/${f.slug}/rat/suche.atom?q=Bebauungsplan&art=Antrag`)).body)).items.length, 0, "no Antrag matches");
  assert.equal((await parser.parseString((await get(`/${f.slug}/rat/suche.atom?q=Bebauungsplan&gremium=${f.org.finanz}`)).body)).items.length, 0, "not a Finanzausschuss paper");
  assert.equal((await parser.parseString((await get(`/${f.slug}/rat/suche.atom?q=Bebauungsplan&von=2030-01-01`)).body)).items.length, 0, "nothing dated after 2030");
  const secret = await get(`/${f.slug}/rat/suche.atom?q=Grundst%C3%BCcksangelegenheit`);
  assert.equal((await parser.parseString(secret.body)).items.length, 0);
  assert.ok(!secret.body.includes("Firma Geheim"));
  const zitrone = await get(`/${f.slug}/rat/suche.atom?q=Zitronenfalter`);
  assert.equal((await parser.parseString(zitrone.body)).items.length, 0, "text of a non-public PDF is not searchable");

  for (const [query, message] of [
    ["", "Suchbegriff"],
    ["q=Bau&art=Unsinn", "Unbekannte Art"],
    ["q=Bau&gremium=nicht-da", "Gremium"],
    ["q=Bau&von=31.02.2026", "Datum"],
    ["q=Bau&von=2026-12-01&bis=2026-01-01", "bis"],
    ["q=Bau&q=Plan", "nur einmal"],
  ] as const) {
    const bad = await get(`/${f.slug}/rat/suche.atom?${query}`);
    assert.equal(bad.statusCode, 400, query);
    assert.ok(bad.body.includes(message), `${query}: ${message}`);
  }
});

test("caching: ETag/If-None-Match and Last-Modified/If-Modified-Since answer 304; a change answers 200 again", async () => {
  for (const url of [`/${f.slug}/rat/kalender.ics`, `/${f.slug}/rat/vorlagen.atom`, `/${f.slug}/rat/suche.atom?q=Bebauungsplan`]) {
    const first = await get(url);
    assert.equal(first.statusCode, 200);
    const etag = String(first.headers.etag);
    const lastModified = String(first.headers["last-modified"]);
    assert.ok(etag && lastModified !== "undefined", `${url}: ETag and Last-Modified`);
    assert.ok(!Number.isNaN(Date.parse(lastModified)));
    assert.equal((await get(url, { "if-none-match": etag })).statusCode, 304, `${url}: If-None-Match`);
    const ims = await get(url, { "if-modified-since": lastModified });
    assert.equal(ims.statusCode, 304, `${url}: If-Modified-Since`);
    assert.equal(ims.body, "");
    assert.equal((await get(url, { "if-modified-since": new Date(Date.parse(lastModified) - 1000).toUTCString() })).statusCode, 200, `${url}: older If-Modified-Since`);
    assert.equal((await get(url, { "if-none-match": '"other"', "if-modified-since": lastModified })).statusCode, 200, `${url}: If-None-Match takes precedence`);
  }
  // a change (a meeting cancelled later) moves Last-Modified and the ETag
  const before = await get(`/${f.slug}/rat/kalender.ics`);
  t.clock.advance(5_000);
  await councilService(t.ctx).cancelMeeting(f.tenantId, summerMeeting, actor);
  const after = await get(`/${f.slug}/rat/kalender.ics`, { "if-none-match": String(before.headers.etag) });
  assert.equal(after.statusCode, 200);
  assert.ok(Date.parse(String(after.headers["last-modified"])) > Date.parse(String(before.headers["last-modified"])));
  assert.equal((await get(`/${f.slug}/rat/kalender.ics`, { "if-modified-since": String(before.headers["last-modified"]) })).statusCode, 200);
});
