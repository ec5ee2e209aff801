import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { h, type Child } from "../../platform/ui/jsx.js";
import type { AppContext } from "../../platform/context.js";
import type { Tenant } from "../../platform/tenancy.js";
import type { Crumb } from "../../platform/ui/layout.js";
import type { FieldErrors } from "../../platform/ui/forms.js";
import { sendPage } from "../../platform/http/pages.js";
import { notFound } from "../../platform/http/errors.js";
import { staffOnly } from "../../platform/auth/guards.js";
import { readMultipartForm } from "../../platform/http/multipart.js";
import { UUID_RE } from "../../platform/ids.js";
import {
  ConstructionInputError,
  ConstructionNotFoundError,
  ConstructionRuleError,
  MAX_PHOTO_BYTES,
  MAX_PHOTOS_PER_UPDATE,
  PHOTO_FORM_BODY_LIMIT,
  constructionService,
  type MilestoneForm,
  type PhotoSlot,
  type ProjectForm,
  type UpdateForm,
} from "./service.js";
import type { ProjectRow } from "./store.js";
import { CONSTRUCTION_ROLE } from "./role.js";
import { ListPage, MilestoneFormPage, ProjectFormPage, ProjectStaffPage, UpdateFormPage, emptyProjectForm, milestoneFormOf, projectFormOf, staffBase, staffProjectPath, updateFormOf } from "./views/staff.js";

type TP = { Params: { tenant: string } };
type PP = { Params: { tenant: string; id: string } };
type MP = { Params: { tenant: string; id: string; milestoneId: string } };
type UP = { Params: { tenant: string; id: string; updateId: string } };
type Form = Record<string, unknown>;

const str = (v: unknown) => (typeof v === "string" ? v : Array.isArray(v) && typeof v[0] === "string" ? v[0] : "");
const PROJECT_FIELDS: (keyof ProjectForm)[] = ["titel", "kurzbeschreibung", "beschreibung", "ort", "breite", "laenge", "kosten", "foerderung", "stand", "beginn", "ende", "kontakt_name", "kontakt_telefon", "kontakt_email"];
const projectFormOfBody = (b: Form) => Object.fromEntries(PROJECT_FIELDS.map((k) => [k, str(b[k]).slice(0, 25_000)])) as unknown as ProjectForm;
const milestoneFormOfBody = (b: Form): MilestoneForm => ({ titel: str(b.titel).slice(0, 1000), geplant: str(b.geplant).slice(0, 20), erledigt: str(b.erledigt).slice(0, 20) });
const updateFormOfBody = (b: Form): UpdateForm => ({ datum: str(b.datum).slice(0, 20), titel: str(b.titel).slice(0, 1000), text: str(b.text).slice(0, 25_000) });

const NOTICES: Record<string, string> = {
  angelegt: "Das Bauvorhaben ist angelegt – als Entwurf, den nur das Bauamt sieht.",
  gespeichert: "Gespeichert.",
  veroeffentlicht: "Das Bauvorhaben ist veröffentlicht.",
  zurueckgezogen: "Das Bauvorhaben ist nicht mehr öffentlich.",
  meilenstein: "Der Meilenstein ist gespeichert.",
  "meilenstein-entfernt": "Der Meilenstein ist entfernt.",
  neuigkeit: "Die Neuigkeit ist gespeichert – als Entwurf, bis Sie sie veröffentlichen.",
  "neuigkeit-veroeffentlicht": "Die Neuigkeit ist veröffentlicht.",
  "neuigkeit-gemeldet": "Die Neuigkeit ist veröffentlicht und an die Redaktion gemeldet. Je nach Regel der Stadt erscheint sie unter Aktuelles, wartet dort als Entwurf auf Prüfung oder wird nicht übernommen.",
  "neuigkeit-zurueckgezogen": "Die Neuigkeit ist nicht mehr öffentlich.",
  "neuigkeit-geloescht": "Die Neuigkeit ist gelöscht.",
  "foto-entfernt": "Das Foto ist entfernt.",
};

/**
 * The Bauamt's pages under /{slug}/verwaltung/bauvorhaben (role bauvorhaben): list, project
 * form, project page with milestones and updates, update form with photos. Thin: parse,
 * authorise, call the service, render. CSRF: the platform's check on every POST; the update
 * form (multipart) has its token checked by readMultipartForm from the first field.
 */
