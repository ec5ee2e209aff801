import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createTestApp, csrfFrom, form, type TestApp } from "../../test-support/app.js";
import { councilFixture, SECRET_TITLE, type CouncilFixture } from "../../test-support/council.js";
import { councilService } from "./index.js";
import { councilAlerts, UNCONFIRMED_TTL_MS } from "./alerts.js";

/**
 * E-mail alerts through the real app: order with double opt-in (a GET of the link changes
 * nothing), the hourly job mails each new matching public paper exactly once, one-click
 * unsubscribe (also as RFC 8058 POST without a form token), expiry of unconfirmed alerts.
 */

let t: TestApp;
let f: CouncilFixture;
const actor = { id: "test" };
const urlencoded = { "content-type": "application/x-www-form-urlencoded" };
const HOUR = 60 * 60 * 1000;

before(async () => {
  t = await createTestApp();
  f = await councilFixture(t.ctx);
});
after(() => t.close());

const mailsTo = (address: string) => t.ctx.db.kysely.selectFrom("mail_outbox").selectAll().where("to_address", "=", address).orderBy("created_at").orderBy("id").execute();
const alertsOf = (address: string) => t.ctx.db.kysely.selectFrom("council_alerts").selectAll().where("email", "=", address).execute();
const linkIn = (text: string, kind: "bestaetigen" | "abmelden") => {
  const m = new RegExp(`https?://\\S+/rat/benachrichtigungen/${kind}/[A-Za-z0-9_-]+`).exec(text);
  assert.ok(m, `a ${kind} link in the mail`);
  return new URL(m[0]).pathname;
};

/** Publishes a Bauausschuss meeting whose agenda carries new papers (public or non-public items). */
async function publishMeetingWith(papers: { name: string; public: boolean; body?: string }[]) {
  const s = councilService(t.ctx);
  const meeting = await s.createMeeting(f.tenantId, { organizationId: f.org.bau, startAt: "2027-02-09T17:00:00Z" }, actor);
  const ids: string[] = [];
  for (const p of papers) {
    const paper = await s.createPaper(f.tenantId, { name: p.name, paperType: "Antrag", bodyText: p.body ?? "Begründung folgt.", consultations: [{ organizationId: f.org.bau, role: "Entscheidung" }] }, actor);
    await s.submitForApproval(f.tenantId, paper.id, actor);
    await s.approve(f.tenantId, paper.id, actor);
    const c = (await s.store.consultationsOfPaper(f.tenantId, paper.id))[0]!;
    await s.addAgendaItem(f.tenantId, meeting.id, { consultationId: c.id, public: p.public }, actor);
    ids.push(paper.id);
  }
  await s.publishInvitation(f.tenantId, meeting.id, actor);
  return ids;
}

/** An hour later: the scheduler enqueues the alert job's slot and the worker runs everything due. */
async function nextHour() {
  t.clock.advance(HOUR);
  await t.ctx.jobs.scheduleDue();
  await t.ctx.jobs.runDue(200);
}

async function subscribe(email: string, query: string) {
  const page = await t.app.inject({ url: `/${f.slug}/rat/benachrichtigungen?${query}` });
  assert.equal(page.statusCode, 200);
  const params = Object.fromEntries(new URLSearchParams(query));
  return t.app.inject({ method: "POST", url: `/${f.slug}/rat/benachrichtigungen`, headers: urlencoded, payload: form({ _csrf: csrfFrom(page.body), ...params, email }) });
}

