import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { h } from "../../platform/ui/jsx.js";
import type { AppContext } from "../../platform/context.js";
import type { Tenant } from "../../platform/tenancy.js";
import { sendPage } from "../../platform/http/pages.js";
import { HttpError, notFound } from "../../platform/http/errors.js";
import { staffOnly } from "../../platform/auth/guards.js";
import { departmentsWith } from "../../platform/auth/permissions.js";
import { serviceCatalogue } from "../services/index.js";
import { applications } from "../applications/index.js";
import { tenantService } from "../tenants/index.js";
import type { CaseService, Case, ActionResult } from "./service.js";
import { DEFAULT_WORKFLOW, PROCESSING_ROLE, stateOf } from "./workflow.js";
import type { Cursor, InboxFilter } from "./store.js";
import { CasePage, InboxPage, queryString, type InboxQuery } from "./views/staff.js";

type TP = { Params: { tenant: string } };
type CP = { Params: { tenant: string; id: string } };
type Form = Record<string, unknown>;

const PAGE_SIZE = 50;
const str = (v: unknown) => (typeof v === "string" ? v : Array.isArray(v) && typeof v[0] === "string" ? v[0] : "");
const CONFLICT_MESSAGE = "Jemand anderes hat diesen Vorgang inzwischen geändert. Ihre Änderung wurde nicht gespeichert; bitte prüfen Sie den aktuellen Stand und versuchen Sie es erneut.";