export function registerStaffRoutes(app: FastifyInstance, ctx: AppContext): void {
  const s = constructionService(ctx);
  const guard = staffOnly({ tenant: true, role: CONSTRUCTION_ROLE });
  const tenantOf = (req: FastifyRequest): Tenant => {
    if (!req.tenant) throw notFound("Diese Kommune");
    return req.tenant;
  };
  const actor = (req: FastifyRequest) => ({ id: req.staff!.id });
  const csrf = (req: FastifyRequest) => req.session!.csrfToken;
  const crumbs = (t: Tenant, ...rest: Crumb[]): Crumb[] => [{ label: "Verwaltung", href: `/${t.slug}/verwaltung/` }, { label: "Bauvorhaben", href: staffBase(t) }, ...rest];
  const page = (req: FastifyRequest, reply: FastifyReply, t: Tenant, title: string, trail: Crumb[], body: Child, status = 200) =>
    sendPage(ctx, req, reply, { title: status >= 400 ? `Fehler: ${title}` : title, tenant: t, area: "staff", breadcrumbs: crumbs(t, ...trail), status }, body);
  const notice = (q: unknown) => NOTICES[str((q as Form).hinweis)];
  const R = (t: Tenant, id: string, hinweis: string, anchor = "") => `${staffProjectPath(t, id)}?hinweis=${hinweis}${anchor}`;

  /** The project of the URL in this town, or 404 (another town's id, a malformed id). */
  const projectOf = async (req: FastifyRequest<PP>) => {
    const t = tenantOf(req);
    if (!UUID_RE.test(req.params.id)) throw notFound("Dieses Bauvorhaben");
    const project = await s.store.project(t.id, req.params.id);
    if (!project) throw notFound("Dieses Bauvorhaben");
    return { t, project };
  };
  const projectLink = (t: Tenant, x: ProjectRow): Crumb => ({ label: x.title, href: staffProjectPath(t, x.id) });

  const projectPage = async (req: FastifyRequest, reply: FastifyReply, t: Tenant, projectId: string, opts: { errors?: FieldErrors; status?: number; milestoneForm?: MilestoneForm } = {}) => {
    const data = await s.pageData(t.id, projectId, { publicOnly: false });
    if (!data) throw notFound("Dieses Bauvorhaben");
    const status = opts.status ?? 200;
    const body = <ProjectStaffPage tenant={t} data={data} csrf={csrf(req)} notice={status === 200 ? notice(req.query) : undefined} errors={opts.errors ?? {}} milestoneForm={opts.milestoneForm ?? { titel: "", geplant: "", erledigt: "" }} />;
    return page(req, reply, t, data.project.title, [{ label: data.project.title }], body, status);
  };

  /**
   * Runs an action of the project page: a refused rule is shown there (409), bad input at its
   * fields (422), an id that is not this town's answers 404.
   */
  const act = async (req: FastifyRequest<PP>, reply: FastifyReply, fn: (t: Tenant, project: ProjectRow) => Promise<string>) => {
    const { t, project } = await projectOf(req);
    try {
      return reply.redirect(await fn(t, project), 303);
    } catch (e) {
      if (e instanceof ConstructionNotFoundError) throw notFound(e.what);
      if (!(e instanceof ConstructionRuleError)) throw e;
      req.log.info({ rule: e.message, url: req.url }, "construction: action refused by a rule");
      return projectPage(req, reply, t, project.id, { errors: { [e.field]: e.message }, status: 409 });
    }
  };

  // ---- list, new and edit --------------------------------------------------------------------

  app.get<TP>("/:tenant/verwaltung/bauvorhaben", { preHandler: guard }, async (req, reply) => {
    const t = tenantOf(req);
    return page(req, reply, t, "Öffentliche Bauvorhaben", [], <ListPage tenant={t} projects={await s.store.projects(t.id)} notice={notice(req.query)} />);
  });

  const projectForm = (req: FastifyRequest, reply: FastifyReply, t: Tenant, opts: { project?: ProjectRow; values: ProjectForm; errors: FieldErrors; status?: number }) => {
    const title = opts.project ? `Bearbeiten: ${opts.project.title}` : "Neues Bauvorhaben";
    const action = opts.project ? `${staffProjectPath(t, opts.project.id)}/bearbeiten` : `${staffBase(t)}/neu`;
    const cancel = opts.project ? staffProjectPath(t, opts.project.id) : staffBase(t);
    const trail = opts.project ? [projectLink(t, opts.project), { label: "Bearbeiten" }] : [{ label: title }];
    return page(req, reply, t, title, trail, <ProjectFormPage tenant={t} title={title} action={action} csrf={csrf(req)} values={opts.values} errors={opts.errors} cancelHref={cancel} />, opts.status ?? 200);
  };

  app.get<TP>("/:tenant/verwaltung/bauvorhaben/neu", { preHandler: guard }, async (req, reply) => projectForm(req, reply, tenantOf(req), { values: emptyProjectForm(), errors: {} }));

  app.post<TP & { Body: Form }>("/:tenant/verwaltung/bauvorhaben/neu", { preHandler: guard }, async (req, reply) => {
    const t = tenantOf(req);
    const values = projectFormOfBody(req.body ?? {});
    try {
      const id = await s.createProject(t.id, values, actor(req));
      return reply.redirect(R(t, id, "angelegt"), 303);
    } catch (e) {
      if (!(e instanceof ConstructionInputError)) throw e;
      req.log.info({ fields: Object.keys(e.errors) }, "construction: new project refused (bad input)");
      return projectForm(req, reply, t, { values, errors: e.errors, status: 422 });
    }
  });

  app.get<PP>("/:tenant/verwaltung/bauvorhaben/:id", { preHandler: guard }, async (req, reply) => {
    const { t, project } = await projectOf(req);
    return projectPage(req, reply, t, project.id);
  });

  app.get<PP>("/:tenant/verwaltung/bauvorhaben/:id/bearbeiten", { preHandler: guard }, async (req, reply) => {
    const { t, project } = await projectOf(req);
    return projectForm(req, reply, t, { project, values: projectFormOf(project), errors: {} });
  });

  app.post<PP & { Body: Form }>("/:tenant/verwaltung/bauvorhaben/:id/bearbeiten", { preHandler: guard }, async (req, reply) => {
    const { t, project } = await projectOf(req);
    const values = projectFormOfBody(req.body ?? {});
    try {
      await s.changeProject(t.id, project.id, values, actor(req));
      return reply.redirect(R(t, project.id, "gespeichert"), 303);
    } catch (e) {
      if (e instanceof ConstructionNotFoundError) throw notFound(e.what);
      if (!(e instanceof ConstructionInputError)) throw e;
      req.log.info({ fields: Object.keys(e.errors) }, "construction: project change refused (bad input)");
      return projectForm(req, reply, t, { project, values, errors: e.errors, status: 422 });
    }
  });

  app.post<PP>("/:tenant/verwaltung/bauvorhaben/:id/veroeffentlichen", { preHandler: guard }, (req, reply) =>
    act(req, reply, async (t, x) => (await s.publishProject(t.id, x.id, actor(req)), R(t, x.id, "veroeffentlicht"))),
  );
  app.post<PP>("/:tenant/verwaltung/bauvorhaben/:id/zurueckziehen", { preHandler: guard }, (req, reply) =>
    act(req, reply, async (t, x) => (await s.unpublishProject(t.id, x.id, actor(req)), R(t, x.id, "zurueckgezogen"))),
  );

  // ---- milestones ----------------------------------------------------------------------------

  app.post<PP & { Body: Form }>("/:tenant/verwaltung/bauvorhaben/:id/meilensteine", { preHandler: guard }, async (req, reply) => {
    const { t, project } = await projectOf(req);
    const form = milestoneFormOfBody(req.body ?? {});
    try {
      await s.addMilestone(t.id, project.id, form, actor(req));
      return reply.redirect(R(t, project.id, "meilenstein", "#meilensteine"), 303);
    } catch (e) {
      if (e instanceof ConstructionNotFoundError) throw notFound(e.what);
      if (!(e instanceof ConstructionInputError)) throw e;
      req.log.info({ fields: Object.keys(e.errors) }, "construction: new milestone refused (bad input)");
      return projectPage(req, reply, t, project.id, { errors: e.errors, status: 422, milestoneForm: form });
    }
  });

  const milestoneOf = async (req: FastifyRequest<MP>) => {
    const { t, project } = await projectOf(req);
    if (!UUID_RE.test(req.params.milestoneId)) throw notFound("Dieser Meilenstein");
    const m = await s.store.milestone(t.id, project.id, req.params.milestoneId);
    if (!m) throw notFound("Dieser Meilenstein");
    return { t, project, m };
  };
  const milestonePage = (req: FastifyRequest, reply: FastifyReply, t: Tenant, project: ProjectRow, id: string, values: MilestoneForm, errors: FieldErrors, status = 200) =>
    page(req, reply, t, "Meilenstein bearbeiten", [projectLink(t, project), { label: "Meilenstein bearbeiten" }], <MilestoneFormPage tenant={t} project={project} action={`${staffProjectPath(t, project.id)}/meilensteine/${id}/bearbeiten`} csrf={csrf(req)} values={values} errors={errors} />, status);

  app.get<MP>("/:tenant/verwaltung/bauvorhaben/:id/meilensteine/:milestoneId/bearbeiten", { preHandler: guard }, async (req, reply) => {
    const { t, project, m } = await milestoneOf(req);
    return milestonePage(req, reply, t, project, m.id, milestoneFormOf(m), {});
  });

  app.post<MP & { Body: Form }>("/:tenant/verwaltung/bauvorhaben/:id/meilensteine/:milestoneId/bearbeiten", { preHandler: guard }, async (req, reply) => {
    const { t, project, m } = await milestoneOf(req);
    const form = milestoneFormOfBody(req.body ?? {});
    try {
      await s.changeMilestone(t.id, project.id, m.id, form, actor(req));
      return reply.redirect(R(t, project.id, "meilenstein", "#meilensteine"), 303);
    } catch (e) {
      if (e instanceof ConstructionNotFoundError) throw notFound(e.what);
      if (!(e instanceof ConstructionInputError)) throw e;
      req.log.info({ fields: Object.keys(e.errors) }, "construction: milestone change refused (bad input)");
      return milestonePage(req, reply, t, project, m.id, form, e.errors, 422);
    }
  });

  app.post<MP>("/:tenant/verwaltung/bauvorhaben/:id/meilensteine/:milestoneId/loeschen", { preHandler: guard }, (req, reply) =>
    act(req, reply, async (t, x) => {
      if (!UUID_RE.test(req.params.milestoneId)) throw new ConstructionNotFoundError("Dieser Meilenstein");
      await s.removeMilestone(t.id, x.id, req.params.milestoneId, actor(req));
      return R(t, x.id, "meilenstein-entfernt", "#meilensteine");
    }),
  );

  // ---- updates and photos --------------------------------------------------------------------

  const updateOf = async (req: FastifyRequest<UP>) => {
    const { t, project } = await projectOf(req);
    if (!UUID_RE.test(req.params.updateId)) throw notFound("Diese Neuigkeit");
    const u = await s.store.update(t.id, project.id, req.params.updateId);
    if (!u) throw notFound("Diese Neuigkeit");
    return { t, project, u };
  };

  const updatePage = async (req: FastifyRequest, reply: FastifyReply, t: Tenant, project: ProjectRow, opts: { updateId?: string; values: UpdateForm; alts?: Record<string, string>; errors?: FieldErrors; reselect?: boolean; status?: number }) => {
    const existing = opts.updateId ? await s.store.photosOfUpdate(t.id, opts.updateId) : [];
    const title = opts.updateId ? "Neuigkeit bearbeiten" : "Neue Neuigkeit";
    const action = opts.updateId ? `${staffProjectPath(t, project.id)}/neuigkeiten/${opts.updateId}/bearbeiten` : `${staffProjectPath(t, project.id)}/neuigkeiten/neu`;
    const body = <UpdateFormPage tenant={t} project={project} title={title} action={action} csrf={csrf(req)} values={opts.values} alts={opts.alts ?? {}} errors={opts.errors ?? {}} existing={existing} reselect={!!opts.reselect} />;
    return page(req, reply, t, title, [projectLink(t, project), { label: title }], body, opts.status ?? 200);
  };

  /** The update form as sent: text fields and the photo slots (foto_n with alt_n). */
  const readUpdateForm = async (req: FastifyRequest) => {
    const { fields, files } = await readMultipartForm(ctx, req, { fileSize: MAX_PHOTO_BYTES, files: MAX_PHOTOS_PER_UPDATE, fields: 20 });
    const slots: PhotoSlot[] = [];
    const alts: Record<string, string> = {};
    for (let n = 1; n <= MAX_PHOTOS_PER_UPDATE; n++) {
      const alt = str(fields[`alt_${n}`]).slice(0, 1000);
      const file = files.find((f) => f.field === `foto_${n}`);
      alts[`alt_${n}`] = alt;
      if (file || alt.trim()) slots.push({ slot: n, alt, file });
    }
    return { form: updateFormOfBody(fields), slots, alts };
  };

  // CSRF of the two multipart routes: checked by readMultipartForm from the first field (the body is a stream).
  const photoRoute = { preHandler: guard, config: { csrf: false }, bodyLimit: PHOTO_FORM_BODY_LIMIT };

  app.get<PP>("/:tenant/verwaltung/bauvorhaben/:id/neuigkeiten/neu", { preHandler: guard }, async (req, reply) => {
    const { t, project } = await projectOf(req);
    return updatePage(req, reply, t, project, { values: { datum: "", titel: "", text: "" } });
  });

  app.post<PP>("/:tenant/verwaltung/bauvorhaben/:id/neuigkeiten/neu", photoRoute, async (req, reply) => {
    const { t, project } = await projectOf(req);
    const { form, slots, alts } = await readUpdateForm(req);
    try {
      await s.createUpdate(t.id, project.id, form, slots, actor(req));
      return reply.redirect(R(t, project.id, "neuigkeit", "#neuigkeiten"), 303);
    } catch (e) {
      if (e instanceof ConstructionNotFoundError) throw notFound(e.what);
      if (!(e instanceof ConstructionInputError)) throw e;
      req.log.info({ fields: Object.keys(e.errors) }, "construction: new update refused (bad input)");
      return updatePage(req, reply, t, project, { values: form, alts, errors: e.errors, reselect: slots.some((x) => x.file), status: 422 });
    }
  });

  app.get<UP>("/:tenant/verwaltung/bauvorhaben/:id/neuigkeiten/:updateId/bearbeiten", { preHandler: guard }, async (req, reply) => {
    const { t, project, u } = await updateOf(req);
    return updatePage(req, reply, t, project, { updateId: u.id, values: updateFormOf(u) });
  });

  app.post<UP>("/:tenant/verwaltung/bauvorhaben/:id/neuigkeiten/:updateId/bearbeiten", photoRoute, async (req, reply) => {
    const { t, project, u } = await updateOf(req);
    const { form, slots, alts } = await readUpdateForm(req);
    try {
      await s.changeUpdate(t.id, project.id, u.id, form, slots, actor(req));
      return reply.redirect(R(t, project.id, "neuigkeit", "#neuigkeiten"), 303);
    } catch (e) {
      if (e instanceof ConstructionNotFoundError) throw notFound(e.what);
      if (!(e instanceof ConstructionInputError)) throw e;
      req.log.info({ fields: Object.keys(e.errors) }, "construction: update change refused (bad input)");
      return updatePage(req, reply, t, project, { updateId: u.id, values: form, alts, errors: e.errors, reselect: slots.some((x) => x.file), status: 422 });
    }
  });

  const updateAction = (path: string, fn: (t: Tenant, projectId: string, updateId: string, req: FastifyRequest) => Promise<string>) =>
    app.post<UP>(`/:tenant/verwaltung/bauvorhaben/:id/neuigkeiten/:updateId/${path}`, { preHandler: guard }, (req, reply) =>
      act(req, reply, async (t, x) => {
        if (!UUID_RE.test(req.params.updateId)) throw new ConstructionNotFoundError("Diese Neuigkeit");
        return fn(t, x.id, req.params.updateId, req);
      }),
    );
  updateAction("veroeffentlichen", async (t, projectId, id, req) => {
    const { announced } = await s.publishUpdate(t.id, projectId, id, actor(req));
    return R(t, projectId, announced ? "neuigkeit-gemeldet" : "neuigkeit-veroeffentlicht", "#neuigkeiten");
  });
  updateAction("zurueckziehen", async (t, projectId, id, req) => (await s.unpublishUpdate(t.id, projectId, id, actor(req)), R(t, projectId, "neuigkeit-zurueckgezogen", "#neuigkeiten")));
  updateAction("loeschen", async (t, projectId, id, req) => (await s.removeUpdate(t.id, projectId, id, actor(req)), R(t, projectId, "neuigkeit-geloescht", "#neuigkeiten")));

  app.post<{ Params: { tenant: string; id: string; photoId: string } }>("/:tenant/verwaltung/bauvorhaben/:id/fotos/:photoId/loeschen", { preHandler: guard }, (req, reply) =>
    act(req, reply, async (t, x) => {
      if (!UUID_RE.test(req.params.photoId)) throw new ConstructionNotFoundError("Dieses Foto");
      await s.removePhoto(t.id, x.id, req.params.photoId, actor(req));
      return R(t, x.id, "foto-entfernt", "#neuigkeiten");
    }),
  );
}
