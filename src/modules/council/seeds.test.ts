import { test } from "node:test";
import assert from "node:assert/strict";
import { sql } from "kysely";
import { createTestApp, loginStaff, type TestApp } from "../../test-support/app.js";
import { assertValid, embedded, getJson } from "./oparl/oparl-helpers.test-support.js";
import { testDialect } from "../../test-support/db.js";
import { councilService } from "./index.js";
import { DEMO_COUNCIL_LOGINS, DEMO_TOWNS } from "./demo-data.js";
import { planTown } from "./demo-plan.js";
import { seed, seedReports } from "./seeds.js";
import { PAPER_TYPES } from "./service.js";

const TABLES = ["council_terms", "council_locations", "council_organizations", "council_persons", "council_memberships", "council_papers", "council_consultations", "council_meetings", "council_agenda_items", "council_attendance", "council_files", "staff_accounts"] as const;

async function rowCounts(t: TestApp): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const table of TABLES) {
    const r = await t.ctx.db.kysely.selectFrom(table).select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow();
    out[table] = Number(r.n);
  }
  return out;
}

/** The shape of one town's council, read straight from the tables. */
async function shape(t: TestApp, slug: string) {
  const tenantId = t.ctx.tenants.bySlug(slug)!.id;
  const k = t.ctx.db.kysely;
  const now = t.ctx.clock.now().toISOString();
  const orgs = await k.selectFrom("council_organizations").selectAll().where("tenant_id", "=", tenantId).execute();
  const meetings = await k.selectFrom("council_meetings").selectAll().where("tenant_id", "=", tenantId).execute();
  const papers = await k.selectFrom("council_papers").selectAll().where("tenant_id", "=", tenantId).execute();
  const items = await k.selectFrom("council_agenda_items").selectAll().where("tenant_id", "=", tenantId).execute();
  const files = await k.selectFrom("council_files").selectAll().where("tenant_id", "=", tenantId).execute();
  const terms = await k.selectFrom("council_terms").selectAll().where("tenant_id", "=", tenantId).execute();
  const attendance = await k.selectFrom("council_attendance").selectAll().where("tenant_id", "=", tenantId).execute();
  const magistrat = orgs.find((o) => o.kind === "vorstand")!;
  const paperById = new Map(papers.map((p) => [p.id, p]));
  const mainFiles = new Set(files.filter((f) => f.owner_type === "paper" && f.role === "main" && !f.deleted_at).map((f) => f.owner_id));
  const nonPublicItems = items.filter((i) => !i.public);
  return {
    tenantId,
    orgs,
    terms,
    meetings,
    papers,
    items,
    files,
    attendance,
    magistrat,
    parliaments: orgs.filter((o) => o.kind === "parlament").length,
    committees: orgs.filter((o) => o.kind === "ausschuss").length,
    papersWithoutMain: papers.filter((p) => !mainFiles.has(p.id)).length,
    types: new Set(papers.map((p) => p.paper_type)),
    nonPublicItems,
    /** papers that stand on a non-public item and yet became public: must be none */
    leakedPapers: nonPublicItems.filter((i) => i.paper_id && !items.some((j) => j.public && j.paper_id === i.paper_id) && paperById.get(i.paper_id)!.published_at).length,
    withVotes: items.filter((i) => i.votes_yes !== null).length,
    withFactionVotes: items.filter((i) => i.votes_by_faction !== null).length,
    resultsPublished: meetings.filter((m) => m.results_published_at).length,
    upcomingPublished: meetings.filter((m) => m.start_at > now && m.published_at).length,
    plannedUnpublished: meetings.filter((m) => m.start_at > now && !m.published_at).length,
    magistratMeetings: meetings.filter((m) => m.organization_id === magistrat.id),
    scans: files.filter((f) => f.role === "auxiliary"),
  };
}