export function registerStaffRoutes(app: FastifyInstance, ctx: AppContext, cases: CaseService): void {
  const processing = staffOnly({ tenant: true, role: PROCESSING_ROLE });
  const tenantOf = (req: FastifyRequest): Tenant => {
    if (!req.tenant) throw notFound("Diese Kommune");
    return req.tenant;
  };
  const base = (t: Tenant) => `/${t.slug}/verwaltung/vorgaenge`;
  const crumbs = (t: Tenant, label?: string) => [
    { label: "Verwaltung", href: `/${t.slug}/verwaltung/` },
    { label: "Vorgänge", href: base(t) },
    ...(label ? [{ label }] : []),
  ];
  /** Staff who may process cases of the department (the assignment choices). */
  const processorsOf = async (t: Tenant, departmentId: string | null | "any") => {
    const all = await ctx.accounts.listForTenant(t.id);
    return all
      .filter((s) => !s.disabled && s.grants.some((g) => g.role === "kommunal-admin" || (g.role === PROCESSING_ROLE && (departmentId === "any" || g.departmentId === null || g.departmentId === departmentId))))
      .map((s) => ({ id: s.id, name: s.name }));
  };
  const staffNames = async (t: Tenant) => new Map((await ctx.accounts.listForTenant(t.id)).map((s) => [s.id, s.name]));

  /** The case of the URL, if this staff member may process it; otherwise 404 (no hint that it exists). */
  const caseFor = async (req: FastifyRequest<CP>): Promise<{ t: Tenant; c: Case }> => {
    const t = tenantOf(req);
    const c = await cases.get(t.id, req.params.id);
    if (!c || !cases.mayProcess(req.staff, c)) throw notFound("Dieser Vorgang");
    return { t, c };
  };

  // ---- inbox ----

  app.get<TP & { Querystring: Record<string, string | undefined> }>("/:tenant/verwaltung/vorgaenge", { preHandler: processing }, async (req, reply) => {
    const t = tenantOf(req);
    const raw = req.query;
    const query: InboxQuery = { status: str(raw.status), dienst: str(raw.dienst), bearbeitung: str(raw.bearbeitung), ueberfaellig: raw.ueberfaellig === "1", aelterAls: str(raw.aelterAls).replace(/\D/g, "").slice(0, 4), q: str(raw.q).trim().slice(0, 100), sortierung: str(raw.sortierung) === "frist" ? "frist" : "" };
    const now = ctx.clock.now();
    const filter: InboxFilter = {
      departments: departmentsWith(req.staff, t.id, PROCESSING_ROLE),
      status: query.status || undefined,
      serviceId: query.dienst || undefined,
      assignee: query.bearbeitung === "ich" ? req.staff!.id : query.bearbeitung === "niemand" ? "none" : query.bearbeitung || undefined,
      overdue: query.ueberfaellig,
      openOnly: !query.status,
      createdBefore: query.aelterAls ? new Date(now.getTime() - Number(query.aelterAls) * 86_400_000).toISOString() : undefined,
      q: query.q || undefined,
      now: now.toISOString(),
      order: query.sortierung === "frist" ? "due" : "received",
    };
    const cursor = parseCursor(str(raw.nach));
    const rows = await cases.inbox(t.id, filter, cursor, PAGE_SIZE);
    const page = rows.slice(0, PAGE_SIZE);
    const last = page.at(-1);
    const next = rows.length > PAGE_SIZE && last ? `${base(t)}${queryString(query, { nach: `${filter.order === "due" ? last.due_at : last.created_at}_${last.id}` })}` : undefined;
    const names = await staffNames(t);
    const services = await serviceCatalogue(ctx).enabledServices(t.id);
    const titles = new Map(services.map((s) => [s.id, s.title]));
    const notice = str(raw.zugewiesen) ? `${str(raw.zugewiesen)} Vorgänge zugewiesen.` : undefined;
    return sendPage(ctx, req, reply, { title: "Vorgänge", tenant: t, area: "staff", breadcrumbs: crumbs(t) },
      <InboxPage
        tenant={t}
        rows={page.map((c) => ({ c, serviceTitle: titles.get(c.service_id) ?? c.service_id, stateLabel: stateOf(DEFAULT_WORKFLOW, c.status).label, assignee: c.assignee_id ? names.get(c.assignee_id) : undefined, overdue: !c.closed_at && !!c.due_at && c.due_at < filter.now }))}
        query={query}
        states={DEFAULT_WORKFLOW.states}
        services={services.map((s) => ({ id: s.id, title: s.title }))}
        staff={await processorsOf(t, "any")}
        next={next}
        first={!cursor}
        csrf={req.session!.csrfToken}
        notice={notice}
      />);
  });

  app.post<TP & { Body: Form; Querystring: Record<string, string | undefined> }>("/:tenant/verwaltung/vorgaenge/zuweisen", { preHandler: processing, bodyLimit: 64 * 1024 }, async (req, reply) => {
    const t = tenantOf(req);
    const ids = (Array.isArray(req.body.ids) ? req.body.ids : req.body.ids ? [req.body.ids] : []).map(String).slice(0, 200);
    const assignee = str(req.body.assignee) || null;
    let done = 0;
    for (const id of ids) {
      const c = await cases.get(t.id, id);
      if (!c || !cases.mayProcess(req.staff, c)) continue;
      const r = await cases.assign(c, c.version, assignee, req.staff!);
      if (r.ok) done++;
    }
    const back = new URLSearchParams(req.query as Record<string, string>);
    back.set("zugewiesen", String(done));
    return reply.redirect(`${base(t)}?${back.toString()}`, 303);
  });

  // ---- one case ----

  const renderCase = async (req: FastifyRequest, reply: FastifyReply, t: Tenant, c: Case, opts: { errors?: Record<string, string>; values?: Record<string, string>; notice?: string; status?: number } = {}) => {
    const def = await cases.definitionOf(c);
    const w = cases.workflowOf(def);
    const names = await staffNames(t);
    const submission = await applications(ctx).submission(t.id, c.submission_id);
    const [answers, appFiles, caseFiles, messages, events, notes, transitions, department] = await Promise.all([
      cases.answersOf(c),
      submission ? applications(ctx).submissionFiles(submission) : Promise.resolve([]),
      cases.store.files(t.id, c.id),
      cases.store.messages(t.id, c.id),
      cases.store.events(t.id, c.id),
      cases.store.notes(t.id, c.id),
      cases.allowedTransitions(c, req.staff!),
      c.department_id ? tenantService(ctx).store.departmentById(t.id, c.department_id) : Promise.resolve(undefined),
    ]);
    const withDrafts = await Promise.all(transitions.map(async (tr) => (tr.withBescheid ? { ...tr, draft: await cases.bescheidDraft(t, c, tr.to) } : tr)));
    const now = ctx.clock.now().toISOString();
    return sendPage(ctx, req, reply, { title: `${opts.errors && Object.keys(opts.errors).length ? "Fehler: " : ""}Vorgang ${c.reference}`, tenant: t, area: "staff", breadcrumbs: crumbs(t, c.reference), status: opts.status ?? 200 },
      <CasePage
        tenant={t}
        c={c}
        serviceTitle={def.title}
        state={stateOf(w, c.status)}
        department={department?.name}
        assignee={c.assignee_id ? names.get(c.assignee_id) : undefined}
        overdue={!c.closed_at && !!c.due_at && c.due_at < now}
        answers={answers}
        applicationFiles={appFiles.map((f) => ({ id: f.id, name: f.file_name, size: f.size }))}
        caseFiles={caseFiles.map((f) => ({ id: f.id, title: f.title, name: f.file_name, at: f.created_at, firstReadAt: f.first_read_at }))}
        messages={messages.map((m) => ({ direction: m.direction, text: m.text, at: m.created_at }))}
        events={events.map((e) => ({ at: e.at, who: e.actor_type === "citizen" ? "Antragsteller" : e.actor_name ?? (e.actor_type === "staff" ? "Verwaltung" : "System"), text: e.kind === "status" ? `${e.text ?? ""}: ${stateOf(w, e.from_status ?? "").label} → ${stateOf(w, e.to_status ?? "").label}` : e.text ?? e.kind, public: e.public === 1 }))}
        notes={notes.map((n) => ({ at: n.created_at, who: names.get(n.staff_id) ?? "Verwaltung", text: n.text }))}
        transitions={withDrafts}
        staff={await processorsOf(t, c.department_id)}
        csrf={req.session!.csrfToken}
        errors={opts.errors ?? {}}
        values={opts.values ?? {}}
        notice={opts.notice}
      />);
  };

  app.get<CP & { Querystring: { gespeichert?: string } }>("/:tenant/verwaltung/vorgaenge/:id", { preHandler: processing }, async (req, reply) => {
    const { t, c } = await caseFor(req);
    await cases.recordView(c, req.staff!, ["answers", "files", "messages", "notes", "history"]);
    return renderCase(req, reply, t, c, { ...(req.query.gespeichert ? { notice: "Gespeichert." } : {}) });
  });

  /** After a change: back to the case (PRG); a conflict or invalid input shows the case again with the message and what was typed. */
  const answer = async (req: FastifyRequest<CP>, reply: FastifyReply, t: Tenant, c: Case, r: ActionResult, fieldOf: (k: string) => string, values: Record<string, string>) => {
    if (r.ok) return reply.redirect(`${base(t)}/${c.id}?gespeichert=1`, 303);
    const fresh = (await cases.get(t.id, c.id)) ?? c;
    if ("conflict" in r) {
      req.log.info({ caseId: c.id }, "case change refused: outdated version");
      return renderCase(req, reply, t, fresh, { errors: { aktionen: CONFLICT_MESSAGE }, values, status: 409 });
    }
    const errors = Object.fromEntries(Object.entries(r.errors).map(([k, v]) => [fieldOf(k), v]));
    return renderCase(req, reply, t, fresh, { errors, values, status: 422 });
  };

  app.post<CP & { Body: Form }>("/:tenant/verwaltung/vorgaenge/:id/status", { preHandler: processing, bodyLimit: 64 * 1024 }, async (req, reply) => {
    const { t, c } = await caseFor(req);
    const to = str(req.body.to);
    const text = str(req.body.text);
    const version = Number(str(req.body.version));
    if (!Number.isInteger(version)) throw new HttpError(400, "Das Formular ist unvollständig. Bitte laden Sie die Seite neu.", "status change without version");
    const r = await cases.transition(t, c, { to, version, text }, req.staff!);
    return answer(req, reply, t, c, r, (k) => (k === "text" ? `text-${to}` : "aktionen"), { [`text-${to}`]: text });
  });

  app.post<CP & { Body: Form }>("/:tenant/verwaltung/vorgaenge/:id/zuweisen", { preHandler: processing, bodyLimit: 8 * 1024 }, async (req, reply) => {
    const { t, c } = await caseFor(req);
    const version = Number(str(req.body.version));
    if (!Number.isInteger(version)) throw new HttpError(400, "Das Formular ist unvollständig. Bitte laden Sie die Seite neu.", "assignment without version");
    const r = await cases.assign(c, version, str(req.body.assignee) || null, req.staff!);
    return answer(req, reply, t, c, r, () => "assignee", {});
  });

  app.post<CP & { Body: Form }>("/:tenant/verwaltung/vorgaenge/:id/nachricht", { preHandler: processing, bodyLimit: 64 * 1024 }, async (req, reply) => {
    const { t, c } = await caseFor(req);
    const text = str(req.body.nachricht);
    const r = await cases.message(t, c, text, req.staff!);
    return answer(req, reply, t, c, r, () => "nachricht", { nachricht: text });
  });

  app.post<CP & { Body: Form }>("/:tenant/verwaltung/vorgaenge/:id/notiz", { preHandler: processing, bodyLimit: 32 * 1024 }, async (req, reply) => {
    const { t, c } = await caseFor(req);
    const text = str(req.body.notiz);
    const r = await cases.addNote(c, text, req.staff!);
    return answer(req, reply, t, c, r, () => "notiz", { notiz: text });
  });

  // Files: the application's uploads and the case's own (Bescheide, the citizen's answers). Every download is audited.
  const sendFile = async (reply: FastifyReply, key: string, name: string, type: string) =>
    reply.header("cache-control", "private, no-store").header("content-disposition", `attachment; filename="${name.replace(/[^\w.-]/g, "_")}"`).header("x-content-type-options", "nosniff").type(type).send(await ctx.storage.read(key));

  app.get<{ Params: { tenant: string; id: string; fileId: string } }>("/:tenant/verwaltung/vorgaenge/:id/antragsdateien/:fileId", { preHandler: processing }, async (req, reply) => {
    const { c } = await caseFor(req);
    const s = await applications(ctx).submission(c.tenant_id, c.submission_id);
    const f = s ? await applications(ctx).submissionFile(s, req.params.fileId) : undefined;
    if (!f) throw notFound("Diese Datei");
    await ctx.audit.record({ tenantId: c.tenant_id, actor: { type: "staff", id: req.staff!.id }, action: "case.file.view", object: { type: "case", id: c.id }, fields: ["applicationFile"] });
    return sendFile(reply, f.storage_key, f.file_name, f.content_type);
  });

  app.get<{ Params: { tenant: string; id: string; fileId: string } }>("/:tenant/verwaltung/vorgaenge/:id/dateien/:fileId", { preHandler: processing }, async (req, reply) => {
    const { c } = await caseFor(req);
    const f = await cases.store.file(c.tenant_id, c.id, req.params.fileId);
    if (!f) throw notFound("Diese Datei");
    await ctx.audit.record({ tenantId: c.tenant_id, actor: { type: "staff", id: req.staff!.id }, action: "case.file.view", object: { type: "case", id: c.id }, fields: [f.kind] });
    return sendFile(reply, f.storage_key, f.file_name, f.content_type);
  });
}

function parseCursor(raw: string): Cursor | undefined {
  const m = /^(\d{4}-\d{2}-\d{2}T[\d:.]+Z)_([0-9a-f-]{36})$/.exec(raw);
  return m ? { createdAt: m[1]!, id: m[2]! } : undefined;
}
