import { h, Fragment, type SafeHtml } from "../../../platform/ui/jsx.js";
import type { Tenant } from "../../../platform/tenancy.js";
import { formatCount, formatPermille, germanDate, monthName, sharePermille, type AreaFigure, type MonthChange, type Report } from "../report.js";
import { Chart, ChartTable, type ChartSeries } from "../chart.js";

/** Pieces both the staff report and the public statistics page show. */

export const DEVICE_LABELS: Record<string, string> = { desktop: "Desktop", mobil: "Mobil", tablet: "Tablet" };

export const num = "kern-table__cell kern-table__cell--numeric";
export const numHead = "kern-table__header kern-table__header--numeric";

export const periodText = (r: { from: string; to: string }) => (r.from === r.to ? `am ${germanDate(r.from)}` : `vom ${germanDate(r.from)} bis ${germanDate(r.to)}`);

/** "+12", "−4", "0" */
export function signedCount(n: number): string {
  return n > 0 ? `+${formatCount(n)}` : n < 0 ? `−${formatCount(-n)}` : "0";
}

/** "+100,0 %", "−10,0 %", or "–" without a base. */
export function signedPermille(p: number | null): string {
  if (p === null) return "–";
  return p > 0 ? `+${formatPermille(p)}` : formatPermille(p);
}

/** The area the summary speaks about by default: the Digitales Rathaus if it has views, else the most visited. */
export function defaultSummaryArea(r: Report): string {
  const dr = r.areas.find((a) => a.area === "Digitales Rathaus" && a.views > 0);
  return dr?.area ?? r.areas[0]?.area ?? "Digitales Rathaus";
}

export function Totals(p: { report: Report }): SafeHtml {
  const r = p.report;
  return (
    <Fragment>
      <dl className="kern-description-list analytics-totals">
        <div className="kern-description-list-item">
          <dt className="kern-description-list-item__key">Seitenaufrufe</dt>
          <dd className="kern-description-list-item__value">{formatCount(r.views)}</dd>
        </div>
        <div className="kern-description-list-item">
          <dt className="kern-description-list-item__key">Besuche</dt>
          <dd className="kern-description-list-item__value">{formatCount(r.visitors)}</dd>
        </div>
      </dl>
      <p className="kern-hint" id="besuche-hinweis">
        Besuche werden ohne Cookie gezählt: Wer an einem Tag mehrere Seiten aufruft, ist an diesem Tag ein Besuch. Am nächsten Tag ist niemand wiederzuerkennen – „Besuche“ über einen Zeitraum sind deshalb die Summe der täglichen Besuche; wer an drei Tagen kommt, zählt dreimal.
      </p>
    </Fragment>
  );
}

