import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { h, type Child } from "../../../platform/ui/jsx.js";
import type { AppContext } from "../../../platform/context.js";
import type { Tenant } from "../../../platform/tenancy.js";
import { sendPage } from "../../../platform/http/pages.js";
import { notFound } from "../../../platform/http/errors.js";
import { staffOnly } from "../../../platform/auth/guards.js";
import { FediverseInputError, type FediverseService } from "./service.js";
import type { DeliveryStatus } from "./store.js";
import { DeliveriesPage, MastodonPage, OverviewPage, fediverseBase } from "./views.js";

type TP = { Params: { tenant: string } };
type IP = { Params: { tenant: string; id: string } };
type Form = Record<string, unknown>;
const str = (v: unknown) => (typeof v === "string" ? v : "");

const NOTICES: Record<string, string> = {
  gefolgt: "Die Anfrage zum Folgen ist gesendet. Sobald das Konto sie bestätigt, steht es als „bestätigt“ in der Liste.",
  beendet: "Die Kommune folgt diesem Konto nicht mehr.",
  erneut: "Die Zustellung wird erneut versucht.",
  gespeichert: "Das Mastodon-Konto ist gespeichert.",
  entfernt: "Die Verbindung zum Mastodon-Konto ist entfernt.",
};

/**
 * The Redaktion's pages under /{slug}/verwaltung/fediverse: the town's handle and actor, followers,
 * following (and "Einem Fediverse-Konto folgen"), the deliveries with failures and "Erneut senden",
 * the Mastodon account. Thin: parse, authorise, call the service, render.
 */
