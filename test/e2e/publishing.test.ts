/**
 * Publishing in a real browser (Chromium), issue 7's "Done when": the Redaktion writes a news item
 * and an official announcement (rich text: a heading, a list, a link), submits both for review and
 * publishes them scheduled for a full minute shortly ahead (Europe/Berlin). Before that minute
 * neither is anywhere public (home page, lists, item pages, feeds, outbox, search); once the clock
 * passes it, both are on the town's home page, in the RSS and Atom feeds (parsed by rss-parser,
 * absolute links), in the outbox of the town's ActivityPub actor (as Create of a Note and an
 * Article pointing to the items), at a second instance of the platform that follows the town (a
 * real server on 127.0.0.1 with its own database, receiving the signed deliveries of this
 * server's job worker), and the site search finds both by another word form ("Spielplatz" for
 * "Spielplätze"), highlighted. The Redaktion logs in with the keyboard; every page on the way is
 * checked with axe (WCAG 2.1 A/AA). The server runs the full demo (scripts/run-e2e.mjs, DEMO=true,
 * FEDIVERSE_ALLOW_PRIVATE_ADDRESS=true).
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import type { Browser, BrowserContext, Page } from "playwright-core";
import Parser from "rss-parser";
import { BASE_URL, axeReportQuick, focused, launchBrowser, newContext, open, submitForm, url } from "./support.js";
import { DEMO_REDAKTION_LOGINS } from "../../src/modules/publishing/seeds.js";
import { fediverseService } from "../../src/modules/publishing/fediverse/service.js";
import { startListeningApp, type ListeningTestApp } from "../../src/test-support/listening-app.js";
import { csrfFrom, form, loginStaff } from "../../src/test-support/app.js";
import { formatDateTime } from "../../src/platform/clock.js";
import type { Tenant } from "../../src/platform/tenancy.js";

const T = "usingen";
const REDAKTION = DEMO_REDAKTION_LOGINS.find((l) => l.tenant === T)!;
const AS = "application/activity+json";
/** The actor of the town on the server under test. */
const ACTOR = `${BASE_URL}/ap/${T}`;
const TIMEOUT = 60_000;
/** The release job runs at every full minute; the scheduled minute is at most LEAD_MS + 60 s ahead. */
const RELEASE_TIMEOUT = 150_000;
/**
 * How far ahead the publication is planned at least: enough to write, review and schedule both
 * items and to check that nothing is public yet (about 15 s here) on a slow, shared machine.
 */
const LEAD_MS = 40_000;
const POLL_MS = 500;

/** Unique per run: the titles are found again among the demo's items. */
const STAMP = new Date().toISOString().replace(/\D/g, "").slice(0, 14);
/** Both titles carry "Spielplätze"; the search looks for another word form of it. */
const SEARCH_FORM = "Spielplatz";
const NEWS = {
  art: "news",
  titel: `Drei neue Spielplätze für die Kernstadt (Browsertest ${STAMP})`,
  teaser: "Am Schlosspark, in der Weilburger Straße und im Neubaugebiet entstehen neue Spielflächen.",
  kategorie: "Familie",
  text: [
    "<p>Die Stadt baut in diesem Jahr drei neue Spielplätze.</p>",
    "<h2>Wo gebaut wird</h2>",
    "<ul><li>am Schlosspark</li><li>in der Weilburger Straße</li><li>im Neubaugebiet Am Riedborn</li></ul>",
    '<p>Mehr dazu auf der <a href="https://www.usingen.de/">Website der Stadt Usingen</a>.</p>',
  ].join("\n"),
  listItems: ["am Schlosspark", "in der Weilburger Straße", "im Neubaugebiet Am Riedborn"],
  heading: "Wo gebaut wird",
  link: "Website der Stadt Usingen",
};
const ANNOUNCEMENT = {
  art: "announcement",
  titel: `Satzung über die Benutzung der öffentlichen Spielplätze (Browsertest ${STAMP})`,
  teaser: "Die Stadtverordnetenversammlung hat die Spielplatzsatzung beschlossen; sie wird hiermit öffentlich bekannt gemacht.",
  kategorie: "Satzungen",
  text: [
    "<p>Die Stadtverordnetenversammlung hat die folgende Satzung über die Benutzung der öffentlichen Spielplätze beschlossen.</p>",
    "<h2>Die wichtigsten Regeln</h2>",
    "<ol><li>Die Spielflächen sind von 8 bis 20 Uhr geöffnet.</li><li>Hunde sind nicht erlaubt.</li></ol>",
    '<p>Den vollständigen Text finden Sie im <a href="https://www.usingen.de/satzungen">Ortsrecht der Stadt Usingen</a>.</p>',
  ].join("\n"),
  listItems: ["Die Spielflächen sind von 8 bis 20 Uhr geöffnet.", "Hunde sind nicht erlaubt."],
  heading: "Die wichtigsten Regeln",
  link: "Ortsrecht der Stadt Usingen",
};
type Draft = typeof NEWS;

