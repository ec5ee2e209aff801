import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import type { LightMyRequestResponse } from "fastify";
import { startListeningApp, type ListeningTestApp } from "../../test-support/listening-app.js";
import { loginCitizen, cookieOf } from "../../test-support/citizen-login.js";
import { ApplicationClient, multipart, sampleFileFor } from "../../test-support/applications.js";
import { loginStaff, form } from "../../test-support/app.js";
import { loadDefinitions } from "../services/definitions.js";
import { berlinDateTime } from "../../platform/clock.js";
import { sha256 } from "../../platform/ids.js";
import type { Tenant } from "../../platform/tenancy.js";
import { DEMO_CASEWORKERS } from "./seeds.js";
import { caseService, type Case } from "./index.js";

/**
 * Isolation of cases between departments, municipalities and applicants: a walk over every
 * registered route of the back office and of the applicant's side (every path containing
 * "vorgaenge" or "antrag/status", taken from the app itself, so a route added later is walked
 * too), each tried with someone else's ids — by staff of another department, staff of another
 * municipality, a citizen, and without login. None may answer with the other's data; nothing
 * may change. Two citizens log in through the real OIDC flow (erika, max); anonymous applicants
 * hold status links, which are tried tampered and mixed with other cases' file ids.
 */

let t: ListeningTestApp;
const defs = loadDefinitions().definitions;
const SERVICE = "fundsache-melden"; // Ordnungsamt in Usingen, Fachbereich 3 in Neu-Anspach; a photo upload
const worker = (email: string) => DEMO_CASEWORKERS.find((w) => w.email === email)!;

interface Applied {
  kase: Case;
  draftId: string;
  /** the status link's token (anonymous applications only) */
  token?: string;
  bescheidId: string;
  answerFileId: string;
  applicationFileId: string | undefined;
}

let usingen: Tenant;
let neuAnspach: Tenant;
let erika: { cookie: string; csrf: string };
let max: { cookie: string; csrf: string };
let erikaCase: Applied;
let maxCase: Applied;
let anonCase: Applied;
let naCase: Applied;

/** The CSRF token of a real session (by its cookie), so that guards — not the CSRF check — decide. */
async function sessionCsrf(cookie: string): Promise<string> {
  const raw = /rathaus_sid=([^;]+)/.exec(cookie)![1]!;
  const row = await t.ctx.db.kysely.selectFrom("sessions").select("csrf_token").where("id_hash", "=", sha256(raw)).executeTakeFirstOrThrow();
  return row.csrf_token;
}

/** A stateless form token for `path`, as an anonymous visitor's page would carry it. */
function anonymousCsrf(path: string): string {
  const issued = t.ctx.clock.now().getTime().toString(36);
  return `a.${issued}.${t.ctx.secrets.sign("csrf", `${path}|${issued}`)}`;
}

