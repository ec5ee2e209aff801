import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { h } from "../../platform/ui/jsx.js";
import type { AppContext } from "../../platform/context.js";
import { sendPage } from "../../platform/http/pages.js";
import { notFound } from "../../platform/http/errors.js";
import { citizenOf, citizenOnly } from "../../platform/auth/citizen.js";
import type { CitizenExport } from "./export.js";
import { MyDataPage } from "./views/citizen.js";

type TP = { Params: { tenant: string } };

/**
 * "Meine Daten" in Mein Rathaus: the page and the two downloads. Like the identity module's
 * Datenauskunft, personal data leaves the town hall only after a login with a high trust level.
 */
export function registerCitizenRoutes(app: FastifyInstance, ctx: AppContext, exporter: CitizenExport): void {
  const high = citizenOnly("high");
  const crumbs = (slug: string) => [{ label: "Startseite", href: `/${slug}/` }, { label: "Mein Rathaus", href: `/${slug}/mein-rathaus/` }, { label: "Meine Daten" }];

  /** The logged-in citizen's account; a session whose account was deleted meanwhile ends here. */
  const accountOf = async (req: FastifyRequest, reply: FastifyReply) => {
    const tenant = req.tenant;
    if (!tenant) throw notFound("Diese Kommune");
    const account = await exporter.account(tenant, citizenOf(req)!.accountId);
    if (!account) {
      await app.sessions.destroy(req, reply);
      return undefined;
    }
    return { tenant, account };
  };

  app.get<TP>("/:tenant/mein-rathaus/meine-daten", { preHandler: high }, async (req, reply) => {
    const a = await accountOf(req, reply);
    if (!a) return reply.redirect(`/${req.params.tenant}/anmelden`, 303);
    return sendPage(ctx, req, reply, { title: "Meine Daten herunterladen", tenant: a.tenant, breadcrumbs: crumbs(a.tenant.slug) }, <MyDataPage tenant={a.tenant} />);
  });

  const download = (format: "json" | "pdf") => async (req: FastifyRequest<TP>, reply: FastifyReply) => {
    const a = await accountOf(req, reply);
    if (!a) return reply.redirect(`/${req.params.tenant}/anmelden`, 303);
    const data = await exporter.collect(a.tenant, a.account);
    const body = format === "json" ? JSON.stringify(data, null, 2) : await exporter.pdf(a.tenant, a.account, data);
    await ctx.audit.record({
      tenantId: a.tenant.id,
      actor: { type: "citizen", id: a.account.id },
      action: `records.export.${format}`,
      object: { type: "citizen-account", id: a.account.id },
      fields: ["konto", "kontoprotokoll", "antragsentwuerfe", "antraege", "vorgaenge"],
    });
    req.log.info({ format, drafts: data.antragsentwuerfe.length, submissions: data.antraege.length }, "citizen data export");
    return reply
      .header("cache-control", "private, no-store")
      .header("content-disposition", `attachment; filename="meine-daten.${format}"`)
      .header("x-content-type-options", "nosniff")
      .type(format === "json" ? "application/json; charset=utf-8" : "application/pdf")
      .send(body);
  };
  app.get<TP>("/:tenant/mein-rathaus/meine-daten.json", { preHandler: high }, download("json"));
  app.get<TP>("/:tenant/mein-rathaus/meine-daten.pdf", { preHandler: high }, download("pdf"));
}