/** What the parts create; the later parts start from it. */
interface Created {
  publishAt: Date;
  newsId: string;
  announcementId: string;
}
let created: Created | undefined;
const state = (): Created => {
  assert.ok(created, "the Redaktion's part did not complete; nothing to look at");
  return created;
};
const newsPath = (s: Created) => `/${T}/aktuelles/${s.newsId}`;
const announcementPath = (s: Created) => `/${T}/bekanntmachungen/${s.announcementId}`;

let browser: Browser;
/** The Redaktion's context (logged in in part 2, used again in part 5). */
let redaktion: BrowserContext | undefined;
/** The second instance whose town Usingen follows the town Usingen of the server under test. */
let follower: ListeningTestApp | undefined;
let followerTown: Tenant;
let followed = false;

before(async () => {
  [browser, follower] = await Promise.all([launchBrowser(), startListeningApp({ overrides: { fediverseAllowPrivateAddress: true } })]);
  // the municipality directory loads with the first request
  await fetch(`${follower.base}/`);
  followerTown = follower.ctx.tenants.bySlug(T)!;
  assert.ok(followerTown, "the follower instance has no town Usingen");
});
after(async () => {
  await redaktion?.close();
  await browser?.close();
  await follower?.close();
});

async function context(options: Parameters<typeof newContext>[1] = {}): Promise<BrowserContext> {
  const c = await newContext(browser, options);
  c.setDefaultTimeout(15_000);
  return c;
}

/** axe (WCAG 2.1 A/AA) on the page as it is: zero violations. */
async function axe(page: Page): Promise<void> {
  const report = await axeReportQuick(page);
  if (report) assert.fail(report);
}

/** Opens a path, checks its status and runs axe. */
async function visit(page: Page, path: string, status = 200): Promise<void> {
  await open(page, path, status);
  await axe(page);
}

/** Submits with a button (a mouse click), expects a page (after redirects) with `status`, and runs axe on it. */
async function press(page: Page, buttonName: string, status = 200): Promise<void> {
  const res = await submitForm(page, page.getByRole("button", { name: buttonName, exact: true }));
  const problems = (await page.locator(".kern-error, [role=alert]").allTextContents()).map((s) => s.replace(/\s+/g, " ").trim()).filter(Boolean);
  assert.equal(res.status(), status, `"${buttonName}" on ${page.url()} answered ${res.status()}${problems.length ? `: ${problems.join(" | ")}` : ""}`);
  await axe(page);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Asks `probe` every POLL_MS until it returns a value (not undefined/false); fails with `what` after `timeoutMs`. */
async function until<V>(what: string, timeoutMs: number, probe: () => Promise<V | undefined | false>): Promise<V> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) assert.fail(`${what}: not within ${Math.round(timeoutMs / 1000)} s`);
    await sleep(POLL_MS);
  }
}

/** The page's text over fetch (anonymous, no redirects followed). */
async function text(path: string, accept = "text/html"): Promise<{ status: number; body: string }> {
  const res = await fetch(url(path), { headers: { accept }, redirect: "manual" });
  return { status: res.status, body: await res.text() };
}