export function registerFediverseStaffRoutes(app: FastifyInstance, ctx: AppContext, fediverse: FediverseService): void {
  const redaktion = staffOnly({ tenant: true, role: "redaktion" });
  const store = fediverse.store;
  const tenantOf = (req: FastifyRequest): Tenant => {
    if (!req.tenant) throw notFound("Diese Kommune");
    return req.tenant;
  };
  const csrf = (req: FastifyRequest) => req.session!.csrfToken;
  const actor = (req: FastifyRequest) => ({ id: req.staff!.id });
  const page = (req: FastifyRequest, reply: FastifyReply, t: Tenant, title: string, trail: { label: string; href?: string }[], body: Child, status = 200) =>
    sendPage(ctx, req, reply, { title: status >= 400 ? `Fehler: ${title}` : title, tenant: t, area: "staff", status, breadcrumbs: [{ label: "Verwaltung", href: `/${t.slug}/verwaltung/` }, ...trail] }, body);
  const notice = (q: unknown) => NOTICES[str((q as Record<string, unknown>).hinweis)];

  const overview = async (req: FastifyRequest, reply: FastifyReply, t: Tenant, extra: { account?: string; errors?: Record<string, string>; status?: number } = {}) => {
    const [followers, followerCount, following, received, failed, mastodon] = await Promise.all([
      store.followers(t.id, { limit: 200 }),
      store.followerCount(t.id),
      store.following(t.id),
      store.received(t.id, 10),
      store.deliveries(t.id, { status: "failed", limit: 1000 }),
      store.mastodon(t.id),
    ]);
    return page(req, reply, t, "Fediverse", [{ label: "Fediverse" }], (
      <OverviewPage tenant={t} csrf={csrf(req)} handle={fediverse.handle(t)} actorUri={fediverse.actorUri(t)} followers={followers} followerCount={followerCount}
        following={following} received={received} failedCount={failed.length} mastodon={mastodon} account={extra.account ?? ""} errors={extra.errors ?? {}} notice={notice(req.query)} />
    ), extra.status);
  };

  app.get<TP>("/:tenant/verwaltung/fediverse", { preHandler: redaktion }, async (req, reply) => overview(req, reply, tenantOf(req)));

  app.post<TP & { Body: Form }>("/:tenant/verwaltung/fediverse/folgen", { preHandler: redaktion }, async (req, reply) => {
    const t = tenantOf(req);
    const account = str(req.body?.konto).slice(0, 500);
    try {
      await fediverse.follow(t, account, actor(req));
    } catch (e) {
      if (!(e instanceof FediverseInputError)) throw e;
      req.log.info({ tenantId: t.id, reason: e.message }, "fediverse: follow refused");
      return overview(req, reply, t, { account, errors: { [e.field]: e.message }, status: 422 });
    }
    return reply.redirect(`${fediverseBase(t)}?hinweis=gefolgt`, 303);
  });

  app.post<IP>("/:tenant/verwaltung/fediverse/folgen/:id/beenden", { preHandler: redaktion }, async (req, reply) => {
    const t = tenantOf(req);
    try {
      await fediverse.unfollow(t, req.params.id, actor(req));
    } catch (e) {
      if (!(e instanceof FediverseInputError)) throw e;
      throw notFound("Dieses Konto");
    }
    return reply.redirect(`${fediverseBase(t)}?hinweis=beendet`, 303);
  });

  const deliveries = async (req: FastifyRequest, reply: FastifyReply, t: Tenant, status: DeliveryStatus | "", error?: string) => {
    const rows = await store.deliveries(t.id, { ...(status ? { status } : {}), limit: 200 });
    const titles = new Map<string, string>();
    for (const id of new Set(rows.map((d) => d.item_id).filter((x): x is string => !!x))) {
      const post = await store.post(t.id, id);
      if (post) titles.set(id, post.title);
    }
    return page(req, reply, t, "Zustellungen", [{ label: "Fediverse", href: fediverseBase(t) }, { label: "Zustellungen" }],
      <DeliveriesPage tenant={t} csrf={csrf(req)} deliveries={rows} status={status} titles={titles} notice={notice(req.query)} error={error} />, error ? 422 : 200);
  };

  app.get<TP & { Querystring: Record<string, unknown> }>("/:tenant/verwaltung/fediverse/zustellungen", { preHandler: redaktion }, async (req, reply) => {
    const raw = str(req.query.stand);
    const status = (["queued", "sent", "failed"] as const).find((s) => s === raw) ?? "";
    return deliveries(req, reply, tenantOf(req), status);
  });

  app.post<IP>("/:tenant/verwaltung/fediverse/zustellungen/:id/erneut", { preHandler: redaktion }, async (req, reply) => {
    const t = tenantOf(req);
    try {
      await fediverse.retryDelivery(t, req.params.id, actor(req));
    } catch (e) {
      if (!(e instanceof FediverseInputError)) throw e;
      if (e.message.startsWith("Diese Zustellung gibt es nicht")) throw notFound("Diese Zustellung");
      return deliveries(req, reply, t, "", e.message);
    }
    return reply.redirect(`${fediverseBase(t)}/zustellungen?hinweis=erneut`, 303);
  });

  const mastodonPage = async (req: FastifyRequest, reply: FastifyReply, t: Tenant, extra: { instanceUrl?: string; errors?: Record<string, string>; status?: number } = {}) => {
    const account = await store.mastodon(t.id);
    return page(req, reply, t, "Mastodon-Konto", [{ label: "Fediverse", href: fediverseBase(t) }, { label: "Mastodon-Konto" }],
      <MastodonPage tenant={t} csrf={csrf(req)} account={account} instanceUrl={extra.instanceUrl ?? account?.instance_url ?? ""} errors={extra.errors ?? {}} notice={notice(req.query)} />, extra.status);
  };

  app.get<TP>("/:tenant/verwaltung/fediverse/mastodon", { preHandler: redaktion }, async (req, reply) => mastodonPage(req, reply, tenantOf(req)));

  app.post<TP & { Body: Form }>("/:tenant/verwaltung/fediverse/mastodon", { preHandler: redaktion }, async (req, reply) => {
    const t = tenantOf(req);
    const instanceUrl = str(req.body?.instanz).slice(0, 200);
    try {
      await fediverse.saveMastodon(t, { instanceUrl, token: str(req.body?.zugangstoken).slice(0, 600) }, actor(req));
    } catch (e) {
      if (!(e instanceof FediverseInputError)) throw e;
      req.log.info({ tenantId: t.id, field: e.field }, "mastodon: settings refused");
      return mastodonPage(req, reply, t, { instanceUrl, errors: { [e.field]: e.message }, status: 422 });
    }
    return reply.redirect(`${fediverseBase(t)}/mastodon?hinweis=gespeichert`, 303);
  });

  app.post<TP>("/:tenant/verwaltung/fediverse/mastodon/entfernen", { preHandler: redaktion }, async (req, reply) => {
    const t = tenantOf(req);
    await fediverse.removeMastodon(t, actor(req));
    return reply.redirect(`${fediverseBase(t)}/mastodon?hinweis=entfernt`, 303);
  });
}
