import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { parseCalendarDate, parseClockTime } from "../../platform/dates.js";
import { h } from "../../platform/ui/jsx.js";
import type { AppContext } from "../../platform/context.js";
import type { Tenant } from "../../platform/tenancy.js";
import type { Child } from "../../platform/ui/jsx.js";
import type { Crumb } from "../../platform/ui/layout.js";
import { sendPage } from "../../platform/http/pages.js";
import { HttpError, notFound } from "../../platform/http/errors.js";
import { staffOnly } from "../../platform/auth/guards.js";
import { readMultipartForm } from "../../platform/http/multipart.js";
import { berlinToInstant } from "../../platform/clock.js";
import { ErrorSummary, type FieldErrors } from "../../platform/ui/forms.js";
import { CouncilRuleError, MAX_FILE_BYTES, RESULTS, type CouncilService, type Result } from "./service.js";
import type { AttendanceStatus, ConsultationRole, FactionVote, FileOwnerType, FileRole, MeetingRow, PaperRow, PaperState, PaperType } from "./store.js";
import { renderInvitationPdf } from "./invitation-pdf.js";
import { ConfirmPage, DescriptionList, staffBase } from "./views/staff/common.js";
import { StartPage } from "./views/staff/home.js";
import { CONSULTATION_ROWS, NewPaperPage, PaperListPage, PaperPage, emptyPaperForm, type PaperFormValues } from "./views/staff/papers.js";
import { AttendancePage, DecisionPage, InvitationPreview, MeetingListPage, MeetingPage, NewMeetingPage, type DecisionValues, type MeetingFormValues } from "./views/staff/meetings.js";
import { BodiesPage, NewPersonPage, PersonPage, PersonsPage, SettingsPage, type PersonFormValues } from "./views/staff/masterdata.js";
import { MemberPage, type MemberBody } from "./views/staff/member.js";

type TP = { Params: { tenant: string } };
type IP = { Params: { tenant: string; id: string } };
type Form = Record<string, unknown>;

const str = (v: unknown) => (typeof v === "string" ? v : Array.isArray(v) && typeof v[0] === "string" ? v[0] : "");
/** Service messages that mean "someone changed this meanwhile": 409, not 422. */
const STALE = /hat sich geändert|bereits veröffentlicht|schon beraten|abgeschlossen/;

/** TT.MM.JJJJ or JJJJ-MM-TT → JJJJ-MM-TT, or null when it is no real date (platform/dates.ts). */
export function parseDate(s: string): string | null {
  return parseCalendarDate(s, { minYear: 1900 }) ?? null;
}

/** SS:MM → [hour, minute], or null. */
export function parseTime(s: string): [number, number] | null {
  return parseClockTime(s) ?? null;
}

/**
 * The Sitzungsdienst's pages under /{slug}/verwaltung/rat/ (papers, meetings and agendas, the
 * steps after a meeting, bodies and persons, settings) and the council member's "Meine Gremien"
 * page. Thin: parse, authorise, call the service, render; the rules are in service.ts.
 */