test("order → confirmation mail → GET does not confirm → POST confirms → one mail per new matching public paper, none again, none for others → unsubscribe from the mail", async () => {
  const email = "buergerin@example.org";
  const page = await t.app.inject({ url: `/${f.slug}/rat/benachrichtigungen?q=Radweg&gremium=${f.org.bau}` });
  assert.equal(page.statusCode, 200);
  assert.ok(page.body.includes("„Radweg“") && page.body.includes("Bau- und Planungsausschuss (Test)"), "the search in words");
  assert.ok(page.body.includes("Datenschutzerklärung"));
  assert.ok(!page.headers["set-cookie"], "an anonymous form sets no cookie");

  // invalid address: 422 with the message at the field, nothing stored, nothing sent
  const bad = await t.app.inject({ method: "POST", url: `/${f.slug}/rat/benachrichtigungen`, headers: urlencoded, payload: form({ _csrf: csrfFrom(page.body), q: "Radweg", gremium: f.org.bau, email: "keine-adresse" }) });
  assert.equal(bad.statusCode, 422);
  assert.match(bad.body, /id="email-fehler"[^>]*>[\s\S]*gültige E-Mail-Adresse/);
  assert.ok(bad.body.includes('value="keine-adresse"'), "the input is kept");
  assert.equal((await t.ctx.db.kysely.selectFrom("council_alerts").selectAll().execute()).length, 0);
  // no form token: refused
  assert.equal((await t.app.inject({ method: "POST", url: `/${f.slug}/rat/benachrichtigungen`, headers: urlencoded, payload: form({ q: "Radweg", email }) })).statusCode, 403);

  const ok = await subscribe(email, `q=Radweg&gremium=${f.org.bau}`);
  assert.equal(ok.statusCode, 200);
  assert.ok(ok.body.includes("Bitte bestätigen Sie"));
  const [confirmation] = await mailsTo(email);
  assert.ok(confirmation, "a confirmation mail");
  assert.ok(confirmation.body_text.includes("„Radweg“, Gremium: Bau- und Planungsausschuss (Test)"), "what was ordered, in words");
  const confirmPath = linkIn(confirmation.body_text, "bestaetigen");
  const [stored] = await alertsOf(email);
  assert.ok(stored && stored.confirmed_at === null);
  assert.ok(!stored.token_hash.includes(confirmPath.split("/").at(-1)!), "only a hash of the token is stored");

  // a second order for the same address looks exactly the same (no hint that one exists)
  const repeat = await subscribe(email, `q=Radweg&gremium=${f.org.bau}`);
  assert.equal(repeat.statusCode, ok.statusCode);
  assert.equal(repeat.body.replace(/\s+/g, " ").length, ok.body.replace(/\s+/g, " ").length);

  // GET (what a mail scanner does) changes nothing
  const confirmPage = await t.app.inject({ url: confirmPath });
  assert.equal(confirmPage.statusCode, 200);
  assert.ok(confirmPage.body.includes("Benachrichtigung bestätigen"));
  assert.equal(confirmPage.headers["x-robots-tag"], "noindex");
  assert.ok((await alertsOf(email)).every((a) => a.confirmed_at === null), "GET did not confirm");
  const confirmed = await t.app.inject({ method: "POST", url: confirmPath, headers: urlencoded, payload: form({ _csrf: csrfFrom(confirmPage.body) }) });
  assert.equal(confirmed.statusCode, 200);
  assert.ok(confirmed.body.includes("Benachrichtigung bestätigt"));
  assert.equal((await alertsOf(email)).filter((a) => a.confirmed_at).length, 1);

  // new papers: a matching public one, a non-matching public one, a matching non-public one
  t.clock.advance(60_000);
  const [radweg, friedhof, secret] = await publishMeetingWith([
    { name: "Radweg entlang der Usa", public: true },
    { name: "Friedhofssatzung, 2. Änderung", public: true },
    { name: `Radweg Geheimtrasse ${SECRET_TITLE}`, public: false },
  ]);
  await nextHour();
  const alertMails = (await mailsTo(email)).slice(2);
  assert.equal(alertMails.length, 1, "exactly one alert mail");
  const text = alertMails[0]!.body_text;
  const radwegPaper = (await councilService(t.ctx).store.paper(f.tenantId, radweg!))!;
  assert.ok(text.includes(`${radwegPaper.reference} Radweg entlang der Usa`));
  assert.ok(text.includes(`${t.config.baseUrl}/${f.slug}/rat/vorlagen/${radweg}`));
  assert.ok(!text.includes("Friedhof") && !text.includes(friedhof!), "a non-matching paper is not mailed");
  assert.ok(!text.includes("Geheim") && !text.includes(secret!), "a non-public paper is never mailed");
  const unsubscribePath = linkIn(text, "abmelden");
  const alertMail = (await mailsTo(email)).at(-1)!;
  assert.equal(alertMail.list_unsubscribe, `${t.config.baseUrl}${unsubscribePath}`, "the alert mail carries the one-click unsubscribe URL (List-Unsubscribe)");
  assert.equal((await mailsTo(email))[0]!.list_unsubscribe, null, "the confirmation mail is not a subscribed mail");

  // the job again (next hour, and a direct retry): nothing more
  await nextHour();
  assert.equal((await councilAlerts(t.ctx, councilService(t.ctx)).run()).mails, 0);
  assert.equal((await mailsTo(email)).length, 3, "no second mail for the same paper");

  // only a non-matching public paper and a matching non-public one: nothing
  t.clock.advance(60_000);
  await publishMeetingWith([{ name: "Spielplatz am Schlossgarten", public: true }, { name: "Radweg vertraulich", public: false }]);
  await nextHour();
  assert.equal((await mailsTo(email)).length, 3, "no mail without a new matching public paper");

  // the unsubscribe link of the mail: GET shows a button and changes nothing, POST deletes
  const unsubscribePage = await t.app.inject({ url: unsubscribePath });
  assert.equal(unsubscribePage.statusCode, 200);
  assert.equal((await alertsOf(email)).filter((a) => a.confirmed_at).length, 1);
  const gone = await t.app.inject({ method: "POST", url: unsubscribePath, headers: urlencoded, payload: form({ _csrf: csrfFrom(unsubscribePage.body) }) });
  assert.equal(gone.statusCode, 200);
  assert.ok(gone.body.includes("abbestellt"));
  assert.equal((await alertsOf(email)).filter((a) => a.confirmed_at).length, 0, "deleted");
  assert.equal((await t.app.inject({ url: unsubscribePath })).statusCode, 404, "the link no longer works");

  t.clock.advance(60_000);
  await publishMeetingWith([{ name: "Radweg nach Wernborn", public: true }]);
  await nextHour();
  assert.equal((await mailsTo(email)).length, 3, "no mail after unsubscribing");
});

