import type { AppContext } from "../../platform/context.js";
import type { SeedOptions } from "../../platform/module.js";
import { analyticsService } from "./index.js";
import { addDays } from "./service.js";
import { SITE, type DailyAreaRow, type DailyPageRow, type Dimension } from "./store.js";

/** Demo logins of the statistics role (README). */
export const DEMO_STATISTICS_LOGINS = [
  { tenant: "usingen", email: "statistik@usingen.example", password: "Statistik-Demo-2026", name: "Stefanie Statistik (Usingen)" },
  { tenant: "neu-anspach", email: "statistik@neu-anspach.example", password: "Statistik-Demo-2026", name: "Sven Statistik (Neu-Anspach)" },
] as const;

/** Invented daily page views per path (relative to the town), weights of a small town's portal. */
const PAGES: { rel: string; weight: number }[] = [
  { rel: "", weight: 260 },
  { rel: "dienste/", weight: 30 },
  { rel: "dienste/bereich/meldewesen", weight: 14 },
  { rel: "dienste/bereich/ordnungsamt", weight: 11 },
  { rel: "dienste/bereich/friedhof", weight: 8 },
  { rel: "dienste/bereich/pass-ausweis", weight: 7 },
  { rel: "dienste/bereich/abfall", weight: 6 },
  { rel: "dienste/bereich/standesamt", weight: 4 },
  { rel: "rat/", weight: 40 },
  { rel: "rat/sitzungen", weight: 25 },
  { rel: "aktuelles", weight: 45 },
  { rel: "bekanntmachungen", weight: 20 },
  { rel: "beteiligung/", weight: 12 },
  { rel: "bauvorhaben/", weight: 10 },
  { rel: "kontakt", weight: 35 },
  { rel: "suche", weight: 15 },
  { rel: "impressum", weight: 4 },
  { rel: "datenschutz", weight: 3 },
  { rel: "alte-seite/buergerservice", weight: 9 },
];
const REFERRERS = [["google.de", 0.12], ["usingen.de", 0.05], ["bing.com", 0.02], ["facebook.com", 0.015], ["duckduckgo.com", 0.01]] as const;

/** A deterministic pseudo-random number in [0, 1) from a string (demo figures stay the same on every start). */
function noise(key: string): number {
  let h = 2166136261;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 16777619);
  return ((h >>> 0) % 10_000) / 10_000;
}

export async function seed(ctx: AppContext, options: SeedOptions): Promise<void> {
  if (!options.demo) return;
  const s = analyticsService(ctx);
  // invented figures only for the full demo (npm start); tests (small demo) start from zero
  const days = ctx.config.demoSize === "small" ? 0 : 430;
  for (const login of DEMO_STATISTICS_LOGINS) {
    const tenant = ctx.tenants.bySlug(login.tenant);
    if (!tenant) continue;
    if (!(await ctx.accounts.idByEmail(login.email))) {
      const id = await ctx.accounts.create({ email: login.email, name: login.name, password: login.password });
      await ctx.accounts.grantRole(id, tenant.id, "statistik");
      await ctx.audit.record({ tenantId: tenant.id, actor: { type: "system" }, action: "staff.create", object: { type: "staff-account", id }, fields: ["email", "name", "roles"] });
    }
    if (!days) continue;
    const done = await ctx.db.kysely.selectFrom("analytics_daily_areas").select("day").where("tenant_id", "=", tenant.id).limit(1).execute();
    if (done.length) continue;
    const rules = await s.rulesOf(tenant.id);
    const { classify } = await import("./classify.js");
    const scale = tenant.slug === "usingen" ? 1 : 0.7;
    const today = s.today();
    const written: Parameters<typeof s.store.replaceDay>[2][] = [];
    const dayOf: string[] = [];
    for (let i = days; i >= 1; i--) {
      const day = addDays(today, -i);
      const weekday = new Date(`${day}T12:00:00Z`).getUTCDay();
      // fewer views at weekends, slowly growing use over the months
      const factor = scale * (weekday === 0 || weekday === 6 ? 0.45 : 1) * (0.7 + 0.3 * (1 - i / days));
      const pages: DailyPageRow[] = [];
      for (const p of PAGES) {
        const views = Math.max(0, Math.round(p.weight * factor * (0.75 + 0.5 * noise(`${tenant.slug}|${day}|${p.rel}`))));
        if (!views) continue;
        const { area, subArea } = classify(p.rel, rules);
        pages.push({ tenant_id: tenant.id, day, path: `/${tenant.slug}/${p.rel}`, area, sub_area: subArea, views, visitors: Math.max(1, Math.round(views * 0.62)) });
      }
      const areaMap = new Map<string, DailyAreaRow>();
      const add = (area: string, sub: string, views: number, visitors: number) => {
        const k = `${area}|${sub}`;
        const cur = areaMap.get(k) ?? { tenant_id: tenant.id, day, area, sub_area: sub, views: 0, visitors: 0 };
        cur.views += views;
        cur.visitors += visitors;
        areaMap.set(k, cur);
      };
      for (const p of pages) {
        add(p.area, "", p.views, p.visitors);
        if (p.sub_area) add(p.area, p.sub_area, p.views, p.visitors);
      }
      const total = pages.reduce((a, p) => a + p.views, 0);
      // visitors of the whole site are fewer than the sum over areas (one visitor sees several areas)
      add(SITE, "", total, Math.max(1, Math.round(total * 0.38)));
      const dims: { dimension: Dimension; value: string; views: number }[] = [
        ...REFERRERS.map(([value, share]) => ({ dimension: "referrer" as const, value, views: Math.round(total * share) })).filter((d) => d.views > 0),
        { dimension: "device", value: "desktop", views: Math.round(total * 0.52) },
        { dimension: "device", value: "mobil", views: Math.round(total * 0.41) },
        { dimension: "device", value: "tablet", views: total - Math.round(total * 0.52) - Math.round(total * 0.41) },
        { dimension: "browser", value: "Chrome", views: Math.round(total * 0.46) },
        { dimension: "browser", value: "Safari", views: Math.round(total * 0.27) },
        { dimension: "browser", value: "Firefox", views: Math.round(total * 0.14) },
        { dimension: "browser", value: "Edge", views: total - Math.round(total * 0.46) - Math.round(total * 0.27) - Math.round(total * 0.14) },
      ];
      written.push({ pages, areas: [...areaMap.values()], hours: [], dims: dims.filter((d) => d.views > 0) });
      dayOf.push(day);
    }
    // one transaction per town: a full demo start must stay fast
    await ctx.db.tx(async (trx) => {
      for (let i = 0; i < written.length; i++) await s.store.replaceDay(tenant.id, dayOf[i]!, written[i]!, trx);
    });
  }
}