export function registerStaffRoutes(app: FastifyInstance, ctx: AppContext, council: CouncilService): void {
  const sd = staffOnly({ tenant: true, role: "sitzungsdienst" });
  const member = staffOnly({ tenant: true, role: "mandatstraeger" });
  const store = council.store;
  const tenantOf = (req: FastifyRequest): Tenant => {
    if (!req.tenant) throw notFound("Diese Kommune");
    return req.tenant;
  };
  const actor = (req: FastifyRequest) => ({ id: req.staff!.id });
  const csrf = (req: FastifyRequest) => req.session!.csrfToken;
  const crumbs = (t: Tenant, ...rest: Crumb[]): Crumb[] => [{ label: "Verwaltung", href: `/${t.slug}/verwaltung/` }, { label: "Sitzungsdienst", href: staffBase(t) }, ...rest];
  const page = (req: FastifyRequest, reply: FastifyReply, t: Tenant, title: string, trail: Crumb[], body: Child, status = 200) =>
    sendPage(ctx, req, reply, { title: status >= 400 ? `Fehler: ${title}` : title, tenant: t, area: "staff", breadcrumbs: crumbs(t, ...trail), status }, body);
  const back = (reply: FastifyReply, url: string) => reply.redirect(url, 303);
  const notice = (q: unknown) => {
    const v = str((q as Record<string, unknown>).hinweis);
    return ({ gespeichert: "Gespeichert.", vorgelegt: "Die Vorlage liegt zur Freigabe vor.", freigegeben: "Die Vorlage ist freigegeben.", entwurf: "Die Vorlage ist wieder ein Entwurf.", hochgeladen: "Die Datei ist hochgeladen. Ihr Text wird im Hintergrund erkannt.", entfernt: "Entfernt.", zurueckgezogen: "Zurückgezogen.", veroeffentlicht: "Veröffentlicht.", abgesagt: "Die Sitzung ist abgesagt." } as Record<string, string>)[v];
  };
  /** Runs a service call; a broken workflow rule comes back as a message and a status (422, or 409 for a stale state). */
  const attempt = async <T,>(req: FastifyRequest, fn: () => Promise<T>): Promise<{ ok: true; value: T } | { ok: false; message: string; status: number }> => {
    try {
      return { ok: true, value: await fn() };
    } catch (e) {
      if (!(e instanceof CouncilRuleError)) throw e;
      req.log.info({ rule: e.message, url: req.url }, "council: change refused by a workflow rule");
      return { ok: false, message: e.message, status: STALE.test(e.message) ? 409 : 422 };
    }
  };
  const paperOf = async (req: FastifyRequest<IP>) => {
    const t = tenantOf(req);
    const paper = await store.paper(t.id, req.params.id);
    if (!paper || paper.deleted_at) throw notFound("Diese Vorlage");
    return { t, paper };
  };
  const meetingOf = async (req: FastifyRequest<IP>) => {
    const t = tenantOf(req);
    const meeting = await store.meeting(t.id, req.params.id);
    if (!meeting || meeting.deleted_at) throw notFound("Diese Sitzung");
    return { t, meeting };
  };
  const bodiesFor = async (t: Tenant) => (await store.organizations(t.id)).filter((o) => !o.deleted_at);
  const orgNames = async (t: Tenant) => new Map((await store.organizations(t.id)).map((o) => [o.id, o.name]));
  const P = (t: Tenant) => `${staffBase(t)}/vorlagen`;
  const M = (t: Tenant) => `${staffBase(t)}/sitzungen`;

  // ---- start page ----------------------------------------------------------------------------

  app.get<TP>("/:tenant/verwaltung/rat", { preHandler: sd }, async (req, reply) => {
    const t = tenantOf(req);
    const now = ctx.clock.now().toISOString();
    const [forApproval, meetings, names] = await Promise.all([store.papers(t.id, { state: "freigabe" }), store.meetingsNeedingWork(t.id, now), orgNames(t)]);
    return page(req, reply, t, "Sitzungsdienst", [], <StartPage tenant={t} forApproval={forApproval} orgNames={names}
      toPublish={meetings.filter((m) => !m.published_at)}
      withoutResults={meetings.filter((m) => m.state === "eingeladen" && m.start_at < now)}
      resultsToPublish={meetings.filter((m) => m.state === "durchgefuehrt")} />);
  });

  // ---- papers --------------------------------------------------------------------------------

  const paperForm = (body: Form): PaperFormValues => {
    const consultations: PaperFormValues["consultations"] = [];
    for (let i = 1; i <= CONSULTATION_ROWS; i++) {
      const organizationId = str(body[`gremium${i}`]);
      consultations.push({ organizationId, role: str(body[`rolle${i}`]) });
    }
    return { name: str(body.name).slice(0, 500), paperType: str(body.paperType), underDirectionOf: str(body.underDirectionOf).slice(0, 200), bodyText: str(body.bodyText).slice(0, 100_000), consultations };
  };
  const paperInput = (v: PaperFormValues) => ({
    name: v.name,
    paperType: v.paperType as PaperType,
    bodyText: v.bodyText,
    underDirectionOf: v.underDirectionOf.trim() || null,
    consultations: v.consultations.filter((c) => c.organizationId).map((c) => ({ organizationId: c.organizationId, role: c.role as ConsultationRole })),
  });
  const paperField = (message: string) => (/Betreff/.test(message) ? "name" : /Vorlagenart/.test(message) ? "paperType" : /Beratungsfolge|Gremium|Beratung/.test(message) ? "gremium1" : /Datei/.test(message) ? "datei" : "aktionen");

  app.get<TP & { Querystring: Record<string, string | undefined> }>("/:tenant/verwaltung/rat/vorlagen", { preHandler: sd }, async (req, reply) => {
    const t = tenantOf(req);
    const raw = str(req.query.stand);
    const state = (["entwurf", "freigabe", "freigegeben"] as const).find((s) => s === raw) ?? "";
    const q = str(req.query.q).trim().slice(0, 100);
    const papers = await store.papers(t.id, { ...(state ? { state } : {}), ...(q ? { q } : {}) });
    return page(req, reply, t, "Vorlagen", [{ label: "Vorlagen" }], <PaperListPage tenant={t} papers={papers} state={state as PaperState | ""} q={q} notice={notice(req.query)} />);
  });

  app.get<TP>("/:tenant/verwaltung/rat/vorlagen/neu", { preHandler: sd }, async (req, reply) => {
    const t = tenantOf(req);
    return page(req, reply, t, "Neue Vorlage", [{ label: "Vorlagen", href: P(t) }, { label: "Neu" }], <NewPaperPage tenant={t} csrf={csrf(req)} values={emptyPaperForm()} errors={{}} bodies={(await bodiesFor(t)).filter((o) => o.kind !== "fraktion")} />);
  });

  app.post<TP & { Body: Form }>("/:tenant/verwaltung/rat/vorlagen", { preHandler: sd, bodyLimit: 256 * 1024 }, async (req, reply) => {
    const t = tenantOf(req);
    const values = paperForm(req.body);
    const r = await attempt(req, () => council.createPaper(t.id, paperInput(values), actor(req)));
    if (r.ok) return back(reply, `${P(t)}/${r.value.id}?hinweis=gespeichert`);
    return page(req, reply, t, "Neue Vorlage", [{ label: "Vorlagen", href: P(t) }, { label: "Neu" }], <NewPaperPage tenant={t} csrf={csrf(req)} values={values} errors={{ [paperField(r.message)]: r.message }} bodies={(await bodiesFor(t)).filter((o) => o.kind !== "fraktion")} />, r.status);
  });

  const renderPaper = async (req: FastifyRequest, reply: FastifyReply, t: Tenant, paper: PaperRow, opts: { errors?: FieldErrors; values?: PaperFormValues; status?: number } = {}) => {
    const [consultations, files, bodies] = await Promise.all([store.consultationsOfPaper(t.id, paper.id), store.filesOf(t.id, "paper", [paper.id]), bodiesFor(t)]);
    const names = new Map(bodies.map((o) => [o.id, o.name]));
    const meetings = new Map((await store.meetingsByIds(t.id, consultations.flatMap((c) => (c.meeting_id ? [c.meeting_id] : [])))).map((m) => [m.id, m]));
    const values = opts.values ?? { name: paper.name, paperType: paper.paper_type, underDirectionOf: paper.under_direction_of ?? "", bodyText: paper.body_text, consultations: consultations.map((c) => ({ organizationId: c.organization_id, role: c.role })) };
    return page(req, reply, t, `Vorlage ${paper.reference}`, [{ label: "Vorlagen", href: P(t) }, { label: paper.reference }],
      <PaperPage tenant={t} csrf={csrf(req)} paper={paper} bodies={bodies.filter((o) => o.kind !== "fraktion")} values={values} errors={opts.errors ?? {}} notice={notice(req.query)}
        files={files.filter((f) => !f.deleted_at)}
        consultations={consultations.map((c) => {
          const m = c.meeting_id ? meetings.get(c.meeting_id) : undefined;
          return { ...c, organizationName: names.get(c.organization_id) ?? "–", meetingHref: m ? `${M(t)}/${m.id}` : undefined, meetingLabel: m ? m.name : undefined };
        })} />, opts.status);
  };

  app.get<IP>("/:tenant/verwaltung/rat/vorlagen/:id", { preHandler: sd }, async (req, reply) => {
    const { t, paper } = await paperOf(req);
    return renderPaper(req, reply, t, paper);
  });

  app.post<IP & { Body: Form }>("/:tenant/verwaltung/rat/vorlagen/:id", { preHandler: sd, bodyLimit: 256 * 1024 }, async (req, reply) => {
    const { t, paper } = await paperOf(req);
    const values = paperForm(req.body);
    const r = await attempt(req, () => council.updatePaper(t.id, paper.id, paperInput(values), actor(req)));
    if (r.ok) return back(reply, `${P(t)}/${paper.id}?hinweis=gespeichert`);
    return renderPaper(req, reply, t, (await store.paper(t.id, paper.id)) ?? paper, { errors: { [paperField(r.message)]: r.message }, values, status: r.status });
  });

  const paperAction = (path: string, run: (t: string, id: string, a: { id: string }) => Promise<void>, done: string) =>
    app.post<IP>(`/:tenant/verwaltung/rat/vorlagen/:id/${path}`, { preHandler: sd, bodyLimit: 8 * 1024 }, async (req, reply) => {
      const { t, paper } = await paperOf(req);
      const r = await attempt(req, () => run(t.id, paper.id, actor(req)));
      if (r.ok) return back(reply, `${P(t)}/${paper.id}?hinweis=${done}`);
      return renderPaper(req, reply, t, (await store.paper(t.id, paper.id)) ?? paper, { errors: { aktionen: r.message }, status: r.status });
    });
  paperAction("vorlegen", (t, id, a) => council.submitForApproval(t, id, a), "vorgelegt");
  paperAction("freigeben", (t, id, a) => council.approve(t, id, a), "freigegeben");
  paperAction("zurueck", (t, id, a) => council.returnToDraft(t, id, a), "entwurf");

  app.get<IP>("/:tenant/verwaltung/rat/vorlagen/:id/zurueckziehen", { preHandler: sd }, async (req, reply) => {
    const { t, paper } = await paperOf(req);
    return page(req, reply, t, "Vorlage zurückziehen", [{ label: "Vorlagen", href: P(t) }, { label: paper.reference, href: `${P(t)}/${paper.id}` }, { label: "Zurückziehen" }],
      <ConfirmPage title={`Vorlage ${paper.reference} zurückziehen?`} csrf={csrf(req)} action={`${P(t)}/${paper.id}/zurueckziehen`} button="Vorlage endgültig zurückziehen" cancelHref={`${P(t)}/${paper.id}`}
        intro={paper.published_at ? "Die Vorlage ist öffentlich. Nach dem Zurückziehen verschwindet sie mit ihren Dateien aus Portal und Suche; in OParl bleibt ein Eintrag „gelöscht“." : "Die Vorlage und ihre Dateien werden entfernt. Das lässt sich nicht rückgängig machen."}>
        <DescriptionList rows={[["Betreff", paper.name], ["Stand", paper.state]]} />
      </ConfirmPage>);
  });
  app.post<IP>("/:tenant/verwaltung/rat/vorlagen/:id/zurueckziehen", { preHandler: sd, bodyLimit: 8 * 1024 }, async (req, reply) => {
    const { t, paper } = await paperOf(req);
    await council.withdrawPaper(t.id, paper.id, actor(req));
    return back(reply, `${P(t)}?hinweis=zurueckgezogen`);
  });

  // ---- files (papers and meeting minutes) -----------------------------------------------------

  /** Reads an upload (multipart, _csrf first); returns the file or a message for the "datei" field. */
  const readUpload = async (req: FastifyRequest): Promise<{ ok: true; data: Buffer; fileName: string; title: string; role: string } | { ok: false; message: string; status: number }> => {
    const { fields, files } = await readMultipartForm(ctx, req, { fileSize: MAX_FILE_BYTES, files: 1, fields: 10 });
    const f = files.find((x) => x.field === "datei");
    if (!f) return { ok: false, message: "Bitte wählen Sie eine PDF-Datei aus.", status: 422 };
    if (f.truncated) return { ok: false, message: `Die Datei ist größer als ${MAX_FILE_BYTES / 1024 / 1024} MB. Bitte verkleinern Sie sie.`, status: 413 };
    return { ok: true, data: f.data, fileName: f.fileName, title: str(fields.titel).slice(0, 200), role: str(fields.rolle) };
  };

  // CSRF is checked by readMultipartForm from the first field (the body is a stream, not parsed before the handler).
  app.post<IP>("/:tenant/verwaltung/rat/vorlagen/:id/dateien", { preHandler: sd, config: { csrf: false }, bodyLimit: MAX_FILE_BYTES + 64 * 1024 }, async (req, reply) => {
    const { t, paper } = await paperOf(req);
    const up = await readUpload(req);
    const r = up.ok
      ? await attempt(req, () => council.addFile(t.id, { ownerType: "paper", ownerId: paper.id, role: (up.role === "auxiliary" ? "auxiliary" : "main") satisfies FileRole, name: up.title, fileName: up.fileName, data: up.data }, actor(req)))
      : up;
    if (r.ok) return back(reply, `${P(t)}/${paper.id}?hinweis=hochgeladen#dateien`);
    return renderPaper(req, reply, t, paper, { errors: { datei: r.message }, status: r.status });
  });

  const fileOf = async (req: FastifyRequest<{ Params: { tenant: string; fileId: string } }>) => {
    const t = tenantOf(req);
    const file = await store.file(t.id, req.params.fileId);
    if (!file || file.deleted_at) throw notFound("Diese Datei");
    return { t, file };
  };
  const ownerHref = async (t: Tenant, type: FileOwnerType, id: string) => {
    if (type === "paper") return `${P(t)}/${id}`;
    if (type === "meeting") return `${M(t)}/${id}`;
    const item = await store.agendaItem(t.id, id);
    return item ? `${M(t)}/${item.meeting_id}` : staffBase(t);
  };
  app.get<{ Params: { tenant: string; fileId: string } }>("/:tenant/verwaltung/rat/dateien/:fileId", { preHandler: sd }, async (req, reply) => {
    const { file } = await fileOf(req);
    return reply.header("cache-control", "private, no-store").header("content-disposition", `attachment; filename="${file.file_name.replace(/[^\w.-]/g, "_")}"`).header("x-content-type-options", "nosniff").type("application/pdf").send(await ctx.storage.read(file.storage_key));
  });
  app.post<{ Params: { tenant: string; fileId: string } }>("/:tenant/verwaltung/rat/dateien/:fileId/entfernen", { preHandler: sd, bodyLimit: 8 * 1024 }, async (req, reply) => {
    const { t, file } = await fileOf(req);
    await council.removeFile(t.id, file.id, actor(req));
    return back(reply, `${await ownerHref(t, file.owner_type, file.owner_id)}?hinweis=entfernt`);
  });

  // ---- meetings ------------------------------------------------------------------------------

  app.get<TP & { Querystring: Record<string, string | undefined> }>("/:tenant/verwaltung/rat/sitzungen", { preHandler: sd }, async (req, reply) => {
    const t = tenantOf(req);
    const now = ctx.clock.now().toISOString();
    const [upcoming, past, names] = await Promise.all([store.meetings(t.id, { from: now, limit: 100 }), store.meetings(t.id, { to: now, descending: true, limit: 50 }), orgNames(t)]);
    return page(req, reply, t, "Sitzungen", [{ label: "Sitzungen" }], <MeetingListPage tenant={t} upcoming={upcoming} past={past} orgNames={names} notice={notice(req.query)} />);
  });

  const meetingBodies = async (t: Tenant) => (await bodiesFor(t)).filter((o) => o.kind !== "fraktion");
  const renderNewMeeting = async (req: FastifyRequest, reply: FastifyReply, t: Tenant, values: MeetingFormValues, errors: FieldErrors, status = 200) =>
    page(req, reply, t, "Neue Sitzung", [{ label: "Sitzungen", href: M(t) }, { label: "Neu" }], <NewMeetingPage tenant={t} csrf={csrf(req)} values={values} errors={errors} bodies={await meetingBodies(t)} locations={await store.locations(t.id)} />, status);

  app.get<TP>("/:tenant/verwaltung/rat/sitzungen/neu", { preHandler: sd }, async (req, reply) =>
    renderNewMeeting(req, reply, tenantOf(req), { organizationId: "", name: "", date: "", start: "", end: "", locationId: "" }, {}));

  app.post<TP & { Body: Form }>("/:tenant/verwaltung/rat/sitzungen", { preHandler: sd, bodyLimit: 16 * 1024 }, async (req, reply) => {
    const t = tenantOf(req);
    const b = req.body;
    const v: MeetingFormValues = { organizationId: str(b.organizationId), name: str(b.name).slice(0, 200), date: str(b.date).slice(0, 20), start: str(b.start).slice(0, 10), end: str(b.end).slice(0, 10), locationId: str(b.locationId) };
    const errors: FieldErrors = {};
    const date = parseDate(v.date);
    const start = parseTime(v.start);
    const end = v.end.trim() ? parseTime(v.end) : undefined;
    if (!v.organizationId) errors.organizationId = "Bitte wählen Sie ein Gremium.";
    if (!date) errors.date = "Bitte geben Sie das Datum im Format TT.MM.JJJJ an, z. B. 08.12.2026.";
    if (!start) errors.start = "Bitte geben Sie den Beginn als Uhrzeit SS:MM an, z. B. 18:00.";
    if (end === null) errors.end = "Bitte geben Sie das Ende als Uhrzeit SS:MM an oder lassen Sie das Feld leer.";
    if (v.locationId && !(await store.location(t.id, v.locationId))) errors.locationId = "Bitte wählen Sie einen Ort aus der Liste.";
    if (Object.keys(errors).length) {
      req.log.info({ fields: Object.keys(errors) }, "council: meeting form refused");
      return renderNewMeeting(req, reply, t, v, errors, 422);
    }
    const startAt = berlinToInstant(date!, start![0], start![1]).toISOString();
    const endAt = end ? berlinToInstant(date!, end[0], end[1]).toISOString() : null;
    const r = await attempt(req, () => council.createMeeting(t.id, { organizationId: v.organizationId, name: v.name, startAt, endAt, locationId: v.locationId || null }, actor(req)));
    if (r.ok) return back(reply, `${M(t)}/${r.value.id}?hinweis=gespeichert`);
    return renderNewMeeting(req, reply, t, v, { [/Gremium|Fraktion/.test(r.message) ? "organizationId" : /Ende/.test(r.message) ? "end" : "date"]: r.message }, r.status);
  });

  const renderMeeting = async (req: FastifyRequest, reply: FastifyReply, t: Tenant, meeting: MeetingRow, opts: { errors?: FieldErrors; values?: Record<string, string>; status?: number } = {}) => {
    const [org, items, files, candidates] = await Promise.all([store.organization(t.id, meeting.organization_id), store.agendaItems(t.id, meeting.id), store.filesOf(t.id, "meeting", [meeting.id]), store.agendaCandidates(t.id, meeting.organization_id)]);
    const location = meeting.location_id ? await store.location(t.id, meeting.location_id) : undefined;
    const refs = new Map((await store.papersByIds(t.id, items.flatMap((i) => (i.paper_id ? [i.paper_id] : [])))).map((p) => [p.id, p.reference]));
    return page(req, reply, t, meeting.name, [{ label: "Sitzungen", href: M(t) }, { label: meeting.name }],
      <MeetingPage tenant={t} csrf={csrf(req)} meeting={meeting} organization={org} location={location} candidates={candidates} files={files.filter((f) => !f.deleted_at)}
        items={items.map((i) => ({ ...i, paperReference: i.paper_id ? refs.get(i.paper_id) : undefined }))} errors={opts.errors ?? {}} values={opts.values ?? {}} notice={notice(req.query)} />, opts.status);
  };

  app.get<IP>("/:tenant/verwaltung/rat/sitzungen/:id", { preHandler: sd }, async (req, reply) => {
    const { t, meeting } = await meetingOf(req);
    return renderMeeting(req, reply, t, meeting);
  });

  app.post<IP & { Body: Form }>("/:tenant/verwaltung/rat/sitzungen/:id/punkte", { preHandler: sd, bodyLimit: 16 * 1024 }, async (req, reply) => {
    const { t, meeting } = await meetingOf(req);
    const consultationId = str(req.body.consultationId);
    const title = str(req.body.title).slice(0, 500);
    const isPublic = str(req.body.public) === "1";
    const r = await attempt(req, () => council.addAgendaItem(t.id, meeting.id, consultationId ? { consultationId, public: isPublic } : { name: title, public: isPublic }, actor(req)));
    if (r.ok) return back(reply, `${M(t)}/${meeting.id}?hinweis=gespeichert#tagesordnung`);
    return renderMeeting(req, reply, t, meeting, { errors: { [consultationId ? "vorlagen" : "title"]: r.message }, values: { title, public: isPublic ? "1" : "0" }, status: r.status });
  });

  const itemAction = (path: string, run: (t: string, itemId: string, a: { id: string }) => Promise<void>) =>
    app.post<{ Params: { tenant: string; id: string; itemId: string } }>(`/:tenant/verwaltung/rat/sitzungen/:id/punkte/:itemId/${path}`, { preHandler: sd, bodyLimit: 8 * 1024 }, async (req, reply) => {
      const { t, meeting } = await meetingOf(req);
      const item = await store.agendaItem(t.id, req.params.itemId);
      if (!item || item.meeting_id !== meeting.id || item.deleted_at) throw notFound("Dieser Tagesordnungspunkt");
      const r = await attempt(req, () => run(t.id, item.id, actor(req)));
      if (r.ok) return back(reply, `${M(t)}/${meeting.id}#tagesordnung`);
      return renderMeeting(req, reply, t, meeting, { errors: { tagesordnung: r.message }, status: r.status });
    });
  itemAction("hoch", (t, id, a) => council.moveAgendaItem(t, id, "up", a));
  itemAction("runter", (t, id, a) => council.moveAgendaItem(t, id, "down", a));
  itemAction("entfernen", (t, id, a) => council.removeAgendaItem(t, id, a));

  /** A confirmation page + its POST for a meeting step. */
  const meetingStep = (path: string, o: { title: string; button: string; intro: (m: MeetingRow) => string; preview?: (t: Tenant, m: MeetingRow) => Promise<Child>; run: (req: FastifyRequest, t: Tenant, m: MeetingRow) => Promise<void>; done: (t: Tenant, m: MeetingRow) => string }) => {
    const confirm = async (req: FastifyRequest, reply: FastifyReply, t: Tenant, m: MeetingRow, error?: { message: string; status: number }) =>
      page(req, reply, t, o.title, [{ label: "Sitzungen", href: M(t) }, { label: m.name, href: `${M(t)}/${m.id}` }, { label: o.title }],
        <ConfirmPage title={`${o.title}: ${m.name}`} intro={o.intro(m)} csrf={csrf(req)} action={`${M(t)}/${m.id}/${path}`} button={o.button} cancelHref={`${M(t)}/${m.id}`} errors={error ? <ErrorSummary errors={{ aktion: error.message }} /> : undefined}>
          {o.preview ? await o.preview(t, m) : null}
        </ConfirmPage>, error?.status);
    app.get<IP>(`/:tenant/verwaltung/rat/sitzungen/:id/${path}`, { preHandler: sd }, async (req, reply) => {
      const { t, meeting } = await meetingOf(req);
      return confirm(req, reply, t, meeting);
    });
    app.post<IP>(`/:tenant/verwaltung/rat/sitzungen/:id/${path}`, { preHandler: sd, bodyLimit: 8 * 1024 }, async (req, reply) => {
      const { t, meeting } = await meetingOf(req);
      const r = await attempt(req, () => o.run(req, t, meeting));
      if (r.ok) return back(reply, o.done(t, meeting));
      return confirm(req, reply, t, (await store.meeting(t.id, meeting.id)) ?? meeting, r);
    });
  };

  meetingStep("einladung", {
    title: "Einladung veröffentlichen",
    button: "Jetzt veröffentlichen",
    intro: () => "Mit der Einladung werden die Sitzung, ihre Tagesordnung und alle Vorlagen der öffentlichen Punkte sofort öffentlich – im Portal, in der Suche, in den Feeds und in OParl. Das lässt sich nur als sichtbarer Rückzug wieder aufheben.",
    preview: async (t, m) => {
      const items = await store.agendaItems(t.id, m.id);
      const refs = new Map((await store.papersByIds(t.id, items.flatMap((i) => (i.paper_id ? [i.paper_id] : [])))).map((p) => [p.id, p.reference]));
      return <InvitationPreview items={items} paperRefs={refs} />;
    },
    run: async (req, t, m) => {
      const [org, items] = await Promise.all([store.organization(t.id, m.organization_id), store.agendaItems(t.id, m.id)]);
      const locationId = m.location_id ?? org?.location_id;
      const location = locationId ? await store.location(t.id, locationId) : undefined;
      const pdf = await renderInvitationPdf({ municipality: `${t.kind} ${t.name}`, meeting: m, organization: org, location, items, createdAt: ctx.clock.now() });
      await council.publishInvitation(t.id, m.id, actor(req), pdf);
    },
    done: (t, m) => `${M(t)}/${m.id}?hinweis=veroeffentlicht`,
  });
  meetingStep("absagen", {
    title: "Sitzung absagen",
    button: "Sitzung absagen",
    intro: (m) => (m.published_at ? "Die Sitzung bleibt öffentlich sichtbar und wird als abgesagt gekennzeichnet." : "Die Sitzung wird als abgesagt gekennzeichnet."),
    run: (req, t, m) => council.cancelMeeting(t.id, m.id, actor(req)),
    done: (t, m) => `${M(t)}/${m.id}?hinweis=abgesagt`,
  });
  meetingStep("zurueckziehen", {
    title: "Sitzung zurückziehen",
    button: "Sitzung zurückziehen",
    intro: (m) => (m.published_at ? "Die Sitzung verschwindet aus Portal, Suche und Feeds; in OParl bleibt ein Eintrag „gelöscht“. Ihre Vorlagen kommen zurück auf die Liste des Gremiums und bleiben, wie sie sind." : "Die Sitzung wird entfernt; ihre Vorlagen kommen zurück auf die Liste des Gremiums."),
    run: (req, t, m) => council.withdrawMeeting(t.id, m.id, actor(req)),
    done: (t) => `${M(t)}?hinweis=zurueckgezogen`,
  });
  meetingStep("ergebnisse", {
    title: "Ergebnisse und Niederschrift veröffentlichen",
    button: "Ergebnisse und Niederschrift veröffentlichen",
    intro: () => "Öffentlich werden die Ergebnisse, Beschlusstexte und Abstimmungen der öffentlichen Tagesordnungspunkte und die Niederschrift. Ergebnisse nichtöffentlicher Punkte bleiben intern.",
    run: (req, t, m) => council.publishResults(t.id, m.id, actor(req)),
    done: (t, m) => `${M(t)}/${m.id}?hinweis=veroeffentlicht`,
  });

  // CSRF is checked by readMultipartForm from the first field.
  app.post<IP>("/:tenant/verwaltung/rat/sitzungen/:id/niederschrift", { preHandler: sd, config: { csrf: false }, bodyLimit: MAX_FILE_BYTES + 64 * 1024 }, async (req, reply) => {
    const { t, meeting } = await meetingOf(req);
    const up = await readUpload(req);
    const r = up.ok ? await attempt(req, () => council.addFile(t.id, { ownerType: "meeting", ownerId: meeting.id, role: "minutes", name: up.title || "Niederschrift", fileName: up.fileName, data: up.data }, actor(req))) : up;
    if (r.ok) return back(reply, `${M(t)}/${meeting.id}?hinweis=hochgeladen#niederschrift`);
    return renderMeeting(req, reply, t, meeting, { errors: { datei: r.message }, status: r.status });
  });

  // ---- after the meeting: attendance and decisions ---------------------------------------------

  /** Everyone with a membership in the meeting's body on the meeting day (Berlin). */
  const attendees = async (t: Tenant, m: MeetingRow) => {
    const day = new Intl.DateTimeFormat("sv-SE", { timeZone: "Europe/Berlin" }).format(new Date(m.start_at));
    const ms = (await store.membershipsOfOrganization(t.id, m.organization_id)).filter((x) => !x.deleted_at && (!x.start_date || x.start_date <= day) && (!x.end_date || x.end_date >= day));
    const ids = new Set(ms.map((x) => x.person_id));
    return (await store.persons(t.id)).filter((p) => ids.has(p.id) && !p.deleted_at);
  };
  const renderAttendance = async (req: FastifyRequest, reply: FastifyReply, t: Tenant, m: MeetingRow, chosen: Map<string, string> | undefined, errors: FieldErrors, status = 200) => {
    const recorded = new Map((await store.attendance(t.id, m.id)).map((a) => [a.person_id, a.status as string]));
    const persons = (await attendees(t, m)).map((p) => ({ id: p.id, name: `${p.title ? `${p.title} ` : ""}${p.given_name} ${p.family_name}`, status: chosen?.get(p.id) ?? recorded.get(p.id) ?? "" }));
    return page(req, reply, t, "Anwesenheit", [{ label: "Sitzungen", href: M(t) }, { label: m.name, href: `${M(t)}/${m.id}` }, { label: "Anwesenheit" }], <AttendancePage tenant={t} csrf={csrf(req)} meeting={m} persons={persons} errors={errors} />, status);
  };
  app.get<IP>("/:tenant/verwaltung/rat/sitzungen/:id/anwesenheit", { preHandler: sd }, async (req, reply) => {
    const { t, meeting } = await meetingOf(req);
    return renderAttendance(req, reply, t, meeting, undefined, {});
  });
  app.post<IP & { Body: Form }>("/:tenant/verwaltung/rat/sitzungen/:id/anwesenheit", { preHandler: sd, bodyLimit: 64 * 1024 }, async (req, reply) => {
    const { t, meeting } = await meetingOf(req);
    const persons = await attendees(t, meeting);
    const chosen = new Map(persons.map((p) => [p.id, str(req.body[`p-${p.id}`])]));
    const entries = [...chosen].filter(([, s]) => s).map(([personId, status]) => ({ personId, status: status as AttendanceStatus }));
    const r = await attempt(req, () => council.recordAttendance(t.id, meeting.id, entries, actor(req)));
    if (r.ok) return back(reply, `${M(t)}/${meeting.id}?hinweis=gespeichert`);
    return renderAttendance(req, reply, t, meeting, chosen, { [`p-${persons[0]?.id ?? ""}`]: r.message }, r.status);
  });

  type ItemParams = { Params: { tenant: string; id: string; itemId: string } };
  const itemOf = async (req: FastifyRequest<ItemParams>) => {
    const { t, meeting } = await meetingOf(req);
    const item = await store.agendaItem(t.id, req.params.itemId);
    if (!item || item.meeting_id !== meeting.id || item.deleted_at) throw notFound("Dieser Tagesordnungspunkt");
    return { t, meeting, item };
  };
  const factionsOf = async (t: Tenant) => (await bodiesFor(t)).filter((o) => o.kind === "fraktion");
  const renderDecision = async (req: FastifyRequest, reply: FastifyReply, t: Tenant, m: MeetingRow, item: Awaited<ReturnType<typeof itemOf>>["item"], values: DecisionValues, errors: FieldErrors, status = 200) =>
    page(req, reply, t, `Ergebnis ${item.number}`, [{ label: "Sitzungen", href: M(t) }, { label: m.name, href: `${M(t)}/${m.id}` }, { label: `Ergebnis ${item.number}` }],
      <DecisionPage tenant={t} csrf={csrf(req)} meeting={m} item={item} factions={await factionsOf(t)} values={values} errors={errors} />, status);

  app.get<ItemParams>("/:tenant/verwaltung/rat/sitzungen/:id/ergebnis/:itemId", { preHandler: sd }, async (req, reply) => {
    const { t, meeting, item } = await itemOf(req);
    const n = (x: number | null | undefined) => (x === null || x === undefined ? "" : String(x));
    const byFaction: FactionVote[] = item.votes_by_faction ? JSON.parse(item.votes_by_faction) : [];
    return renderDecision(req, reply, t, meeting, item, {
      result: item.result ?? "", resolutionText: item.resolution_text ?? "", yes: n(item.votes_yes), no: n(item.votes_no), abstain: n(item.votes_abstain),
      factions: Object.fromEntries(byFaction.map((f) => [f.faction, { yes: n(f.yes), no: n(f.no), abstain: n(f.abstain) }])),
    }, {});
  });

  app.post<ItemParams & { Body: Form }>("/:tenant/verwaltung/rat/sitzungen/:id/ergebnis/:itemId", { preHandler: sd, bodyLimit: 64 * 1024 }, async (req, reply) => {
    const { t, meeting, item } = await itemOf(req);
    const b = req.body;
    const factions = await factionsOf(t);
    const v: DecisionValues = {
      result: str(b.result), resolutionText: str(b.resolutionText).slice(0, 20_000), yes: str(b.yes).trim(), no: str(b.no).trim(), abstain: str(b.abstain).trim(),
      factions: Object.fromEntries(factions.map((f) => [f.id, { yes: str(b[`f-${f.id}-yes`]).trim(), no: str(b[`f-${f.id}-no`]).trim(), abstain: str(b[`f-${f.id}-abstain`]).trim() }])),
    };
    const errors: FieldErrors = {};
    const count = (s: string, field: string): number | null => {
      if (s === "") return null;
      if (!/^\d{1,4}$/.test(s)) {
        errors[field] ??= "Bitte geben Sie Stimmenzahlen als ganze Zahlen ab 0 an.";
        return null;
      }
      return Number(s);
    };
    if (!RESULTS.includes(v.result as Result)) errors.result = "Bitte wählen Sie ein Ergebnis.";
    const yes = count(v.yes, "yes");
    const no = count(v.no, "no");
    const abstain = count(v.abstain, "abstain");
    const byFaction: FactionVote[] = [];
    for (const f of factions) {
      const fv = v.factions[f.id]!;
      if (!fv.yes && !fv.no && !fv.abstain) continue; // an empty row: not recorded
      byFaction.push({ faction: f.id, yes: count(fv.yes, "fraktionen") ?? 0, no: count(fv.no, "fraktionen") ?? 0, abstain: count(fv.abstain, "fraktionen") ?? 0 });
    }
    if (Object.keys(errors).length) {
      req.log.info({ fields: Object.keys(errors) }, "council: decision form refused");
      return renderDecision(req, reply, t, meeting, item, v, errors, 422);
    }
    const r = await attempt(req, () => council.recordDecision(t.id, item.id, { result: v.result as Result, resolutionText: v.resolutionText, yes, no, abstain, byFaction }, actor(req)));
    if (r.ok) return back(reply, `${M(t)}/${meeting.id}?hinweis=gespeichert#top-${item.id}`);
    return renderDecision(req, reply, t, meeting, item, v, { [/Fraktionen/.test(r.message) ? "fraktionen" : /Stimmen/.test(r.message) ? "yes" : /Ergebnis/.test(r.message) ? "result" : "result"]: r.message }, r.status);
  });

  // ---- bodies, persons, memberships ---------------------------------------------------------------

  const renderBodies = async (req: FastifyRequest, reply: FastifyReply, t: Tenant, values: Record<string, string>, errors: FieldErrors, status = 200) =>
    page(req, reply, t, "Gremien und Personen", [{ label: "Gremien" }], <BodiesPage tenant={t} csrf={csrf(req)} bodies={await bodiesFor(t)} locations={await store.locations(t.id)} values={values} errors={errors} notice={notice(req.query)} />, status);
  app.get<TP>("/:tenant/verwaltung/rat/gremien", { preHandler: sd }, async (req, reply) => renderBodies(req, reply, tenantOf(req), {}, {}));
  app.post<TP & { Body: Form }>("/:tenant/verwaltung/rat/gremien", { preHandler: sd, bodyLimit: 16 * 1024 }, async (req, reply) => {
    const t = tenantOf(req);
    const v = { name: str(req.body.name).slice(0, 200), shortName: str(req.body.shortName).slice(0, 50), kind: str(req.body.kind), nonpublic: str(req.body.nonpublic) === "1" ? "1" : "", locationId: str(req.body.locationId) };
    const r = await attempt(req, () => council.addOrganization(t.id, { name: v.name, shortName: v.shortName, kind: v.kind as never, meetsPublicly: v.nonpublic !== "1", locationId: v.locationId || null }, actor(req)));
    if (r.ok) return back(reply, `${staffBase(t)}/gremien?hinweis=gespeichert`);
    return renderBodies(req, reply, t, v, { [/Namen/.test(r.message) ? "name" : /Art/.test(r.message) ? "kind" : "locationId"]: r.message }, r.status);
  });

  app.get<TP & { Querystring: Record<string, string | undefined> }>("/:tenant/verwaltung/rat/personen", { preHandler: sd }, async (req, reply) => {
    const t = tenantOf(req);
    return page(req, reply, t, "Personen", [{ label: "Gremien", href: `${staffBase(t)}/gremien` }, { label: "Personen" }], <PersonsPage tenant={t} persons={await store.persons(t.id)} notice={notice(req.query)} />);
  });

  const personForm = (b: Form): PersonFormValues => ({
    familyName: str(b.familyName).slice(0, 100), givenName: str(b.givenName).slice(0, 100), title: str(b.title).slice(0, 50), party: str(b.party).slice(0, 100), consent: str(b.consent) === "1",
    email: str(b.email).trim().slice(0, 200), phone: str(b.phone).slice(0, 50), life: str(b.life).slice(0, 5000), accountEmail: str(b.accountEmail).trim().toLowerCase().slice(0, 200),
  });
  /** Validates the form and finds the linked staff account (by e-mail, among this municipality's council members). */
  const personInput = async (t: Tenant, v: PersonFormValues): Promise<{ errors: FieldErrors; accountId: string | null }> => {
    const errors: FieldErrors = {};
    if (!v.familyName.trim()) errors.familyName = "Bitte geben Sie den Familiennamen ein.";
    if (!v.givenName.trim()) errors.givenName = "Bitte geben Sie den Vornamen ein.";
    if (v.email && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v.email)) errors.email = "Bitte geben Sie eine gültige E-Mail-Adresse an, z. B. name@beispiel.de.";
    let accountId: string | null = null;
    if (v.accountEmail) {
      const account = (await ctx.accounts.listForTenant(t.id)).find((a) => a.email.toLowerCase() === v.accountEmail);
      if (!account || !account.roles.includes("mandatstraeger")) errors.accountEmail = "Zu dieser E-Mail-Adresse gibt es in dieser Kommune kein Konto mit der Rolle Mandatsträgerin / Mandatsträger. Bitte lassen Sie die Rolle zuerst in der Personalverwaltung vergeben.";
      else accountId = account.id;
    }
    return { errors, accountId };
  };
  const personsCrumbs = (t: Tenant, label: string): Crumb[] => [{ label: "Gremien", href: `${staffBase(t)}/gremien` }, { label: "Personen", href: `${staffBase(t)}/personen` }, { label }];
  const emptyPerson: PersonFormValues = { familyName: "", givenName: "", title: "", party: "", consent: false, email: "", phone: "", life: "", accountEmail: "" };

  app.get<TP>("/:tenant/verwaltung/rat/personen/neu", { preHandler: sd }, async (req, reply) => {
    const t = tenantOf(req);
    return page(req, reply, t, "Neue Person", personsCrumbs(t, "Neu"), <NewPersonPage tenant={t} csrf={csrf(req)} values={emptyPerson} errors={{}} />);
  });
  app.post<TP & { Body: Form }>("/:tenant/verwaltung/rat/personen", { preHandler: sd, bodyLimit: 32 * 1024 }, async (req, reply) => {
    const t = tenantOf(req);
    const v = personForm(req.body);
    const { errors, accountId } = await personInput(t, v);
    const r = Object.keys(errors).length ? ({ ok: false, message: "", status: 422 } as const) : await attempt(req, () => council.savePerson(t.id, null, { ...v, accountId }, actor(req)));
    if (r.ok) return back(reply, `${staffBase(t)}/personen/${r.value}?hinweis=gespeichert`);
    if (r.message) errors[/Konto/.test(r.message) ? "accountEmail" : "familyName"] = r.message;
    return page(req, reply, t, "Neue Person", personsCrumbs(t, "Neu"), <NewPersonPage tenant={t} csrf={csrf(req)} values={v} errors={errors} />, r.status);
  });

  const personOf = async (req: FastifyRequest<IP>) => {
    const t = tenantOf(req);
    const person = await store.person(t.id, req.params.id);
    if (!person || person.deleted_at) throw notFound("Diese Person");
    return { t, person };
  };
  const renderPerson = async (req: FastifyRequest, reply: FastifyReply, t: Tenant, personId: string, opts: { values?: PersonFormValues; membershipValues?: Record<string, string>; errors?: FieldErrors; status?: number } = {}) => {
    const person = (await store.person(t.id, personId))!;
    const account = person.account_id ? await ctx.accounts.byId(person.account_id) : undefined;
    const values = opts.values ?? { familyName: person.family_name, givenName: person.given_name, title: person.title ?? "", party: person.party ?? "", consent: !!person.consent_at, email: person.email ?? "", phone: person.phone ?? "", life: person.life ?? "", accountEmail: account?.email ?? "" };
    return page(req, reply, t, `${person.given_name} ${person.family_name}`, personsCrumbs(t, `${person.given_name} ${person.family_name}`),
      <PersonPage tenant={t} csrf={csrf(req)} person={person} values={values} memberships={(await store.membershipsOfPerson(t.id, person.id)).filter((m) => !m.deleted_at)} bodies={await bodiesFor(t)}
        membershipValues={opts.membershipValues ?? {}} errors={opts.errors ?? {}} today={council.today()} notice={notice(req.query)} />, opts.status);
  };
  app.get<IP>("/:tenant/verwaltung/rat/personen/:id", { preHandler: sd }, async (req, reply) => {
    const { t, person } = await personOf(req);
    return renderPerson(req, reply, t, person.id);
  });
  app.post<IP & { Body: Form }>("/:tenant/verwaltung/rat/personen/:id", { preHandler: sd, bodyLimit: 32 * 1024 }, async (req, reply) => {
    const { t, person } = await personOf(req);
    const v = personForm(req.body);
    const { errors, accountId } = await personInput(t, v);
    const r = Object.keys(errors).length ? ({ ok: false, message: "", status: 422 } as const) : await attempt(req, () => council.savePerson(t.id, person.id, { ...v, accountId }, actor(req)));
    if (r.ok) return back(reply, `${staffBase(t)}/personen/${person.id}?hinweis=gespeichert`);
    if (r.message) errors[/Konto/.test(r.message) ? "accountEmail" : "familyName"] = r.message;
    return renderPerson(req, reply, t, person.id, { values: v, errors, status: r.status });
  });

  app.post<IP & { Body: Form }>("/:tenant/verwaltung/rat/personen/:id/mitgliedschaften", { preHandler: sd, bodyLimit: 16 * 1024 }, async (req, reply) => {
    const { t, person } = await personOf(req);
    const b = req.body;
    const mv = { organizationId: str(b.organizationId), role: str(b.role).slice(0, 100), onBehalfOf: str(b.onBehalfOf), votingRight: str(b.votingRight) === "1" ? "1" : "0", from: str(b.from).slice(0, 20), until: str(b.until).slice(0, 20) };
    const errors: FieldErrors = {};
    const from = mv.from.trim() ? parseDate(mv.from) : undefined;
    const until = mv.until.trim() ? parseDate(mv.until) : undefined;
    if (!mv.organizationId) errors.organizationId = "Bitte wählen Sie ein Gremium oder eine Fraktion.";
    if (from === null) errors.from = "Bitte geben Sie das Datum im Format TT.MM.JJJJ an.";
    if (until === null) errors.until = "Bitte geben Sie das Datum im Format TT.MM.JJJJ an.";
    const r = Object.keys(errors).length
      ? ({ ok: false, message: "", status: 422 } as const)
      : await attempt(req, () => council.addMembershipChecked(t.id, { personId: person.id, organizationId: mv.organizationId, role: mv.role, votingRight: mv.votingRight === "1", ...(from ? { startDate: from } : {}), ...(until ? { endDate: until } : {}), ...(mv.onBehalfOf ? { onBehalfOf: mv.onBehalfOf } : {}) }, actor(req)));
    if (r.ok) return back(reply, `${staffBase(t)}/personen/${person.id}?hinweis=gespeichert#mitgliedschaften`);
    if (r.message) errors[/Fraktion/.test(r.message) ? "onBehalfOf" : /Ende/.test(r.message) ? "until" : "organizationId"] = r.message;
    return renderPerson(req, reply, t, person.id, { membershipValues: mv, errors, status: r.status });
  });

  app.post<{ Params: { tenant: string; id: string; membershipId: string }; Body: Form }>("/:tenant/verwaltung/rat/personen/:id/mitgliedschaften/:membershipId/beenden", { preHandler: sd, bodyLimit: 8 * 1024 }, async (req, reply) => {
    const { t, person } = await personOf(req);
    const m = await store.membership(t.id, req.params.membershipId);
    if (!m || m.person_id !== person.id || m.deleted_at) throw notFound("Diese Mitgliedschaft");
    const raw = str(req.body.until).slice(0, 20);
    const until = parseDate(raw);
    const field = `ende-${m.id}`;
    const r = until ? await attempt(req, () => council.endMembership(t.id, m.id, until, actor(req))) : ({ ok: false, message: "Bitte geben Sie das Ende im Format TT.MM.JJJJ an.", status: 422 } as const);
    if (r.ok) return back(reply, `${staffBase(t)}/personen/${person.id}?hinweis=gespeichert#mitgliedschaften`);
    return renderPerson(req, reply, t, person.id, { membershipValues: { [field]: raw }, errors: { [field]: r.message }, status: r.status });
  });

  // ---- settings ------------------------------------------------------------------------------

  app.get<TP & { Querystring: Record<string, string | undefined> }>("/:tenant/verwaltung/rat/einstellungen", { preHandler: sd }, async (req, reply) => {
    const t = tenantOf(req);
    const s = await council.ensureSettings(t.id);
    return page(req, reply, t, "Einstellungen", [{ label: "Einstellungen" }], <SettingsPage tenant={t} csrf={csrf(req)} value={s.nonpublic_meetings} notice={notice(req.query)} />);
  });
  app.post<TP & { Body: Form }>("/:tenant/verwaltung/rat/einstellungen", { preHandler: sd, bodyLimit: 4 * 1024 }, async (req, reply) => {
    const t = tenantOf(req);
    const v = str(req.body.nonpublicMeetings);
    if (v !== "date" && v !== "hidden") throw new HttpError(400, "Bitte wählen Sie eine der beiden Möglichkeiten.", `nonpublic_meetings=${v.slice(0, 20)}`);
    await council.setNonpublicMeetings(t.id, v, actor(req));
    return back(reply, `${staffBase(t)}/einstellungen?hinweis=gespeichert`);
  });

  // ---- the council member's page -------------------------------------------------------------

  app.get<TP>("/:tenant/verwaltung/rat/mandat", { preHandler: member }, async (req, reply) => {
    const t = tenantOf(req);
    const person = await store.personByAccount(t.id, req.staff!.id);
    const bodies: MemberBody[] = [];
    if (person) {
      const today = council.today();
      const now = ctx.clock.now().toISOString();
      const current = (await store.membershipsOfPerson(t.id, person.id)).filter((m) => !m.deleted_at && (!m.start_date || m.start_date <= today) && (!m.end_date || m.end_date >= today));
      for (const ms of current) {
        const organization = await store.organization(t.id, ms.organization_id);
        if (!organization || organization.deleted_at || organization.kind === "fraktion" || bodies.some((b) => b.organization.id === organization.id)) continue;
        const [upcoming, recent] = await Promise.all([
          store.meetings(t.id, { organizationId: organization.id, from: now, publishedOnly: true, limit: 5 }),
          store.meetings(t.id, { organizationId: organization.id, to: now, publishedOnly: true, descending: true, limit: 5 }),
        ]);
        bodies.push({ organization, membership: ms, upcoming, recent });
      }
    }
    return sendPage(ctx, req, reply, { title: "Meine Gremien", tenant: t, area: "staff", breadcrumbs: [{ label: "Verwaltung", href: `/${t.slug}/verwaltung/` }, { label: "Meine Gremien" }] },
      <MemberPage tenant={t} name={person ? `${person.given_name} ${person.family_name}` : undefined} bodies={bodies} />);
  });
}

