import type { FastifyInstance, FastifyRequest } from "fastify";
import { h } from "../../platform/ui/jsx.js";
import type { AppContext } from "../../platform/context.js";
import type { Tenant } from "../../platform/tenancy.js";
import { sendPage } from "../../platform/http/pages.js";
import { HttpError, notFound } from "../../platform/http/errors.js";
import { staffOnly } from "../../platform/auth/guards.js";
import { departmentsWith } from "../../platform/auth/permissions.js";
import { PROCESSING_ROLE } from "../cases/index.js";
import { formatGermanDate } from "../services/index.js";
import { tenantService } from "../tenants/index.js";
import { figuresCsv, parsePeriod, type FiguresService, type Period } from "./figures.js";
import { FiguresPage } from "./views/staff.js";

type FQ = { Params: { tenant: string }; Querystring: { von?: string; bis?: string; nach?: string } };

const str = (v: unknown) => (typeof v === "string" ? v.slice(0, 20) : "");

/**
 * Figures for heads of department. The processing role sees its own departments' cases only,
 * the municipality's administration all of them — the same scope as the inbox.
 */
export function registerStaffRoutes(app: FastifyInstance, ctx: AppContext, figures: FiguresService): void {
  const guard = staffOnly({ tenant: true, role: PROCESSING_ROLE });
  const base = (t: Tenant) => `/${t.slug}/verwaltung/kennzahlen`;
  const tenantOf = (req: FastifyRequest): Tenant => {
    if (!req.tenant) throw notFound("Diese Kommune");
    return req.tenant;
  };
  const query = (p: Period, extra: Record<string, string> = {}) => `?${new URLSearchParams({ von: formatGermanDate(p.from), bis: formatGermanDate(p.to), ...extra }).toString()}`;

  app.get<FQ>("/:tenant/verwaltung/kennzahlen", { preHandler: guard }, async (req, reply) => {
    const t = tenantOf(req);
    const scope = departmentsWith(req.staff, t.id, PROCESSING_ROLE);
    const names = scope === "all" ? "all" : (await tenantService(ctx).store.departments(t.id)).filter((d) => scope.includes(d.id)).map((d) => d.name);
    const input = { von: str(req.query.von), bis: str(req.query.bis) };
    const parsed = parsePeriod(input, figures.today());
    const page = { title: "Kennzahlen", tenant: t, area: "staff" as const, breadcrumbs: [{ label: "Verwaltung", href: `/${t.slug}/verwaltung/` }, { label: "Kennzahlen" }] };
    if (!parsed.ok) {
      return sendPage(ctx, req, reply, { ...page, title: "Fehler: Kennzahlen", status: 422 },
        <FiguresPage action={base(t)} values={input} errors={parsed.errors} figures={undefined} csv={undefined} scope={names} now={ctx.clock.now()} />);
    }
    const p = parsed.period;
    const result = await figures.compute(t.id, scope, p);
    const values = { von: input.von || formatGermanDate(p.from), bis: input.bis || formatGermanDate(p.to) };
    return sendPage(ctx, req, reply, page,
      <FiguresPage action={base(t)} values={values} errors={{}} figures={result} csv={{ service: `${base(t)}.csv${query(p)}`, department: `${base(t)}.csv${query(p, { nach: "amt" })}` }} scope={names} now={ctx.clock.now()} />);
  });

  app.get<FQ>("/:tenant/verwaltung/kennzahlen.csv", { preHandler: guard }, async (req, reply) => {
    const t = tenantOf(req);
    const parsed = parsePeriod({ von: str(req.query.von), bis: str(req.query.bis) }, figures.today());
    if (!parsed.ok) throw new HttpError(400, Object.values(parsed.errors).join(" "), "figures csv: invalid period");
    const by = req.query.nach === "amt" ? "department" : "service";
    const result = await figures.compute(t.id, departmentsWith(req.staff, t.id, PROCESSING_ROLE), parsed.period);
    const name = `kennzahlen-${by === "department" ? "aemter" : "dienste"}-${parsed.period.from}-bis-${parsed.period.to}.csv`;
    return reply
      .header("cache-control", "private, no-store")
      .header("content-disposition", `attachment; filename="${name}"`)
      .header("x-content-type-options", "nosniff")
      .type("text/csv; charset=utf-8")
      .send(figuresCsv(result, by));
  });
}