function SubAreaTable(p: { area: AreaFigure; period: string }): SafeHtml {
  const a = p.area;
  return (
    <div className="kern-table-responsive">
      <table className="kern-table kern-table--striped">
        <caption className="kern-title">Unterbereiche von „{a.area}“, {p.period}</caption>
        <thead className="kern-table__head">
          <tr className="kern-table__row">
            <th className="kern-table__header" scope="col">Unterbereich</th>
            <th className={numHead} scope="col">Seitenaufrufe</th>
            <th className={numHead} scope="col">Anteil an allen Seitenaufrufen</th>
            <th className={numHead} scope="col">Anteil am Bereich</th>
            <th className={numHead} scope="col">Besuche</th>
          </tr>
        </thead>
        <tbody className="kern-table__body">
          {a.subAreas.map((s) => (
            <tr className="kern-table__row">
              <th className="kern-table__cell" scope="row">{s.subArea}</th>
              <td className={num}>{formatCount(s.views)}</td>
              <td className={num}>{formatPermille(s.share)}</td>
              <td className={num}>{formatPermille(sharePermille(s.views, a.views))}</td>
              <td className={num}>{formatCount(s.visitors)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** All areas with rank, views, share and visitors; then one table per area with sub-areas. */
export function AreasSection(p: { report: Report }): SafeHtml {
  const r = p.report;
  const period = periodText(r);
  const withSubs = r.areas.filter((a) => a.subAreas.length > 0);
  return (
    <section aria-labelledby="bereiche">
      <h2 className="kern-heading-medium" id="bereiche">Bereiche</h2>
      <p className="kern-body">Der Anteil bezieht sich auf alle Seitenaufrufe der Website im Zeitraum, „Sonstige“ (Seiten ohne eigenen Bereich) eingeschlossen. Bereiche mit gleich vielen Aufrufen teilen sich einen Rang.</p>
      <div className="kern-table-responsive">
        <table className="kern-table kern-table--striped">
          <caption className="kern-title">Seitenaufrufe nach Bereich, {period}</caption>
          <thead className="kern-table__head">
            <tr className="kern-table__row">
              <th className={numHead} scope="col">Rang</th>
              <th className="kern-table__header" scope="col">Bereich</th>
              <th className={numHead} scope="col">Seitenaufrufe</th>
              <th className={numHead} scope="col">Anteil</th>
              <th className={numHead} scope="col">Besuche</th>
            </tr>
          </thead>
          <tbody className="kern-table__body">
            {r.areas.map((a) => (
              <tr className="kern-table__row">
                <td className={num}>{a.rank}</td>
                <th className="kern-table__cell" scope="row">{a.area}</th>
                <td className={num}>{formatCount(a.views)}</td>
                <td className={num}>{formatPermille(a.share)}</td>
                <td className={num}>{formatCount(a.visitors)}</td>
              </tr>
            ))}
          </tbody>
          <tfoot className="kern-table__footer">
            <tr className="kern-table__row">
              <td className={num}></td>
              <th className="kern-table__cell" scope="row">Alle Seiten</th>
              <td className={num}>{formatCount(r.views)}</td>
              <td className={num}>{formatPermille(r.views > 0 ? 1000 : 0)}</td>
              <td className={num}>{formatCount(r.visitors)}</td>
            </tr>
          </tfoot>
        </table>
      </div>
      <p className="kern-hint">Die Besuche der Bereiche ergeben zusammen mehr als die Besuche der ganzen Website: Wer an einem Tag zwei Bereiche aufruft, ist in jedem der beiden ein Besuch.</p>
      {withSubs.map((a) => (
        <div className="analytics-subareas">
          <SubAreaTable area={a} period={period} />
        </div>
      ))}
    </section>
  );
}

/** The period's last complete month against the month before, for the site and every area. */
export function MonthSection(p: { report: Report }): SafeHtml {
  const r = p.report;
  const site = r.monthly.site;
  return (
    <section aria-labelledby="vormonat">
      <h2 className="kern-heading-medium" id="vormonat">Vergleich mit dem Vormonat</h2>
      {site ? (
        <Fragment>
          <p className="kern-body">
            Der letzte vollständige Kalendermonat im Zeitraum ist der {monthName(site.month)}; er wird mit dem {monthName(site.previousMonth)} verglichen.
            {site.change === 0 ? ` Die Website wurde in beiden Monaten gleich oft aufgerufen (${formatCount(site.views)}-mal).` : ` Die Website wurde ${formatCount(Math.abs(site.change))}-mal ${site.change > 0 ? "häufiger" : "seltener"} aufgerufen${site.changePermille === null ? "" : ` (${signedPermille(site.changePermille)})`}.`}
          </p>
          <div className="kern-table-responsive">
            <table className="kern-table kern-table--striped">
              <caption className="kern-title">Seitenaufrufe im {monthName(site.month)} und im {monthName(site.previousMonth)}</caption>
              <thead className="kern-table__head">
                <tr className="kern-table__row">
                  <th className="kern-table__header" scope="col">Bereich</th>
                  <th className={numHead} scope="col">{monthName(site.previousMonth)}</th>
                  <th className={numHead} scope="col">{monthName(site.month)}</th>
                  <th className={numHead} scope="col">Veränderung</th>
                  <th className={numHead} scope="col">Veränderung in Prozent</th>
                </tr>
              </thead>
              <tbody className="kern-table__body">
                <ChangeRow label="Alle Seiten" m={site} />
                {monthAreas(r).map(([area, m]) => <ChangeRow label={area} m={m} />)}
              </tbody>
            </table>
          </div>
          <p className="kern-hint">„–“: Im Vormonat gab es keine Seitenaufrufe, eine prozentuale Veränderung lässt sich nicht angeben.</p>
        </Fragment>
      ) : (
        <p className="kern-body">Der Zeitraum enthält keine zwei aufeinanderfolgenden vollständigen Kalendermonate; ein Vergleich mit dem Vormonat ist deshalb nicht möglich. Wählen Sie zum Beispiel „Dieses Jahr“ oder einen Zeitraum, der am Ersten eines Monats beginnt und mindestens zwei volle Monate umfasst.</p>
      )}
    </section>
  );
}

/** Areas in the order of the report (rank), then areas that only had views in the compared months. */
function monthAreas(r: Report): [string, MonthChange][] {
  const order = new Map(r.areas.map((a, i) => [a.area, i]));
  return Object.entries(r.monthly.byArea).sort(([a], [b]) => (order.get(a) ?? 1e9) - (order.get(b) ?? 1e9) || a.localeCompare(b, "de"));
}

function ChangeRow(p: { label: string; m: MonthChange }): SafeHtml {
  return (
    <tr className="kern-table__row">
      <th className="kern-table__cell" scope="row">{p.label}</th>
      <td className={num}>{formatCount(p.m.previousViews)}</td>
      <td className={num}>{formatCount(p.m.views)}</td>
      <td className={num}>{signedCount(p.m.change)}</td>
      <td className={num}>{signedPermille(p.m.changePermille)}</td>
    </tr>
  );
}

/** The chart with its table (in a <details>, the same numbers as the SVG). */
export function ChartSection(p: { series: ChartSeries; period: { from: string; to: string } }): SafeHtml {
  const per = p.series.unit === "day" ? "Tag" : "Monat";
  const title = `Seitenaufrufe und Besuche pro ${per}, ${periodText(p.period)}`;
  return (
    <section aria-labelledby="verlauf">
      <h2 className="kern-heading-medium" id="verlauf">Verlauf pro {per}</h2>
      <Chart id="verlauf-diagramm" title={title} series={p.series} />
      <details className="kern-accordion analytics-chart-details">
        <summary className="kern-accordion__header">
          <span className="kern-title">Die Zahlen des Diagramms als Tabelle</span>
        </summary>
        <div className="kern-accordion__body">
          <ChartTable caption={title} series={p.series} />
        </div>
      </details>
    </section>
  );
}

/** How the counting works, in words a data protection officer can check. */
export function PrivacyStatement(p: { tenant: Tenant; honourOptOut: boolean; retentionDays: number; headingLevel?: 2 | 3; id?: string }): SafeHtml {
  const id = p.id ?? "datenschutz";
  const heading = "So zählt die Statistik";
  const days = p.retentionDays === 1 ? "einem Tag" : `${p.retentionDays} Tagen`;
  return (
    <section aria-labelledby={id} className="analytics-privacy">
      {p.headingLevel === 3 ? <h3 className="kern-heading-small" id={id}>{heading}</h3> : <h2 className="kern-heading-medium" id={id}>{heading}</h2>}
      <ul className="kern-list kern-list--bullet">
        <li>Es wird kein Cookie gesetzt, und es wird nichts auf Ihrem Gerät gespeichert oder ausgelesen.</li>
        <li>Es läuft kein Skript in Ihrem Browser: Gezählt wird auf dem Server der {p.tenant.kind} {p.tenant.name}, wenn er eine öffentliche Seite ausliefert.</li>
        <li>Es werden keine Daten an Dritte übermittelt; es ist kein fremder Dienst beteiligt.</li>
        <li>Die IP-Adresse und die vollständige Browserkennung werden nicht gespeichert. Um Besuche eines Tages zu zählen, wird aus einer zufälligen Zeichenfolge, die jeden Tag neu erzeugt wird, der Kommune, der IP-Adresse und der Browserkennung eine verkürzte Prüfsumme (Hashwert) gebildet. Die Zeichenfolge wird nach Ablauf des Tages gelöscht; danach lässt sich die Prüfsumme niemandem mehr zuordnen, und niemand ist an einem anderen Tag wiederzuerkennen.</li>
        <li>Zu jedem Aufruf werden gespeichert: die aufgerufene Seite (ohne Suchparameter; persönliche Links werden gekürzt), der Zeitpunkt, der Bereich der Website, die Domain der Website, von der ein Link hierher führte, die Geräteart (Desktop, Mobil, Tablet), die Browserfamilie (z. B. Firefox) und die Prüfsumme.</li>
        <li>Diese Einzelaufrufe werden nach {days} gelöscht. Danach bleiben nur Summen (Aufrufe und Besuche je Tag, Seite und Bereich, je Stunde sowie je Herkunft, Geräteart und Browserfamilie), aus denen sich nicht ablesen lässt, wer eine Seite aufgerufen hat.</li>
        <li>Automatische Abrufe (Suchmaschinen und andere Programme) werden nicht gezählt.</li>
        <li>{p.honourOptOut ? "Sendet Ihr Browser das Signal „Do Not Track“ oder „Global Privacy Control“, wird Ihr Aufruf nicht gezählt." : "Die Browsersignale „Do Not Track“ und „Global Privacy Control“ werden derzeit nicht ausgewertet; auch Aufrufe mit diesen Signalen werden wie oben beschrieben gezählt."}</li>
      </ul>
    </section>
  );
}