async function checkLogins(t: TestApp) {
  for (const l of DEMO_COUNCIL_LOGINS) {
    const { cookie } = await loginStaff(t.app, l.email, l.password);
    assert.ok(cookie, `${l.email} logs in`);
  }
  // the member sits in the parliament and the Haupt- und Finanzausschuss, and sees that committee's non-public items
  for (const town of DEMO_TOWNS) {
    const s = councilService(t.ctx);
    const tenantId = t.ctx.tenants.bySlug(town.slug)!.id;
    const login = DEMO_COUNCIL_LOGINS.find((l) => l.tenant === town.slug && l.kind === "mandat")!;
    const accountId = (await t.ctx.accounts.idByEmail(login.email))!;
    const viewer = await s.viewerFor(tenantId, { id: accountId }, false);
    assert.equal(viewer.kind, "member");
    const orgs = await s.store.organizations(tenantId);
    const ids = viewer.kind === "member" ? viewer.organizationIds : new Set<string>();
    assert.ok(ids.has(orgs.find((o) => o.kind === "parlament")!.id));
    assert.ok(ids.has(orgs.find((o) => o.name === "Haupt- und Finanzausschuss")!.id));
    assert.ok(!ids.has(orgs.find((o) => o.kind === "vorstand")!.id), "not in the Magistrat");
  }
}

test("small demo council (every test app): bodies, people, four meetings in each state", async () => {
  const t = await createTestApp();
  try {
    for (const town of DEMO_TOWNS) {
      const x = await shape(t, town.slug);
      assert.equal(x.terms.length, 1);
      assert.equal(x.parliaments, 1);
      assert.equal(x.committees, 4);
      assert.equal(x.magistrat.meets_publicly, 0);
      assert.ok(x.orgs.filter((o) => o.kind === "fraktion").length >= 5);
      assert.ok(x.meetings.length >= 4 && x.meetings.length <= 6, `${x.meetings.length} meetings`);
      assert.ok(x.papers.length >= 6 && x.papers.length <= 14, `${x.papers.length} papers`);
      assert.equal(x.papersWithoutMain, 0);
      assert.ok(x.nonPublicItems.length >= 1);
      assert.equal(x.leakedPapers, 0);
      assert.ok(x.resultsPublished >= 1 && x.withVotes >= 1);
      assert.ok(x.upcomingPublished >= 1);
      assert.ok(x.plannedUnpublished >= 1);
      assert.ok(x.magistratMeetings.length >= 1);
      assert.ok(x.attendance.length > 0);
    }
    await checkLogins(t);
    const reports = seedReports(t.ctx);
    assert.equal(reports.length, 2);
    for (const r of reports) {
      // a time, not a target: timed assertions fail on a loaded machine (speed belongs in npm run bench)
      console.log(`small demo council ${r.slug} (${testDialect}): ${r.ms} ms, ${r.papers} papers, ${r.meetings} meetings, ${r.files} files`);
      assert.ok(r.papers > 0 && r.meetings > 0);
    }
  } finally {
    await t.close();
  }
});

test("the plan is the same for the same day, and every consultation follows the one before", () => {
  const now = new Date("2026-11-27T15:00:00Z");
  const a = planTown(DEMO_TOWNS[0]!, now, "full");
  const b = planTown(DEMO_TOWNS[0]!, now, "full");
  assert.deepEqual(a.papers.map((p) => p.text.title), b.papers.map((p) => p.text.title));
  for (const m of a.meetings) {
    for (const item of m.items) {
      if (!item.paper) continue;
      assert.ok(item.paper.flow[item.consultation!]!.org === m.org, "a paper stands on the agenda of the body its consultation names");
      if (item.paper.approvedAt) assert.ok(item.paper.approvedAt < m.closeAt!, "released before it is put on an agenda");
      if (item.paper.nonPublic) assert.equal(item.public, false);
    }
    if (m.publishAt) assert.ok(m.closeAt! < m.publishAt && m.publishAt <= now);
    if (m.resultsAt) assert.ok(m.heldAt! < m.resultsAt && m.resultsAt <= now);
  }
});

