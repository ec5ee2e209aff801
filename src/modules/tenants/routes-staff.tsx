import type { FastifyInstance, FastifyRequest } from "fastify";
import { h } from "../../platform/ui/jsx.js";
import type { AppContext } from "../../platform/context.js";
import { sendPage } from "../../platform/http/pages.js";
import { checkCsrf } from "../../platform/http/csrf.js";
import { HttpError, notFound } from "../../platform/http/errors.js";
import { staffOnly } from "../../platform/auth/guards.js";
import { TENANT_ADMIN_ROLE } from "../../platform/auth/accounts.js";
import { hasRole } from "../../platform/auth/accounts.js";
import { newId } from "../../platform/ids.js";
import type { TenantService } from "./service.js";
import type { Department, TenantProfile } from "./store.js";
import { openingHoursToText } from "./validation.js";
import { BarrierReportsPage, DepartmentForm, DepartmentsList, SettingsForm, SignLanguageVideoForm, TenantStaffHome, type SettingsValues } from "./views/staff.js";

type P = { Params: { tenant: string } };
type Body = { Body: Record<string, unknown> };

const VIDEO_TYPES = new Set(["video/mp4", "video/webm"]);
const MAX_VIDEO_BYTES = 200 * 1024 * 1024;

export function registerStaffRoutes(app: FastifyInstance, ctx: AppContext, service: TenantService): void {
  const admin = staffOnly({ tenant: true, role: TENANT_ADMIN_ROLE });
  const profileOf = async (req: FastifyRequest): Promise<TenantProfile> => {
    const p = req.tenant ? await service.store.profile(req.tenant.id) : undefined;
    if (!p) throw notFound("Diese Kommune");
    return p;
  };
  const actor = (req: FastifyRequest) => ({ type: "staff" as const, id: req.staff!.id });
  const crumbs = (t: TenantProfile, label: string, mid?: { label: string; href: string }) => [
    { label: "Verwaltung", href: `/${t.slug}/verwaltung/` },
    ...(mid ? [mid] : []),
    { label },
  ];
  const page = (req: FastifyRequest, title: string, t: TenantProfile, label: string, status = 200, mid?: { label: string; href: string }) => ({
    title,
    tenant: req.tenant,
    area: "staff" as const,
    breadcrumbs: crumbs(t, label, mid),
    status,
  });

  app.get<P>("/:tenant/verwaltung/", { preHandler: staffOnly({ tenant: true }) }, async (req, reply) => {
    const t = await profileOf(req);
    const open = (await service.store.barrierReports(t.id)).filter((r) => r.status === "neu").length;
    const links = ctx.modules
      .flatMap((m) => m.navigation ?? [])
      .filter((n) => n.area === "staff" && n.path !== "verwaltung/" && hasRole(req.staff, t.id, n.role))
      .sort((a, b) => a.order - b.order)
      .map((n) => ({ label: n.label, href: `/${t.slug}/${n.path}` }));
    return sendPage(ctx, req, reply, { title: "Verwaltung", tenant: req.tenant, area: "staff" }, <TenantStaffHome tenant={t} openReports={open} links={links} />);
  });
  app.get<P>("/:tenant/verwaltung", async (req, reply) => reply.redirect(`/${req.params.tenant}/verwaltung/`, 301));

  // Settings
  app.get<P & { Querystring: { gespeichert?: string } }>("/:tenant/verwaltung/einstellungen", { preHandler: admin }, async (req, reply) => {
    const t = await profileOf(req);
    return sendPage(ctx, req, reply, page(req, "Einstellungen", t, "Einstellungen"), <SettingsForm tenant={t} values={settingsValues(t)} errors={{}} csrf={req.session!.csrfToken} saved={req.query.gespeichert === "1"} />);
  });
  app.post<P & Body>("/:tenant/verwaltung/einstellungen", { preHandler: admin, bodyLimit: 512 * 1024 }, async (req, reply) => {
    const t = await profileOf(req);
    const result = await service.updateSettings(t.id, req.body ?? {}, actor(req));
    if (result.ok) return reply.redirect(`/${t.slug}/verwaltung/einstellungen?gespeichert=1`, 303);
    req.log.info({ fields: Object.keys(result.errors) }, "settings rejected: invalid input");
    return sendPage(ctx, req, reply, page(req, "Fehler: Einstellungen", t, "Einstellungen", 400), <SettingsForm tenant={t} values={stringValues(req.body)} errors={result.errors} csrf={req.session!.csrfToken} saved={false} />);
  });

  // Departments and responsibilities
  const deptMid = (t: TenantProfile) => ({ label: "Ämter", href: `/${t.slug}/verwaltung/aemter` });
  app.get<P>("/:tenant/verwaltung/aemter", { preHandler: admin }, async (req, reply) => {
    const t = await profileOf(req);
    return sendPage(ctx, req, reply, page(req, "Ämter und Zuständigkeiten", t, "Ämter"), <DepartmentsList tenant={t} departments={await service.store.departments(t.id)} />);
  });
  app.get<{ Params: { tenant: string; id: string }; Querystring: { gespeichert?: string } }>("/:tenant/verwaltung/aemter/:id", { preHandler: admin }, async (req, reply) => {
    const t = await profileOf(req);
    const isNew = req.params.id === "neu";
    const d = isNew ? undefined : await service.store.departmentById(t.id, req.params.id);
    if (!isNew && !d) throw notFound("Dieses Amt");
    return sendPage(
      ctx, req, reply,
      page(req, d ? `Amt: ${d.name}` : "Neues Amt", t, d ? d.name : "Neues Amt", 200, deptMid(t)),
      <DepartmentForm tenant={t} departmentId={d?.id ?? null} values={d ? departmentValues(d) : { city: t.address.city, postalCode: t.address.postalCode, street: t.address.street }} responsibilities={d?.responsibilities ?? []} errors={{}} csrf={req.session!.csrfToken} saved={req.query.gespeichert === "1"} />,
    );
  });
  app.post<{ Params: { tenant: string; id: string } } & Body>("/:tenant/verwaltung/aemter/:id", { preHandler: admin, bodyLimit: 64 * 1024 }, async (req, reply) => {
    const t = await profileOf(req);
    const isNew = req.params.id === "neu";
    const result = await service.saveDepartment(t.id, isNew ? null : req.params.id, req.body ?? {}, actor(req));
    if (result.ok) return reply.redirect(`/${t.slug}/verwaltung/aemter/${result.value}?gespeichert=1`, 303);
    const body = req.body ?? {};
    const resp = Array.isArray(body.responsibilities) ? body.responsibilities.map(String) : body.responsibilities ? [String(body.responsibilities)] : [];
    return sendPage(ctx, req, reply, page(req, "Fehler: Amt", t, isNew ? "Neues Amt" : "Amt bearbeiten", 400, deptMid(t)), <DepartmentForm tenant={t} departmentId={isNew ? null : req.params.id} values={stringValues(body)} responsibilities={resp} errors={result.errors} csrf={req.session!.csrfToken} saved={false} />);
  });
  app.post<{ Params: { tenant: string; id: string } }>("/:tenant/verwaltung/aemter/:id/loeschen", { preHandler: admin, bodyLimit: 4 * 1024 }, async (req, reply) => {
    const t = await profileOf(req);
    if (!(await service.deleteDepartment(t.id, req.params.id, actor(req)))) throw notFound("Dieses Amt");
    return reply.redirect(`/${t.slug}/verwaltung/aemter`, 303);
  });

  // Accessibility feedback
  app.get<P>("/:tenant/verwaltung/barrieren", { preHandler: admin }, async (req, reply) => {
    const t = await profileOf(req);
    const reports = await service.store.barrierReports(t.id);
    await ctx.audit.record({ tenantId: t.id, actor: actor(req), action: "barrier-report.list.view", object: { type: "tenant", id: t.id } });
    return sendPage(ctx, req, reply, page(req, "Meldungen zur Barrierefreiheit", t, "Barrieren"), <BarrierReportsPage tenant={t} reports={reports} csrf={req.session!.csrfToken} />);
  });
  app.post<{ Params: { tenant: string; id: string } }>("/:tenant/verwaltung/barrieren/:id/erledigt", { preHandler: admin, bodyLimit: 4 * 1024 }, async (req, reply) => {
    const t = await profileOf(req);
    if (!(await service.resolveBarrierReport(t.id, req.params.id, actor(req)))) throw notFound("Diese offene Meldung");
    return reply.redirect(`/${t.slug}/verwaltung/barrieren`, 303);
  });

  // Sign-language video
  app.get<P & { Querystring: { gespeichert?: string } }>("/:tenant/verwaltung/gebaerdensprache", { preHandler: admin }, async (req, reply) => {
    const t = await profileOf(req);
    return sendPage(ctx, req, reply, page(req, "Video in Gebärdensprache", t, "Gebärdensprache"), <SignLanguageVideoForm tenant={t} csrf={req.session!.csrfToken} saved={req.query.gespeichert === "1"} />);
  });
  // CSRF is checked below from the first multipart field: the body is a stream, not parsed before the handler.
  app.post<P>("/:tenant/verwaltung/gebaerdensprache", { preHandler: admin, config: { csrf: false }, bodyLimit: MAX_VIDEO_BYTES + 64 * 1024 }, async (req, reply) => {
    const t = await profileOf(req);
    if (!req.isMultipart()) throw new HttpError(415, "Bitte laden Sie die Datei über das Formular hoch.");
    const fail = (message: string, status = 400) =>
      sendPage(ctx, req, reply, page(req, "Fehler: Video in Gebärdensprache", t, "Gebärdensprache", status), <SignLanguageVideoForm tenant={t} csrf={req.session!.csrfToken} error={message} />);
    let csrfChecked = false;
    for await (const part of req.parts({ limits: { fileSize: MAX_VIDEO_BYTES, files: 1, fields: 2 } })) {
      if (part.type === "field") {
        if (part.fieldname === "_csrf" && !csrfChecked) {
          if (checkCsrf(ctx, req, String(part.value))) throw new HttpError(403, "Das Formular konnte nicht sicher übermittelt werden. Bitte laden Sie die Seite neu und senden Sie es erneut.", "csrf check failed on upload");
          csrfChecked = true;
        }
        continue;
      }
      if (!csrfChecked) throw new HttpError(403, "Das Formular konnte nicht sicher übermittelt werden. Bitte laden Sie die Seite neu und senden Sie es erneut.", "upload without csrf field first");
      if (!VIDEO_TYPES.has(part.mimetype)) {
        part.file.resume();
        return fail("Bitte wählen Sie ein Video im Format MP4 oder WebM.");
      }
      const key = `tenants/${t.id}/gebaerdensprache/${newId(ctx.clock)}`;
      const stored = await ctx.storage.put(key, part.file);
      if (part.file.truncated) {
        await ctx.storage.delete(key);
        return fail("Das Video ist größer als 200 MB. Bitte verkleinern Sie es.", 413);
      }
      if (stored.size === 0) {
        await ctx.storage.delete(key);
        return fail("Die Datei ist leer. Bitte wählen Sie ein Video aus.");
      }
      const previous = t.gebaerdenspracheVideo?.key;
      await service.setSignLanguageVideo(t.id, { key, contentType: part.mimetype, size: stored.size }, actor(req));
      if (previous) await ctx.storage.delete(previous).catch((err) => req.log.warn({ err }, "old sign-language video not deleted"));
      return reply.redirect(`/${t.slug}/verwaltung/gebaerdensprache?gespeichert=1`, 303);
    }
    return fail("Bitte wählen Sie ein Video aus.");
  });
  app.post<P>("/:tenant/verwaltung/gebaerdensprache/entfernen", { preHandler: admin, bodyLimit: 4 * 1024 }, async (req, reply) => {
    const t = await profileOf(req);
    const key = t.gebaerdenspracheVideo?.key;
    await service.setSignLanguageVideo(t.id, null, actor(req));
    if (key) await ctx.storage.delete(key).catch((err) => req.log.warn({ err }, "sign-language video file not deleted"));
    return reply.redirect(`/${t.slug}/verwaltung/gebaerdensprache?gespeichert=1`, 303);
  });
}