/** Submits an application (as the citizen of `cookie`, or anonymously); the case goes through Rückfrage, an answer with a document and a Bescheid. */
async function apply(tenant: Tenant, cookie?: string): Promise<Applied> {
  const client = new ApplicationClient(t.app, tenant.slug, cookie);
  await client.start(SERVICE);
  await client.fillAll(defs.find((d) => d.id === SERVICE)!, berlinDateTime(t.ctx.clock.now()).date);
  const submitted = await client.submit();
  assert.equal(submitted.statusCode, 303, submitted.body.slice(0, 300));
  const draftId = /\/antrag\/([^/]+)\/eingang/.exec(client.location)![1]!;
  let token: string | undefined;
  if (!cookie) {
    const confirmation = await client.get(client.location);
    token = /\/antrag\/status\/([^<"\s]+)<\/code>/.exec(confirmation.body)?.[1];
    assert.ok(token, "an anonymous application gets a status link");
  }
  await t.ctx.jobs.runDue(100);
  const sub = await t.ctx.db.kysely.selectFrom("submissions").selectAll().where("draft_id", "=", draftId).executeTakeFirstOrThrow();
  const cases = caseService(t.ctx);
  let kase = (await cases.store.caseOfSubmission(tenant.id, sub.id))!;
  assert.ok(kase, "the submission became a case");
  const staffEmail = tenant.slug === "usingen" ? "ordnungsamt@usingen.example" : "buergerservice@neu-anspach.example";
  const staff = (await t.ctx.accounts.byId((await t.ctx.accounts.idByEmail(staffEmail))!))!;
  const step = async (to: string, text?: string) => {
    const r = await cases.transition(tenant, kase, { to, version: kase.version, text }, staff);
    assert.ok(r.ok, `${to}: ${JSON.stringify(r)}`);
    kase = r.case;
  };
  await step("in-bearbeitung");
  await step("rueckfrage", "Bitte senden Sie ein Foto.");
  const photo = sampleFileFor(["image/jpeg"]);
  const answered = await cases.citizenAnswer(tenant, kase, "Anbei das Foto.", [{ fileName: photo.name, contentType: photo.type, data: photo.data }], { accountId: kase.account_id });
  assert.ok(answered.ok);
  kase = answered.case;
  await step("abgeschlossen", "Ihre Meldung ist erledigt.");
  const files = await cases.store.files(tenant.id, kase.id);
  const appFile = await t.ctx.db.kysely.selectFrom("application_files").select("id").where("submission_id", "=", sub.id).executeTakeFirst();
  return { kase, draftId, ...(token ? { token } : {}), bescheidId: files.find((f) => f.kind === "bescheid")!.id, answerFileId: files.find((f) => f.kind === "answer")!.id, applicationFileId: appFile?.id };
}

before(async () => {
  t = await startListeningApp();
  await t.app.inject({ url: "/" }); // the municipality directory loads with the first request
  usingen = t.ctx.tenants.bySlug("usingen")!;
  neuAnspach = t.ctx.tenants.bySlug("neu-anspach")!;
  const erikaBrowser = await loginCitizen(t.base, "usingen", "erika");
  const maxBrowser = await loginCitizen(t.base, "usingen", "max");
  erika = { cookie: cookieOf(erikaBrowser), csrf: "" };
  max = { cookie: cookieOf(maxBrowser), csrf: "" };
  erika.csrf = await sessionCsrf(erika.cookie);
  max.csrf = await sessionCsrf(max.cookie);
  erikaCase = await apply(usingen, erika.cookie);
  maxCase = await apply(usingen, max.cookie);
  anonCase = await apply(usingen);
  naCase = await apply(neuAnspach);
  assert.ok(erikaCase.kase.account_id && maxCase.kase.account_id && erikaCase.kase.account_id !== maxCase.kase.account_id, "two accounts");
});
after(() => t.close());

const get = (url: string, cookie?: string) => t.app.inject({ url, headers: cookie ? { cookie } : {} });

/** Refused: 403/404, or (GET, or a citizen guard) a redirect to a login page. */
function assertRefused(res: LightMyRequestResponse, label: string, victim: Applied): void {
  const location = String(res.headers.location ?? "");
  const toLogin = res.statusCode === 303 && /^\/([a-z-]+\/)?(verwaltung\/)?anmelden\?/.test(location);
  assert.ok(res.statusCode === 403 || res.statusCode === 404 || toLogin, `${label} → ${res.statusCode} ${location}`);
  assertNoData(res, label, victim);
}

/** Whatever the status, the body never carries the victim's reference, answers or files. */
function assertNoData(res: LightMyRequestResponse, label: string, victim: Applied): void {
  assert.ok(!res.body.includes(victim.kase.reference), `${label}: the other's reference number is in the answer`);
  assert.ok(!res.body.includes("Anbei das Foto") && !res.body.includes("Ihre Meldung ist erledigt"), `${label}: the other's messages are in the answer`);
  assert.ok(!res.rawPayload.subarray(0, 5).equals(Buffer.from("%PDF-")) && !res.rawPayload.subarray(0, 3).equals(Buffer.from([0xff, 0xd8, 0xff])), `${label}: a file was sent`);
}

/** A tampered token: the same submission id with a changed signature. */
const tampered = (token: string) => token.replace(/.$/, (c) => (c === "A" ? "B" : "A"));

test("every case and status-link route refuses other departments, other municipalities, citizens and anonymous visitors, and changes nothing", async (tc) => {
  const all = t.app.registeredRoutes.filter((r) => (r.url.includes("vorgaenge") || r.url.includes("antrag/status")) && r.method !== "HEAD" && r.method !== "OPTIONS");
  const names = all.map((r) => `${r.method} ${r.url}`);
  for (const known of [
    "GET /:tenant/verwaltung/vorgaenge/:id",
    "POST /:tenant/verwaltung/vorgaenge/:id/status",
    "GET /:tenant/verwaltung/vorgaenge/:id/dateien/:fileId",
    "GET /:tenant/verwaltung/vorgaenge/:id/antragsdateien/:fileId",
    "POST /:tenant/mein-rathaus/vorgaenge/:caseId/antwort",
    "GET /:tenant/mein-rathaus/vorgaenge/:caseId/dateien/:fileId",
    "GET /:tenant/antrag/status/:token",
    "POST /:tenant/antrag/status/:token/antwort",
    "GET /:tenant/antrag/status/:token/dateien/:fileId",
  ]) {
    assert.ok(names.includes(known), `the walk finds ${known}`);
  }

  const ordnung = await loginStaff(t.app, "ordnungsamt@usingen.example", worker("ordnungsamt@usingen.example").password);
  const buergerbuero = await loginStaff(t.app, "buergerbuero@usingen.example", worker("buergerbuero@usingen.example").password);
  const naStaff = await loginStaff(t.app, "buergerservice@neu-anspach.example", worker("buergerservice@neu-anspach.example").password);

  /** One attempt: who, in which municipality's URL, against whose case, with which status token. */
  interface Attempt {
    who: string;
    session?: { cookie: string; csrf: string };
    slug: string;
    victim: Applied;
    /** for routes of an account's case: the case id in the URL (default the victim's) */
    caseId?: string;
    token?: string;
    /** a staff member with a role in the URL's municipality: the inbox (200) and the bulk assignment (303) answer, without the victim's data */
    member?: boolean;
  }
  const staffAttempts: Attempt[] = [
    { who: "anonymous", slug: "usingen", victim: erikaCase },
    { who: "citizen max", session: max, slug: "usingen", victim: erikaCase },
    { who: "Bürgerbüro (other department)", session: buergerbuero, slug: "usingen", victim: erikaCase, member: true },
    { who: "Neu-Anspach staff in Usingen", session: naStaff, slug: "usingen", victim: erikaCase },
    { who: "Neu-Anspach staff with a Usingen id", session: naStaff, slug: "neu-anspach", victim: erikaCase, member: true },
    { who: "Ordnungsamt Usingen in Neu-Anspach", session: ordnung, slug: "neu-anspach", victim: naCase },
    { who: "Ordnungsamt Usingen with a Neu-Anspach id", session: ordnung, slug: "usingen", victim: naCase, member: true },
  ];
  const citizenAttempts: Attempt[] = [
    { who: "anonymous", slug: "usingen", victim: erikaCase },
    { who: "citizen max, erika's case", session: max, slug: "usingen", victim: erikaCase },
    { who: "citizen max, own case with erika's file", session: max, slug: "usingen", victim: erikaCase, caseId: maxCase.kase.id },
    { who: "citizen erika in the other municipality", session: erika, slug: "neu-anspach", victim: erikaCase },
    { who: "citizen max, a Neu-Anspach case", session: max, slug: "neu-anspach", victim: naCase },
    { who: "Ordnungsamt staff (no citizen)", session: ordnung, slug: "usingen", victim: erikaCase },
  ];
  const statusAttempts: Attempt[] = [
    { who: "anonymous, tampered token", slug: "usingen", victim: anonCase, token: tampered(anonCase.token!) },
    { who: "citizen max, tampered token", session: max, slug: "usingen", victim: anonCase, token: tampered(anonCase.token!) },
    { who: "anonymous, made-up token", slug: "usingen", victim: anonCase, token: `${anonCase.kase.submission_id}.${"A".repeat(43)}` },
    { who: "anonymous, another submission's id with this signature", slug: "usingen", victim: erikaCase, token: `${erikaCase.kase.submission_id}.${anonCase.token!.split(".")[1]}` },
    { who: "anonymous, Neu-Anspach's token in Usingen", slug: "usingen", victim: naCase, token: naCase.token! },
    { who: "anonymous, Usingen's token in Neu-Anspach", slug: "neu-anspach", victim: anonCase, token: anonCase.token! },
  ];
  // With a valid status link, the file ids of other cases: the file belongs to another case.
  const mixedAttempts: Attempt[] = [
    { who: "own status link, erika's Bescheid", slug: "usingen", victim: erikaCase, token: anonCase.token! },
    { who: "own status link, Neu-Anspach's Bescheid", slug: "neu-anspach", victim: anonCase, token: naCase.token! },
  ];

  const before = await snapshot();
  const walked = new Map<string, number>();
  let requests = 0;
  for (const r of all) {
    const isStaff = r.url.includes("/verwaltung/");
    const isStatus = r.url.includes("/antrag/status/");
    const withFile = r.url.includes(":fileId");
    // Mixing one's own case or status link with another case's file id only means something where a file id is in the URL.
    const attempts = isStaff ? staffAttempts : isStatus ? [...statusAttempts, ...(withFile ? mixedAttempts : [])] : citizenAttempts.filter((a) => withFile || !a.caseId);
    for (const a of attempts) {
      const url = r.url.replace(/:([A-Za-z_]+)/g, (_, name: string) => {
        if (name === "tenant") return a.slug;
        if (name === "token") return a.token ?? tampered(a.victim.token ?? "x.y");
        if (name === "id" || name === "caseId") return a.caseId ?? a.victim.kase.id;
        if (name === "fileId") return r.url.includes("antragsdateien") ? a.victim.applicationFileId ?? "0190f0f0-0000-7000-8000-000000000000" : a.victim.bescheidId;
        return "0190f0f0-0000-7000-8000-000000000000";
      });
      const label = `${a.who}: ${r.method} ${url}`;
      const headers: Record<string, string> = a.session ? { cookie: a.session.cookie } : {};
      let res: LightMyRequestResponse;
      if (r.method === "GET") {
        res = await t.app.inject({ url, headers });
      } else if (!r.csrf) {
        // Multipart answer forms: the token first, a document attached, as the real form sends them.
        const body = multipart({ _csrf: a.session?.csrf ?? anonymousCsrf(url), antwort: "Fremde Antwort" }, [{ field: "dokumente", ...sampleFileFor(["application/pdf"]) }]);
        res = await t.app.inject({ method: "POST", url, headers: { ...headers, ...body.headers }, payload: body.payload });
      } else {
        const caseIds = [a.caseId ?? a.victim.kase.id];
        res = await t.app.inject({ method: r.method as "POST", url, headers: { ...headers, "content-type": "application/x-www-form-urlencoded" }, payload: form({ _csrf: a.session?.csrf ?? anonymousCsrf(url), to: "abgelehnt", version: String(a.victim.kase.version), text: "x", assignee: "", notiz: "fremd", ids: caseIds }) });
      }
      requests++;
      walked.set(`${r.method} ${r.url}`, (walked.get(`${r.method} ${r.url}`) ?? 0) + 1);
      if (a.member && r.method === "GET" && r.url === "/:tenant/verwaltung/vorgaenge") {
        assert.equal(res.statusCode, 200, label);
        assertNoData(res, label, a.victim);
      } else if (a.member && r.method === "POST" && r.url === "/:tenant/verwaltung/vorgaenge/zuweisen") {
        assert.equal(res.statusCode, 303, label);
        assert.match(String(res.headers.location), /zugewiesen=0$/, `${label}: nothing assigned`);
      } else if (isStaff && r.method === "POST" && !a.session) {
        assert.equal(res.statusCode, 403, label);
      } else {
        assertRefused(res, label, a.victim);
      }
    }
  }
  assert.deepEqual(all.filter((r) => !walked.has(`${r.method} ${r.url}`)).map((r) => `${r.method} ${r.url}`), [], "every route was tried");
  assert.deepEqual(await snapshot(), before, "no case, message, file, note, assignment or audit entry changed");

  // Controls: the same URLs answer the ones entitled to them, so the refusals above are not an artefact of wrong URLs.
  let controls = 0;
  for (const r of all.filter((x) => x.method === "GET" && /:(id|caseId|token)\b/.test(x.url))) {
    const who = r.url.includes("/verwaltung/") ? { cookie: ordnung.cookie, a: erikaCase } : r.url.includes("/mein-rathaus/") ? { cookie: erika.cookie, a: erikaCase } : { cookie: undefined, a: anonCase };
    if (r.url.includes("antragsdateien")) continue;
    const url = r.url.replace(/:([A-Za-z_]+)/g, (_, name: string) => (name === "tenant" ? "usingen" : name === "token" ? who.a.token! : name === "fileId" ? (r.url.includes("antragsdateien") ? who.a.applicationFileId! : who.a.bescheidId) : who.a.kase.id));
    const res = await get(url, who.cookie);
    assert.equal(res.statusCode, 200, `control: ${r.method} ${url}`);
    controls++;
  }
  assert.ok(controls >= 5, `controls: ${controls}`);
  tc.diagnostic(`walk: ${all.length} routes, ${requests} requests`);
  console.log(`# cases route walk: ${all.length} routes (${names.join(", ")}), ${requests} requests refused`);
});

test("a citizen cannot reach another citizen's case, file or Bescheid by changing ids; the owners can", async () => {
  const e = erikaCase;
  const firstRead = () => t.ctx.db.kysely.selectFrom("case_files").select(["id", "first_read_at"]).where("case_id", "in", [e.kase.id, maxCase.kase.id, anonCase.kase.id]).orderBy("id").execute();
  const readBefore = await firstRead();
  const page = (a: Applied) => `/usingen/dienste/${SERVICE}/antrag/${a.draftId}/eingang`;
  for (const url of [page(e), `${page(e)}/quittung.pdf`, `/usingen/mein-rathaus/vorgaenge/${e.kase.id}/dateien/${e.bescheidId}`, `/usingen/mein-rathaus/vorgaenge/${e.kase.id}/dateien/${e.answerFileId}`, `/usingen/mein-rathaus/vorgaenge/${maxCase.kase.id}/dateien/${e.bescheidId}`, `/usingen/mein-rathaus/vorgaenge/${anonCase.kase.id}/dateien/${anonCase.bescheidId}`]) {
    assertRefused(await get(url, max.cookie), `max: GET ${url}`, e);
  }
  assert.deepEqual(await firstRead(), readBefore, "refused attempts record no first read of a Bescheid");

  // The owners: Erika's page shows her case; her Bescheid downloads; Max sees his own, not hers.
  const own = await get(page(e), erika.cookie);
  assert.equal(own.statusCode, 200);
  assert.ok(own.body.includes(e.kase.reference) && own.body.includes("Bescheid: Abgeschlossen"));
  const bescheid = await get(`/usingen/mein-rathaus/vorgaenge/${e.kase.id}/dateien/${e.bescheidId}`, erika.cookie);
  assert.equal(bescheid.statusCode, 200);
  assert.equal(bescheid.rawPayload.subarray(0, 5).toString(), "%PDF-");
  const maxPage = await get(page(maxCase), max.cookie);
  assert.equal(maxPage.statusCode, 200);
  assert.ok(maxPage.body.includes(maxCase.kase.reference) && !maxPage.body.includes(e.kase.reference));
  assert.equal((await get(`/usingen/mein-rathaus/vorgaenge/${maxCase.kase.id}/dateien/${maxCase.bescheidId}`, max.cookie)).statusCode, 200);

  // Status links: the holder sees the case; a tampered link, or one moved to another municipality, is unknown.
  const a = anonCase;
  const status = await get(`/usingen/antrag/status/${a.token}`);
  assert.equal(status.statusCode, 200);
  assert.ok(status.body.includes(a.kase.reference));
  assert.equal((await get(`/usingen/antrag/status/${a.token}/dateien/${a.bescheidId}`)).statusCode, 200);
  for (const url of [`/usingen/antrag/status/${tampered(a.token!)}`, `/usingen/antrag/status/${tampered(a.token!)}/dateien/${a.bescheidId}`, `/usingen/antrag/status/${a.token}x`, `/usingen/antrag/status/${a.token!.split(".")[0]}`, `/neu-anspach/antrag/status/${a.token}`]) {
    const res = await get(url);
    assert.equal(res.statusCode, 404, url);
    assertNoData(res, url, a);
  }
});

test("the processing department downloads the application's uploads", async () => {
  assert.ok(erikaCase.applicationFileId, "the application has an uploaded photo");
  const ordnung = await loginStaff(t.app, "ordnungsamt@usingen.example", worker("ordnungsamt@usingen.example").password);
  const res = await get(`/usingen/verwaltung/vorgaenge/${erikaCase.kase.id}/antragsdateien/${erikaCase.applicationFileId}`, ordnung.cookie);
  assert.equal(res.statusCode, 200);
  assert.equal(res.headers["content-type"], "image/jpeg");
});

/** Everything the walk could have changed about the four cases, and the audit entries about them. */
async function snapshot() {
  const ids = [erikaCase, maxCase, anonCase, naCase].map((a) => a.kase.id);
  const k = t.ctx.db.kysely;
  const [cases, events, messages, files, notes, audit] = await Promise.all([
    k.selectFrom("cases").select(["id", "status", "version", "assignee_id", "updated_at"]).where("id", "in", ids).orderBy("id").execute(),
    k.selectFrom("case_events").select((eb) => eb.fn.countAll<number>().as("n")).where("case_id", "in", ids).executeTakeFirstOrThrow(),
    k.selectFrom("case_messages").select((eb) => eb.fn.countAll<number>().as("n")).where("case_id", "in", ids).executeTakeFirstOrThrow(),
    k.selectFrom("case_files").select(["id", "first_read_at"]).where("case_id", "in", ids).orderBy("id").execute(),
    k.selectFrom("case_notes").select((eb) => eb.fn.countAll<number>().as("n")).where("case_id", "in", ids).executeTakeFirstOrThrow(),
    k.selectFrom("audit_log").select((eb) => eb.fn.countAll<number>().as("n")).where("object_id", "in", ids).executeTakeFirstOrThrow(),
  ]);
  return { cases, events: Number(events.n), messages: Number(messages.n), files, notes: Number(notes.n), audit: Number(audit.n) };
}
