import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { h, type Child } from "../../platform/ui/jsx.js";
import type { AppContext } from "../../platform/context.js";
import type { Tenant } from "../../platform/tenancy.js";
import type { Crumb } from "../../platform/ui/layout.js";
import type { FieldErrors } from "../../platform/ui/forms.js";
import { sendCachedPage, sendPage } from "../../platform/http/pages.js";
import { HttpError, notFound } from "../../platform/http/errors.js";
import { staffOnly } from "../../platform/auth/guards.js";
import { UUID_RE } from "../../platform/ids.js";
import { AnalyticsRuleError, type AnalyticsService } from "./service.js";
import { OTHER_AREA } from "./classify.js";
import { germanDate, type Report } from "./report.js";
import { chartSeries } from "./chart.js";
import { parsePeriod, periodQuery, presets, publicPeriod, type Period } from "./views/period.js";
import { defaultSummaryArea } from "./views/parts.js";
import { reportCsv } from "./views/csv.js";
import { ReportPage, RulesPage, SettingsPage, emptyRule, staffBase, type ReportPageProps, type RuleValues, type SettingsValues } from "./views/staff.js";
import { PublicStatisticsPage } from "./views/public.js";

type TP = { Params: { tenant: string } };
type Form = Record<string, unknown>;

const str = (v: unknown, max = 200) => (typeof v === "string" ? v : Array.isArray(v) && typeof v[0] === "string" ? v[0] : "").slice(0, max);

/** The public page's figures change as views come in: an anonymous copy lives one hour. */
const PUBLIC_TTL_MS = 60 * 60 * 1000;

/**
 * The Statistik role's pages under /{slug}/verwaltung/statistik (report with CSV export, area
 * rules, settings) and the town's public statistics page /{slug}/statistik. Thin: parse,
 * authorise, call the service, render. CSRF: the platform's session-token check on every POST;
 * audit: the service.
 */