/** An ActivityPub document of the server under test. */
async function activity(href: string): Promise<Record<string, any>> {
  const res = await fetch(href, { headers: { accept: AS } });
  assert.equal(res.status, 200, `${href} answered ${res.status}`);
  assert.match(res.headers.get("content-type") ?? "", /application\/activity\+json/, `${href} is no ActivityStreams document`);
  return (await res.json()) as Record<string, any>;
}

/** The first page of the town's outbox (newest first). */
async function outboxItems(): Promise<Record<string, any>[]> {
  const outbox = await activity(`${ACTOR}/outbox`);
  assert.equal(outbox.type, "OrderedCollection");
  const first = typeof outbox.first === "string" ? outbox.first : outbox.first?.id;
  assert.ok(first, "the outbox has no first page");
  const page = await activity(first);
  return (page.orderedItems ?? []) as Record<string, any>[];
}

/** The next full minute at least LEAD_MS ahead: its instant and the form's values (Berlin). */
function plannedMinute(): { at: Date; date: string; time: string } {
  const at = new Date(Math.ceil((Date.now() + LEAD_MS) / 60_000) * 60_000);
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat("de-DE", { timeZone: "Europe/Berlin", day: "2-digit", month: "2-digit", year: "numeric", hour: "2-digit", minute: "2-digit", hourCycle: "h23" })
      .formatToParts(at)
      .map((p) => [p.type, p.value]),
  );
  return { at, date: `${parts.day}.${parts.month}.${parts.year}`, time: `${parts.hour}:${parts.minute}` };
}

/** The staff login form, used with the keyboard only: type, Tab, type, Enter. */
async function keyboardLogin(c: BrowserContext, email: string, password: string): Promise<Page> {
  const page = await c.newPage();
  await visit(page, "/verwaltung/anmelden");
  await page.getByLabel("E-Mail-Adresse").focus();
  await page.keyboard.type(email);
  await page.keyboard.press("Tab");
  assert.equal((await focused(page)).id, "password", "Tab from the e-mail field does not lead to the password field");
  await page.keyboard.type(password);
  const res = await submitForm(page, page.locator("#password"), "Enter");
  assert.equal(res.status(), 200, `login as ${email}: ${res.status()} at ${page.url()}`);
  assert.equal(new URL(page.url()).pathname, "/verwaltung/", `login as ${email} led to ${page.url()}`);
  await axe(page);
  return page;
}

/**
 * Writes an item through the Redaktion's form (planned for `when`), submits it for review and
 * publishes it for that time; returns its id.
 */
