import { h, Fragment, type SafeHtml } from "../../../platform/ui/jsx.js";
import type { Tenant } from "../../../platform/tenancy.js";
import { germanDate, monthName, type Report } from "../report.js";
import type { ChartSeries } from "../chart.js";
import { AreasSection, ChartSection, MonthSection, PrivacyStatement, Totals, periodText } from "./parts.js";

/**
 * The public statistics page of a town (when it switched it on): totals, areas with shares, the
 * monthly chart with its table, the text summary and how counting works. No single pages and no
 * referrers.
 */
export function PublicStatisticsPage(p: {
  tenant: Tenant;
  settings: { honourOptOut: boolean; retentionDays: number };
  result?: { report: Report; summary: string; series: ChartSeries; complete: boolean } | undefined;
}): SafeHtml {
  const res = p.result;
  const r = res?.report;
  return (
    <Fragment>
      <h1 className="kern-heading-large">Nutzungsstatistik</h1>
      <p className="kern-body kern-body--large">
        Wie oft werden die Seiten der {p.tenant.kind} {p.tenant.name} aufgerufen, und welche Bereiche werden am meisten genutzt? Gezählt wird ohne Cookies, ohne Skript und ohne fremde Dienste.
      </p>
      {res && r ? (
        <Fragment>
          <section aria-labelledby="ueberblick">
            <h2 className="kern-heading-medium" id="ueberblick">Überblick {periodText(r)}</h2>
            <p className="kern-body">
              {res.complete ? `Gezeigt werden die vollständigen Kalendermonate bis einschließlich ${monthName(r.to.slice(0, 7))}` : "Gezeigt wird die Zeit seit Beginn der Zählung bis heute"}
              {r.countingSince && r.countingSince >= r.from ? `; gezählt wird seit dem ${germanDate(r.countingSince)}` : ""}. Die Zahlen werden laufend aktualisiert.
            </p>
            <Totals report={r} />
          </section>
          <section aria-labelledby="zusammenfassung">
            <h2 className="kern-heading-medium" id="zusammenfassung">Zusammenfassung</h2>
            <p className="kern-body analytics-summary">{res.summary}</p>
          </section>
          {r.views > 0 ? (
            <Fragment>
              <AreasSection report={r} />
              <MonthSection report={r} />
              <ChartSection series={res.series} period={r} />
            </Fragment>
          ) : null}
        </Fragment>
      ) : (
        <p className="kern-body">Es wurden noch keine Seitenaufrufe gezählt.</p>
      )}
      <PrivacyStatement tenant={p.tenant} honourOptOut={p.settings.honourOptOut} retentionDays={p.settings.retentionDays} />
    </Fragment>
  );
}