export function registerAnalyticsRoutes(app: FastifyInstance, ctx: AppContext, s: AnalyticsService): void {
  // the role is STATISTICS_ROLE of index.ts (not imported: index.ts imports this file)
  const guard = staffOnly({ tenant: true, role: "statistik" });
  const tenantOf = (req: FastifyRequest): Tenant => {
    if (!req.tenant) throw notFound("Diese Kommune");
    return req.tenant;
  };
  const actor = (req: FastifyRequest) => ({ id: req.staff!.id });
  const csrf = (req: FastifyRequest) => req.session!.csrfToken;
  const crumbs = (t: Tenant, ...rest: Crumb[]): Crumb[] => [{ label: "Verwaltung", href: `/${t.slug}/verwaltung/` }, { label: "Statistik", href: staffBase(t) }, ...rest];
  const page = (req: FastifyRequest, reply: FastifyReply, t: Tenant, title: string, trail: Crumb[], body: Child, status = 200) =>
    sendPage(ctx, req, reply, { title: status >= 400 ? `Fehler: ${title}` : title, tenant: t, area: "staff", breadcrumbs: trail, status }, body);
  const NOTICES: Record<string, string> = {
    "regel-angelegt": "Die Regel ist angelegt. Sie gilt für neue Seitenaufrufe.",
    "regel-entfernt": "Die Regel ist entfernt. Neue Seitenaufrufe werden wieder nach den übrigen Regeln gezählt.",
    gespeichert: "Die Einstellungen sind gespeichert.",
  };
  const notice = (q: unknown) => NOTICES[str((q as Form).hinweis)];

  /** Areas the summary may speak about: those of the report (by rank), then every area a rule names, and Sonstige. */
  const areaOptions = async (t: Tenant, r: Report | undefined): Promise<string[]> => {
    const names = new Set(r?.areas.map((a) => a.area) ?? []);
    const more = (await s.rulesOf(t.id)).map((x) => x.area).filter((a) => !names.has(a));
    return [...names, ...[...new Set([...more, OTHER_AREA])].filter((a) => !names.has(a)).sort((a, b) => a.localeCompare(b, "de"))];
  };

  // ---- report --------------------------------------------------------------------------------

  app.get<TP & { Querystring: Form }>("/:tenant/verwaltung/statistik", { preHandler: guard }, async (req, reply) => {
    const t = tenantOf(req);
    const today = s.today();
    const input = { von: str(req.query.von, 20), bis: str(req.query.bis, 20), bereich: str(req.query.bereich, 80).trim() };
    const [settings, countingSince] = await Promise.all([s.store.settings(t.id), s.store.firstDay(t.id)]);
    const shortcuts = presets(today, countingSince ?? null);
    const parsed = parsePeriod(input, today);
    const render = (errors: FieldErrors, options: string[], result?: ReportPageProps["result"]) =>
      page(req, reply, t, "Statistik", [{ label: "Verwaltung", href: `/${t.slug}/verwaltung/` }, { label: "Statistik" }], <ReportPage tenant={t} values={input} errors={errors} presets={shortcuts} areaOptions={options} publicPage={settings.publicPage} result={result} />, Object.keys(errors).length ? 422 : 200);
    if (!parsed.ok) {
      req.log.info({ fields: Object.keys(parsed.errors) }, "analytics: report refused (bad period)");
      return render(parsed.errors, await areaOptions(t, undefined));
    }
    const period = parsed.period;
    const report = await s.report(t.id, period.from, period.to);
    const options = await areaOptions(t, report);
    if (input.bereich && !options.includes(input.bereich)) {
      req.log.info({ field: "bereich" }, "analytics: report refused (unknown area)");
      return render({ bereich: "Diesen Bereich gibt es nicht. Bitte wählen Sie einen Bereich aus der Liste." }, options);
    }
    const area = input.bereich || defaultSummaryArea(report);
    input.von = germanDate(period.from);
    input.bis = germanDate(period.to);
    input.bereich = area;
    return render({}, options, {
      report,
      summary: s.summary(report, t.id, area),
      summaryArea: area,
      series: chartSeries(report.daily, period),
      csvHref: `${staffBase(t)}.csv${periodQuery(period)}`,
    });
  });

  app.get<TP & { Querystring: Form }>("/:tenant/verwaltung/statistik.csv", { preHandler: guard }, async (req, reply) => {
    const t = tenantOf(req);
    const parsed = parsePeriod({ von: str(req.query.von, 20), bis: str(req.query.bis, 20) }, s.today());
    if (!parsed.ok) {
      req.log.info({ fields: Object.keys(parsed.errors) }, "analytics: CSV refused (bad period)");
      throw new HttpError(422, Object.values(parsed.errors).join(" "), "analytics csv: invalid period");
    }
    const p: Period = parsed.period;
    const report = await s.report(t.id, p.from, p.to);
    const name = `statistik-${t.slug}-${p.from}-bis-${p.to}.csv`;
    return reply
      .header("cache-control", "private, no-store")
      .header("content-disposition", `attachment; filename="${name}"`)
      .header("x-content-type-options", "nosniff")
      .type("text/csv; charset=utf-8")
      .send(reportCsv(report, chartSeries(report.daily, p, "day").points));
  });

  // ---- rules ---------------------------------------------------------------------------------

  const rulesPage = async (req: FastifyRequest, reply: FastifyReply, t: Tenant, values: RuleValues, errors: FieldErrors, status = 200) => {
    const [own, settings] = await Promise.all([s.store.rules(t.id), s.store.settings(t.id)]);
    const body = <RulesPage tenant={t} csrf={csrf(req)} defaults={s.defaultRules} own={own} values={values} errors={errors} notice={status === 200 ? notice(req.query) : undefined} publicPage={settings.publicPage} />;
    return page(req, reply, t, "Bereiche und Regeln", crumbs(t, { label: "Bereiche und Regeln" }), body, status);
  };

  app.get<TP & { Querystring: Form }>("/:tenant/verwaltung/statistik/bereiche", { preHandler: guard }, async (req, reply) => rulesPage(req, reply, tenantOf(req), emptyRule(), {}));

  app.post<TP & { Body: Form }>("/:tenant/verwaltung/statistik/bereiche", { preHandler: guard }, async (req, reply) => {
    const t = tenantOf(req);
    const body = req.body ?? {};
    const values: RuleValues = { pfad: str(body.pfad, 400), bereich: str(body.bereich, 200), unterbereich: str(body.unterbereich, 200) };
    const prefix = relativePrefix(values.pfad, t.slug);
    const errors: FieldErrors = {};
    if (!prefix) errors.pfad = "Bitte geben Sie den Anfang des Pfads an, zum Beispiel aktuelles/corona.";
    if (values.unterbereich.trim().length > 80) errors.unterbereich = "Der Name des Unterbereichs ist zu lang (höchstens 80 Zeichen).";
    try {
      if (Object.keys(errors).length) throw new AnalyticsRuleError(Object.values(errors)[0]!);
      await s.addRule(t.id, { prefix, area: values.bereich, subArea: values.unterbereich }, actor(req));
    } catch (e) {
      if (!(e instanceof AnalyticsRuleError)) throw e;
      const all = e.field ? { ...errors, [e.field]: e.message } : errors;
      req.log.info({ fields: Object.keys(all) }, "analytics: rule refused (bad input)");
      return rulesPage(req, reply, t, values, all, 422);
    }
    return reply.redirect(`${staffBase(t)}/bereiche?hinweis=regel-angelegt`, 303);
  });

  app.post<{ Params: { tenant: string; id: string } }>("/:tenant/verwaltung/statistik/bereiche/:id/entfernen", { preHandler: guard }, async (req, reply) => {
    const t = tenantOf(req);
    if (!UUID_RE.test(req.params.id)) throw notFound("Diese Regel");
    try {
      await s.removeRule(t.id, req.params.id, actor(req));
    } catch (e) {
      if (!(e instanceof AnalyticsRuleError)) throw e;
      req.log.info({ rule: req.params.id }, "analytics: rule to remove not found in this town");
      throw notFound("Diese Regel");
    }
    return reply.redirect(`${staffBase(t)}/bereiche?hinweis=regel-entfernt`, 303);
  });

  // ---- settings ------------------------------------------------------------------------------

  const settingsPage = async (req: FastifyRequest, reply: FastifyReply, t: Tenant, values: SettingsValues | undefined, errors: FieldErrors, status = 200) => {
    const saved = await s.store.settings(t.id);
    const v = values ?? { dnt: saved.honourOptOut, oeffentlich: saved.publicPage, tage: String(saved.retentionDays) };
    const body = <SettingsPage tenant={t} csrf={csrf(req)} values={v} saved={saved} errors={errors} notice={status === 200 ? notice(req.query) : undefined} />;
    return page(req, reply, t, "Einstellungen und Datenschutz", crumbs(t, { label: "Einstellungen" }), body, status);
  };

  app.get<TP & { Querystring: Form }>("/:tenant/verwaltung/statistik/einstellungen", { preHandler: guard }, async (req, reply) => settingsPage(req, reply, tenantOf(req), undefined, {}));

  app.post<TP & { Body: Form }>("/:tenant/verwaltung/statistik/einstellungen", { preHandler: guard }, async (req, reply) => {
    const t = tenantOf(req);
    const body = req.body ?? {};
    const values: SettingsValues = { dnt: str(body.dnt) === "ja", oeffentlich: str(body.oeffentlich) === "ja", tage: str(body.tage, 10).trim() };
    try {
      if (!/^\d{1,2}$/.test(values.tage)) throw new AnalyticsRuleError("Bitte geben Sie die Aufbewahrungsdauer als ganze Zahl von 1 bis 31 an.", "tage");
      await s.saveSettings(t.id, { honourOptOut: values.dnt, publicPage: values.oeffentlich, retentionDays: Number(values.tage) }, actor(req));
    } catch (e) {
      if (!(e instanceof AnalyticsRuleError)) throw e;
      req.log.info({ field: e.field }, "analytics: settings refused (bad input)");
      return settingsPage(req, reply, t, values, { [e.field ?? "tage"]: e.message }, 422);
    }
    return reply.redirect(`${staffBase(t)}/einstellungen?hinweis=gespeichert`, 303);
  });

  // ---- public page ---------------------------------------------------------------------------

  app.get<TP>("/:tenant/statistik", (req, reply) => {
    tenantOf(req);
    return sendCachedPage(
      ctx,
      req,
      reply,
      async () => {
        const t = tenantOf(req);
        const settings = await s.store.settings(t.id);
        if (!settings.publicPage) throw notFound("Die Statistikseite");
        const today = s.today();
        const period = publicPeriod(today, (await s.store.firstDay(t.id)) ?? null);
        let result;
        if (period) {
          const report = await s.report(t.id, period.from, period.to);
          result = { report, summary: s.summary(report, t.id, defaultSummaryArea(report)), series: chartSeries(report.daily, period), complete: period.to < today };
        }
        return { opts: { title: "Nutzungsstatistik", tenant: t, breadcrumbs: [{ label: "Startseite", href: `/${t.slug}/` }, { label: "Nutzungsstatistik" }] }, body: <PublicStatisticsPage tenant={t} settings={settings} result={result} /> };
      },
      { ttlMs: PUBLIC_TTL_MS },
    );
  });
}

/**
 * The rule's path relative to the town, from what staff type: "aktuelles/corona",
 * "/usingen/aktuelles/corona" or a whole address of the page all give "aktuelles/corona".
 */
export function relativePrefix(raw: string, slug: string): string {
  let v = raw.trim();
  if (/^https?:\/\//i.test(v)) {
    try {
      v = new URL(v).pathname;
    } catch {
      /* keep it as typed; the service refuses what is no path */
    }
  }
  if (v === `/${slug}` || v.startsWith(`/${slug}/`)) v = v.slice(slug.length + 1);
  return v.replace(/^\/+/, "").replace(/[?#].*$/, "");
}