async function writeAndSchedule(page: Page, d: Draft, when: { at: Date; date: string; time: string }): Promise<string> {
  await visit(page, `/${T}/verwaltung/redaktion`);
  await page.getByRole("link", { name: d.art === "news" ? "Neue Meldung (Aktuelles) schreiben" : "Neue amtliche Bekanntmachung schreiben", exact: true }).click();
  await page.waitForURL((u) => u.pathname === `/${T}/verwaltung/redaktion/neu`, { waitUntil: "load" });
  await page.getByRole("heading", { level: 1, name: d.art === "news" ? "Neue Meldung" : "Neue amtliche Bekanntmachung", exact: true }).waitFor();
  await axe(page);
  assert.equal(await page.getByLabel("Art", { exact: true }).inputValue(), d.art, "the form does not preselect the kind from the link");
  await page.getByLabel("Titel", { exact: true }).fill(d.titel);
  await page.getByLabel("Vorspann – optional", { exact: true }).fill(d.teaser);
  await page.getByLabel("Kategorie – optional", { exact: true }).fill(d.kategorie);
  await page.getByLabel("Text (HTML)", { exact: true }).fill(d.text);
  await page.getByLabel("Datum (TT.MM.JJJJ) – optional", { exact: true }).fill(when.date);
  await page.getByLabel("Uhrzeit (SS:MM) – optional", { exact: true }).fill(when.time);
  await press(page, "Speichern");
  const id = new RegExp(`^/${T}/verwaltung/redaktion/([0-9a-f-]{36})$`).exec(new URL(page.url()).pathname)?.[1];
  assert.ok(id, `saving did not lead to the item's page: ${page.url()}`);
  // (the preview below repeats the title as the article's own h1)
  await page.getByRole("heading", { level: 1, name: d.titel, exact: true }).first().waitFor();
  await page.getByRole("status").filter({ hasText: "Gespeichert." }).waitFor();
  assert.equal(await page.getByText("Beim Speichern entfernt").count(), 0, "allowed rich text was removed on save");
  // the preview renders the rich text as written
  const preview = page.getByRole("region", { name: "Vorschau" });
  await preview.getByRole("heading", { level: 2, name: d.heading }).waitFor();
  assert.deepEqual((await preview.getByRole("listitem").allTextContents()).map((s) => s.trim()), d.listItems);
  await preview.getByRole("link", { name: d.link }).waitFor();

  await press(page, "Zur Prüfung vorlegen");
  await page.getByRole("status").filter({ hasText: "Der Beitrag liegt zur Prüfung vor." }).waitFor();
  // the button names the planned time the form took in German time
  await press(page, `Veröffentlichen am ${formatDateTime(when.at)}`);
  await page.getByRole("status").filter({ hasText: "Die Veröffentlichung ist geplant." }).waitFor();
  const stand = page.locator(".kern-description-list-item").filter({ hasText: "Stand" }).locator("dd");
  assert.equal((await stand.textContent())?.trim(), "geplant");
  assert.equal(await page.getByRole("link", { name: "Öffentliche Seite ansehen" }).count(), 0, "a scheduled item links to a public page");
  return id;
}

/** Nothing of the two items anywhere public: pages in the browser (axe), feeds, outbox, search. */
async function assertNothingPublic(page: Page, s: Created): Promise<void> {
  const ids = [s.newsId, s.announcementId];
  const absent = (where: string, body: string) => {
    for (const x of [STAMP, ...ids]) assert.ok(!body.includes(x), `${where} shows a scheduled item (${x}) before its time`);
  };
  for (const path of [`/${T}/`, `/${T}/aktuelles`, `/${T}/bekanntmachungen`]) {
    await visit(page, path);
    absent(path, await page.content());
  }
  await visit(page, newsPath(s), 404);
  await visit(page, announcementPath(s), 404);
  for (const feed of ["aktuelles.rss", "aktuelles.atom", "bekanntmachungen.rss", "bekanntmachungen.atom"]) {
    const r = await text(`/${T}/${feed}`, "application/xml");
    assert.equal(r.status, 200, `${feed} answered ${r.status}`);
    absent(feed, r.body);
  }
  absent("the outbox", JSON.stringify(await outboxItems()));
  await visit(page, `/${T}/suche?q=${encodeURIComponent(SEARCH_FORM)}`);
  absent("the search", await page.content());
}