// Full size: what `npm start` shows. On PostgreSQL too when it stays within a minute (see the report).
test("full demo council: ≥ 40 meetings and ≥ 200 papers with PDFs per town, non-public items, votes; seeding twice changes nothing", { timeout: 180_000 }, async () => {
  const started = performance.now();
  const t = await createTestApp({ demoSize: "full" });
  const total = Math.round(performance.now() - started);
  try {
    const reports = seedReports(t.ctx);
    for (const r of reports) console.log(`full demo council ${r.slug} (${testDialect}): ${r.ms} ms, ${r.papers} papers, ${r.meetings} meetings, ${r.files} files`);
    console.log(`full demo council: test app with both towns ready in ${total} ms (${testDialect})`);
    assert.equal(reports.length, 2);
    for (const town of DEMO_TOWNS) {
      const x = await shape(t, town.slug);
      assert.ok(x.terms.length >= 1);
      assert.equal(x.parliaments, 1);
      assert.ok(x.committees >= 4);
      assert.ok(x.meetings.length >= 40, `${town.slug}: ${x.meetings.length} meetings`);
      assert.ok(x.papers.length >= 200, `${town.slug}: ${x.papers.length} papers`);
      assert.equal(x.papersWithoutMain, 0, "every paper has a PDF main file");
      assert.deepEqual([...x.types].sort(), [...PAPER_TYPES].sort());
      assert.ok(x.nonPublicItems.filter((i) => i.meeting_id && x.meetings.find((m) => m.id === i.meeting_id)!.organization_id !== x.magistrat.id).length >= 3, "non-public items outside the Magistrat");
      assert.equal(x.leakedPapers, 0);
      assert.ok(x.withVotes >= 50 && x.withFactionVotes >= 20, `${x.withVotes} votes, ${x.withFactionVotes} by faction`);
      assert.ok(x.magistratMeetings.length >= 8);
      const magistratItems = x.items.filter((i) => x.magistratMeetings.some((m) => m.id === i.meeting_id));
      assert.ok(magistratItems.length > 0 && magistratItems.every((i) => !i.public), "the Magistrat meets only non-publicly");
      assert.ok(x.resultsPublished >= 20);
      assert.ok(x.upcomingPublished >= 1 && x.plannedUnpublished >= 1);
      assert.ok(x.files.filter((f) => f.role === "minutes").length >= 20 && x.files.filter((f) => f.role === "invitation").length >= 30);
      assert.ok(x.meetings.every((m) => m.start_at >= "2026-04-01"), "all in the current term");
      // a text PDF yields its text; a scan is marked as having none ("nicht durchsuchbar")
      const s = councilService(t.ctx);
      const main = x.files.find((f) => f.role === "main")!;
      await s.extractText(x.tenantId, main.id);
      assert.equal((await s.store.file(x.tenantId, main.id))!.text_status, "ok");
      const scanned = x.scans.filter((f) => f.name.endsWith("(Scan)"));
      assert.ok(scanned.length >= 3, `${scanned.length} scans`);
      await s.extractText(x.tenantId, scanned[0]!.id);
      assert.equal((await s.store.file(x.tenantId, scanned[0]!.id))!.text_status, "none");
      // the workflow's own timestamps lie in the past months, in order
      const published = x.papers.filter((p) => p.published_at);
      assert.ok(published.length >= 100);
      assert.ok(published.every((p) => p.created_at <= p.published_at! && p.published_at! <= t.ctx.clock.now().toISOString()));
      assert.ok(new Set(published.map((p) => p.published_at!.slice(0, 10))).size > 10, "published on many days, not all at start");
    }
    await checkLogins(t);

    const before = await rowCounts(t);
    await seed(t.ctx, { demo: true });
    assert.deepEqual(await rowCounts(t), before, "seeding again changes nothing");
    const q = await sql<{ n: number }>`select count(*) as n from council_papers`.execute(t.ctx.db.kysely);
    assert.equal(Number(q.rows[0]!.n), before.council_papers);

    // OParl over the full demo of both towns: every list to its end, every object (embedded ones
    // too) valid against its schema — what `npm start` serves, not only the tests' small council
    const base = t.config.baseUrl;
    let validated = 0;
    for (const town of DEMO_TOWNS) {
      const body = (await getJson(t.app, base, `${base}/oparl/v1.1/body/${town.slug}`)).body;
      for (const list of ["organization", "person", "meeting", "paper", "agendaItem", "consultation", "file", "locationList", "legislativeTermList", "membership"]) {
        let next: string | undefined = body[list];
        assert.ok(next, `${town.slug}: Body.${list}`);
        while (next) {
          const page = await getJson(t.app, base, next);
          assert.equal(page.status, 200, next);
          for (const obj of page.body.data) {
            for (const o of [obj, ...embedded(obj)]) {
              assertValid(o, `${town.slug} ${list}`);
              validated++;
            }
          }
          next = page.body.links?.next;
        }
      }
    }
    console.log(`full demo council: ${validated} OParl objects of both towns valid (${testDialect})`);
    assert.ok(validated > 2000, `${validated}`);
  } finally {
    await t.close();
  }
});