test("RFC 8058 one-click: a POST with List-Unsubscribe=One-Click and no form token unsubscribes; a forged token does nothing", async () => {
  const email = "one-click@example.org";
  await subscribe(email, "q=Haushalt");
  const path = linkIn((await mailsTo(email))[0]!.body_text, "abmelden");
  const forged = await t.app.inject({ method: "POST", url: `${path.slice(0, -4)}AAAA`, headers: urlencoded, payload: "List-Unsubscribe=One-Click" });
  assert.equal(forged.statusCode, 404);
  assert.equal((await alertsOf(email)).length, 1);
  const res = await t.app.inject({ method: "POST", url: path, headers: { ...urlencoded, origin: "https://mail.example.net" }, payload: "List-Unsubscribe=One-Click" });
  assert.equal(res.statusCode, 200);
  assert.equal((await alertsOf(email)).length, 0);
});

test("exactly once under concurrency: two runs at the same time mail a new paper once", async () => {
  const email = "parallel@example.org";
  await subscribe(email, "q=Kita");
  const confirmPath = linkIn((await mailsTo(email))[0]!.body_text, "bestaetigen");
  const page = await t.app.inject({ url: confirmPath });
  await t.app.inject({ method: "POST", url: confirmPath, headers: urlencoded, payload: form({ _csrf: csrfFrom(page.body) }) });
  t.clock.advance(60_000);
  await publishMeetingWith([{ name: "Kita-Neubau Eschbach", public: true }]);
  t.clock.advance(HOUR);
  const alerts = councilAlerts(t.ctx, councilService(t.ctx));
  const runs = await Promise.all([alerts.run(), alerts.run()]);
  assert.equal(runs[0].mails + runs[1].mails, 1);
  assert.equal((await mailsTo(email)).length, 2, "confirmation + one alert");
});

test("unconfirmed alerts expire after 7 days (the job deletes them, the link stops working); bad searches are 400", async () => {
  const email = "vergesslich@example.org";
  await subscribe(email, "q=Feuerwehr");
  const confirmPath = linkIn((await mailsTo(email))[0]!.body_text, "bestaetigen");
  t.clock.advance(UNCONFIRMED_TTL_MS + HOUR);
  assert.equal((await t.app.inject({ url: confirmPath })).statusCode, 404, "expired link");
  await t.ctx.jobs.scheduleDue();
  await t.ctx.jobs.runDue(200);
  assert.equal((await alertsOf(email)).length, 0, "deleted by the job");

  assert.equal((await t.app.inject({ url: `/${f.slug}/rat/benachrichtigungen` })).statusCode, 400, "no search");
  assert.equal((await t.app.inject({ url: `/${f.slug}/rat/benachrichtigungen?q=Bau&art=Sitzung` })).statusCode, 400, "alerts are for papers");
  assert.equal((await t.app.inject({ url: `/${f.slug}/rat/benachrichtigungen?q=Bau&gremium=unbekannt` })).statusCode, 400);
  assert.equal((await t.app.inject({ url: `/${f.slug}/rat/benachrichtigungen/bestaetigen/not-a-token` })).statusCode, 404);
});