describe("Redaktion: Meldung und Bekanntmachung geplant veröffentlichen – Startseite, Feeds, Fediverse, Suche", () => {
  test("1. Eine zweite Instanz folgt der Stadt Usingen im Fediverse", { timeout: TIMEOUT }, async () => {
    const b = follower!;
    const store = fediverseService(b.ctx).store;
    // The Redaktion of the follower's Usingen follows the town by its actor URL (the staff form, as the staff do).
    const session = await loginStaff(b.app, REDAKTION.email, REDAKTION.password);
    const overview = await b.app.inject({ url: `/${T}/verwaltung/fediverse`, headers: { cookie: session.cookie } });
    assert.equal(overview.statusCode, 200);
    const res = await b.app.inject({
      method: "POST",
      url: `/${T}/verwaltung/fediverse/folgen`,
      headers: { cookie: session.cookie, "content-type": "application/x-www-form-urlencoded" },
      payload: form({ _csrf: csrfFrom(overview.body), konto: ACTOR }),
    });
    assert.equal(res.statusCode, 303, `following ${ACTOR} failed: ${res.statusCode} ${res.body.slice(0, 500)}`);
    const row = (await store.following(followerTown.id)).find((r) => r.actor_id === ACTOR);
    assert.equal(row?.status, "pending");

    // The follower's jobs deliver the Follow (signed); the server under test checks it, stores
    // the follower and its own job worker sends the Accept back.
    await until("the follow accepted by the server under test", 30_000, async () => {
      await b.ctx.jobs.runDue();
      const r = (await store.following(followerTown.id)).find((x) => x.actor_id === ACTOR);
      return r?.status === "accepted";
    });
    const sent = (await store.deliveries(followerTown.id)).find((d) => d.activity_type === "Follow");
    assert.equal(sent?.status, "sent");
    assert.equal(sent?.target, `${ACTOR}/inbox`);
    const followers = await activity(`${ACTOR}/followers`);
    assert.ok(Number(followers.totalItems) >= 1, "the server under test counts no follower");
    followed = true;
  });

  test("2. Redaktion (Tastatur-Anmeldung): Meldung und Bekanntmachung schreiben, vorlegen, geplant veröffentlichen; vorher nirgends öffentlich", { timeout: TIMEOUT }, async () => {
    assert.ok(followed, "the follower instance does not follow the town; the publication would not reach it");
    redaktion = await context();
    const page = await keyboardLogin(redaktion, REDAKTION.email, REDAKTION.password);
    const when = plannedMinute();
    const newsId = await writeAndSchedule(page, NEWS, when);
    const announcementId = await writeAndSchedule(page, ANNOUNCEMENT, when);
    created = { publishAt: when.at, newsId, announcementId };

    // Both are listed as planned for the Redaktion.
    await visit(page, `/${T}/verwaltung/redaktion?stand=geplant`);
    const planned = page.getByRole("table", { name: "Beiträge im Stand „geplant“" });
    for (const d of [NEWS, ANNOUNCEMENT]) {
      const row = planned.getByRole("row").filter({ hasText: d.titel });
      await row.waitFor();
      assert.match((await row.textContent()) ?? "", new RegExp(`geplant für ${formatDateTime(when.at).replace(/[.]/g, "\\.")}`));
    }

    // A citizen sees neither before the planned minute.
    const c = await context();
    try {
      await assertNothingPublic(await c.newPage(), created);
    } finally {
      await c.close();
    }
    assert.ok(Date.now() < when.at.getTime(), `the checks before the publication ended after it (${formatDateTime(when.at)}): raise LEAD_MS`);
    assert.equal((await fediverseService(follower!.ctx).store.received(followerTown.id)).filter((r) => r.content?.includes(STAMP)).length, 0, "the follower received an item before its time");
  });

  test("3. Zur geplanten Minute: beide auf der Startseite, in den Listen und auf ihren Seiten", { timeout: RELEASE_TIMEOUT + TIMEOUT }, async (t) => {
    const s = state();
    const links = [`href="${newsPath(s)}"`, `href="${announcementPath(s)}"`];
    await until("both items on the home page", RELEASE_TIMEOUT, async () => {
      const home = await text(`/${T}/`);
      const shown = links.filter((l) => home.body.includes(l));
      if (shown.length) assert.ok(Date.now() >= s.publishAt.getTime(), `the home page shows a scheduled item before ${formatDateTime(s.publishAt)}`);
      return shown.length === links.length;
    });
    t.diagnostic(`on the home page ${Date.now() - s.publishAt.getTime()} ms after the planned minute (polled every ${POLL_MS} ms)`);

    const c = await context();
    try {
      const page = await c.newPage();
      await visit(page, `/${T}/`);
      await page.getByRole("region", { name: "Aktuelles", exact: true }).getByRole("link", { name: NEWS.titel, exact: true }).waitFor();
      await page.getByRole("region", { name: "Amtliche Bekanntmachungen", exact: true }).getByRole("link", { name: ANNOUNCEMENT.titel, exact: true }).waitFor();

      await visit(page, `/${T}/aktuelles`);
      await page.getByRole("link", { name: NEWS.titel, exact: true }).waitFor();
      await visit(page, `/${T}/bekanntmachungen`);
      await page.getByRole("link", { name: ANNOUNCEMENT.titel, exact: true }).click();
      await page.waitForURL((u) => u.pathname === announcementPath(s), { waitUntil: "load" });
      await axe(page);

      // The item pages render the rich text.
      for (const [d, path] of [[ANNOUNCEMENT, announcementPath(s)], [NEWS, newsPath(s)]] as const) {
        if (new URL(page.url()).pathname !== path) await visit(page, path);
        await page.getByRole("heading", { level: 1, name: d.titel, exact: true }).waitFor();
        await page.getByText(d.teaser).first().waitFor();
        const main = page.locator("main");
        await main.getByRole("heading", { level: 2, name: d.heading, exact: true }).waitFor();
        for (const li of d.listItems) await main.getByRole("listitem").filter({ hasText: li }).first().waitFor();
        await main.getByRole("link", { name: d.link, exact: true }).waitFor();
        if (d.art === "announcement") await main.getByText(`Tag der Bekanntmachung: ${formatDateTime(s.publishAt)}`).waitFor();
      }
    } finally {
      await c.close();
    }
  });

  test("4. Feeds (RSS und Atom) und Outbox der Stadt im Fediverse", { timeout: TIMEOUT }, async () => {
    const s = state();
    const parser = new Parser();
    for (const [d, id, path, base] of [[NEWS, s.newsId, newsPath(s), "aktuelles"], [ANNOUNCEMENT, s.announcementId, announcementPath(s), "bekanntmachungen"]] as const) {
      for (const format of ["rss", "atom"]) {
        const r = await text(`/${T}/${base}.${format}`, "application/xml");
        assert.equal(r.status, 200, `${base}.${format} answered ${r.status}`);
        const feed = await parser.parseString(r.body);
        const entry = feed.items.find((i) => (format === "rss" ? i.guid : i.id) === `urn:uuid:${id}`);
        assert.ok(entry, `${base}.${format} has no entry urn:uuid:${id}`);
        assert.equal(entry.title, d.titel);
        assert.equal(entry.link, `${BASE_URL}${path}`, `${base}.${format}: the entry's link is not the item's absolute URL`);
        assert.equal(feed.items[0]?.title, d.titel, `${base}.${format}: the new item is not the newest entry`);
      }
    }

    // The release job announced both: Create activities in the actor's outbox point to the items.
    const items = await until("both items in the outbox", 30_000, async () => {
      const all = await outboxItems();
      return [s.newsId, s.announcementId].every((id) => all.some((a) => String(a.object?.id ?? "").endsWith(`/${id}`))) ? all : undefined;
    });
    for (const [d, id, path, type, collection] of [[NEWS, s.newsId, newsPath(s), "Note", "notes"], [ANNOUNCEMENT, s.announcementId, announcementPath(s), "Article", "articles"]] as const) {
      const create = items.find((a) => a.object?.id === `${ACTOR}/${collection}/${id}`);
      assert.ok(create, `no Create of ${ACTOR}/${collection}/${id} in the outbox`);
      assert.equal(create.type, "Create");
      assert.equal(create.actor, ACTOR);
      assert.equal(create.object.type, type);
      assert.equal(create.object.url, `${BASE_URL}${path}`);
      assert.ok(String(create.object.content).includes(`href="${BASE_URL}${path}"`), "the post has no link back to the item");
      if (type === "Article") assert.equal(create.object.name, d.titel);
      else assert.ok(String(create.object.content).includes(d.titel), "the Note does not carry the title");
      // the object can be fetched by its id
      const object = await activity(create.object.id);
      assert.equal(object.type, type);
      assert.equal(object.attributedTo, ACTOR);
    }
  });

  test("5. Die folgende Instanz hat beide empfangen; die Redaktion sieht den Versand", { timeout: TIMEOUT }, async (t) => {
    const s = state();
    const b = follower!;
    const store = fediverseService(b.ctx).store;
    const received = await until("both items at the follower instance", 30_000, async () => {
      const rows = (await store.received(followerTown.id)).filter((r) => r.actor_id === ACTOR);
      const news = rows.find((r) => r.url === `${BASE_URL}${newsPath(s)}`);
      const announcement = rows.find((r) => r.url === `${BASE_URL}${announcementPath(s)}`);
      return news && announcement ? { news, announcement } : undefined;
    });
    t.diagnostic(`both at the follower instance ${Date.now() - s.publishAt.getTime()} ms after the planned minute`);
    assert.equal(received.news.object_type, "Note");
    assert.equal(received.news.object_id, `${ACTOR}/notes/${s.newsId}`);
    assert.ok(received.news.content?.includes(NEWS.titel), "the received Note does not carry the title");
    assert.equal(received.announcement.object_type, "Article");
    assert.equal(received.announcement.object_id, `${ACTOR}/articles/${s.announcementId}`);
    assert.equal(received.announcement.title, ANNOUNCEMENT.titel);
    for (const [r, path] of [[received.news, newsPath(s)], [received.announcement, announcementPath(s)]] as const) {
      assert.ok(r.content?.includes(`href="${BASE_URL}${path}"`), "the received post has no link back");
    }
    // the follower's Redaktion sees them among the received posts
    const session = await loginStaff(b.app, REDAKTION.email, REDAKTION.password);
    const overview = await b.app.inject({ url: `/${T}/verwaltung/fediverse`, headers: { cookie: session.cookie } });
    assert.equal(overview.statusCode, 200);
    for (const d of [NEWS, ANNOUNCEMENT]) assert.ok(overview.body.includes(d.titel), `the follower's Fediverse page does not show "${d.titel}"`);

    // The Redaktion's item page lists the delivery to the follower's (shared) inbox as sent.
    assert.ok(redaktion, "the Redaktion's context is gone");
    const page = await redaktion.newPage();
    for (const id of [s.newsId, s.announcementId]) {
      await visit(page, `/${T}/verwaltung/redaktion/${id}`);
      const stand = page.locator(".kern-description-list-item").filter({ hasText: "Stand" }).locator("dd");
      assert.equal((await stand.textContent())?.trim(), "veröffentlicht");
      const row = page.getByRole("table", { name: "Wohin der Beitrag gesendet wurde" }).getByRole("row").filter({ hasText: `${follower!.base}/ap/` });
      await row.waitFor();
      assert.deepEqual((await row.getByRole("cell").allTextContents()).map((x) => x.trim()).slice(-2), ["gesendet", "–"]);
    }
    await page.close();
  });

  test("6. Die Suche findet beide mit einer anderen Wortform, hervorgehoben", { timeout: TIMEOUT }, async () => {
    const s = state();
    const c = await context();
    try {
      const page = await c.newPage();
      // from the home page's search box, as a citizen would
      await visit(page, `/${T}/`);
      const box = page.getByRole("search", { name: "Rathaus durchsuchen" });
      await box.getByLabel("Suchbegriff").fill(SEARCH_FORM);
      const res = await submitForm(page, box.getByRole("button", { name: "Suchen" }));
      assert.equal(res.status(), 200);
      assert.equal(new URL(page.url()).pathname, `/${T}/suche`);
      assert.equal(new URL(page.url()).searchParams.get("q"), SEARCH_FORM);
      await axe(page);
      for (const [d, path, label] of [[NEWS, newsPath(s), "Aktuelles"], [ANNOUNCEMENT, announcementPath(s), "Amtliche Bekanntmachungen"]] as const) {
        const hit = page.locator("ol.search-results > li").filter({ has: page.locator(`a[href="${path}"]`) });
        await hit.waitFor();
        assert.equal(((await hit.getByRole("link").textContent()) ?? "").trim(), d.titel, "the hit does not show the item's title");
        assert.match(((await hit.locator("p").first().textContent()) ?? "").trim(), new RegExp(`^${label},`), `the hit is not labelled "${label}"`);
        assert.ok((await hit.getByRole("link").locator("mark").allTextContents()).includes("Spielplätze"), "the other word form is not highlighted in the title");
      }
    } finally {
      await c.close();
    }
  });
});