function settingsValues(t: TenantProfile): SettingsValues {
  return {
    welcome: t.welcome,
    street: t.address.street,
    postalCode: t.address.postalCode,
    city: t.address.city,
    phone: t.contact.phone,
    fax: t.contact.fax ?? "",
    email: t.contact.email,
    website: t.contact.website ?? "",
    openingHours: openingHoursToText(t.openingHours),
    openingNote: t.openingHours.note ?? "",
    primaryColor: t.colors.primary,
    secondaryColor: t.colors.secondary,
    hosts: t.hosts.join("\n"),
    accessibilityEmail: t.accessibilityEmail,
    impressum: t.impressum,
    datenschutz: t.datenschutz,
    barrierefreiheit: t.barrierefreiheit,
    leichteSprache: t.leichteSprache,
    gebaerdenspracheHinweis: t.gebaerdenspracheHinweis,
  };
}

function departmentValues(d: Department): Record<string, string> {
  return {
    name: d.name,
    key: d.key,
    description: d.description,
    street: d.address.street,
    room: d.room ?? "",
    postalCode: d.address.postalCode,
    city: d.address.city,
    phone: d.contact.phone,
    email: d.contact.email,
    openingHours: openingHoursToText(d.openingHours),
    openingNote: d.openingHours.note ?? "",
  };
}

function stringValues(body: Record<string, unknown> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(body ?? {})) if (typeof v === "string" && k !== "_csrf") out[k] = v;
  return out;
}
