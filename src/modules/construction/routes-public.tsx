import type { FastifyInstance, FastifyRequest } from "fastify";
import { h } from "../../platform/ui/jsx.js";
import type { AppContext } from "../../platform/context.js";
import type { Tenant } from "../../platform/tenancy.js";
import { sendCachedPage } from "../../platform/http/pages.js";
import { notFound } from "../../platform/http/errors.js";
import { can } from "../../platform/auth/permissions.js";
import { UUID_RE } from "../../platform/ids.js";
import { FileNotFoundError } from "../../platform/storage/storage.js";
import { constructionService } from "./service.js";
import { ProjectListPage, ProjectPage, publicBase } from "./views/public.js";
import { CONSTRUCTION_ROLE } from "./role.js";

type TP = { Params: { tenant: string } };
type IP = { Params: { tenant: string; id: string } };

/** A photo's address never changes its content (a new photo gets a new id): browsers may keep it a year. */
const PHOTO_CACHE = "public, max-age=31536000, immutable";

/**
 * Public pages: the list of published projects and a project's page, from the render cache for
 * anonymous visitors (the service bumps the town's content version on every public change; no
 * time-dependent content, so no TTL); photos with tenant and publication checks.
 */
export function registerPublicRoutes(app: FastifyInstance, ctx: AppContext): void {
  const s = constructionService(ctx);
  const tenantOf = (req: FastifyRequest): Tenant => {
    if (!req.tenant) throw notFound("Diese Kommune");
    return req.tenant;
  };
  const home = (t: Tenant) => ({ label: "Startseite", href: `/${t.slug}/` });

  app.get<TP>("/:tenant/bauvorhaben", async (req, reply) => reply.redirect(publicBase(tenantOf(req)), 301));

  app.get<TP>("/:tenant/bauvorhaben/", (req, reply) =>
    sendCachedPage(ctx, req, reply, async () => {
      const t = tenantOf(req);
      const projects = await s.store.publishedProjects(t.id);
      return { opts: { title: "Öffentliche Bauvorhaben", tenant: t, breadcrumbs: [home(t), { label: "Bauvorhaben" }] }, body: <ProjectListPage tenant={t} projects={projects} /> };
    }),
  );

  app.get<IP>("/:tenant/bauvorhaben/:id", (req, reply) => {
    tenantOf(req);
    if (!UUID_RE.test(req.params.id)) throw notFound("Dieses Bauvorhaben");
    return sendCachedPage(ctx, req, reply, async () => {
      const t = tenantOf(req);
      const data = await s.pageData(t.id, req.params.id, { publicOnly: true });
      if (!data) throw notFound("Dieses Bauvorhaben");
      return {
        opts: { title: data.project.title, tenant: t, breadcrumbs: [home(t), { label: "Bauvorhaben", href: publicBase(t) }, { label: data.project.title }] },
        body: <ProjectPage tenant={t} data={data} />,
      };
    });
  });

  app.get<{ Params: { tenant: string; id: string; photoId: string } }>("/:tenant/bauvorhaben/:id/fotos/:photoId", async (req, reply) => {
    const t = tenantOf(req);
    if (!UUID_RE.test(req.params.id) || !UUID_RE.test(req.params.photoId)) throw notFound("Dieses Foto");
    const found = await s.photoOf(t.id, req.params.id, req.params.photoId);
    // the Bauamt sees the photos of drafts (its own pages); nobody else does
    const staffMay = !!req.staff && req.session?.kind === "staff" && can(req.staff, t.id, CONSTRUCTION_ROLE);
    if (!found || (!found.isPublic && !staffMay)) throw notFound("Dieses Foto");
    const { photo } = found;
    let data: Buffer;
    try {
      data = await ctx.storage.read(photo.storage_key);
    } catch (e) {
      if (!(e instanceof FileNotFoundError)) throw e;
      req.log.error({ photoId: photo.id, key: photo.storage_key }, "construction: photo file missing in storage");
      throw notFound("Dieses Foto");
    }
    const etag = `"${photo.sha256}"`;
    reply.header("x-content-type-options", "nosniff").header("etag", etag);
    reply.header("cache-control", found.isPublic ? PHOTO_CACHE : "private, no-store");
    if (found.isPublic && req.headers["if-none-match"] === etag) return reply.code(304).send();
    return reply.type(photo.mime_type).send(data);
  });
}
