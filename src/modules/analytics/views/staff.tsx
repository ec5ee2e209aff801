import { h, Fragment, type SafeHtml } from "../../../platform/ui/jsx.js";
import { CsrfField, ErrorSummary, SelectField, SubmitButton, TextField, type FieldErrors } from "../../../platform/ui/forms.js";
import type { Tenant } from "../../../platform/tenancy.js";
import { formatCount, formatPermille, germanDate, sharePermille, type Report } from "../report.js";
import type { AreaRule } from "../classify.js";
import type { RuleRow } from "../store.js";
import type { ChartSeries } from "../chart.js";
import { AreasSection, ChartSection, DEVICE_LABELS, MonthSection, PrivacyStatement, Totals, num, numHead, periodText } from "./parts.js";
import { periodQuery, type Preset } from "./period.js";

/** The Statistik role's pages under /{slug}/verwaltung/statistik. */

export const staffBase = (t: Tenant) => `/${t.slug}/verwaltung/statistik`;
export const publicPath = (t: Tenant) => `/${t.slug}/statistik`;

function Notice(p: { text: string | undefined }): SafeHtml {
  if (!p.text) return <Fragment />;
  return (
    <div className="kern-alert kern-alert--success" role="status">
      <div className="kern-alert__body"><p className="kern-body">{p.text}</p></div>
    </div>
  );
}

function SubNav(p: { tenant: Tenant; current: "bericht" | "bereiche" | "einstellungen"; publicPage: boolean }): SafeHtml {
  const b = staffBase(p.tenant);
  const items: [typeof p.current, string, string][] = [
    ["bericht", b, "Bericht"],
    ["bereiche", `${b}/bereiche`, "Bereiche und Regeln"],
    ["einstellungen", `${b}/einstellungen`, "Einstellungen und Datenschutz"],
  ];
  return (
    <nav aria-label="Statistik" className="analytics-subnav">
      <ul className="kern-list kern-list--horizontal">
        {items.map(([key, href, label]) => (
          <li>{key === p.current ? <a className="kern-link" href={href} aria-current="page"><strong>{label}</strong></a> : <a className="kern-link" href={href}>{label}</a>}</li>
        ))}
        {p.publicPage ? <li><a className="kern-link" href={publicPath(p.tenant)}>Öffentliche Statistikseite ansehen</a></li> : null}
      </ul>
    </nav>
  );
}

function DimensionTable(p: { caption: string; head: string; rows: { value: string; views: number }[]; total: number; label?: (v: string) => string }): SafeHtml {
  return (
    <div className="kern-table-responsive">
      <table className="kern-table kern-table--striped">
        <caption className="kern-title">{p.caption}</caption>
        <thead className="kern-table__head">
          <tr className="kern-table__row">
            <th className="kern-table__header" scope="col">{p.head}</th>
            <th className={numHead} scope="col">Seitenaufrufe</th>
            <th className={numHead} scope="col">Anteil an allen Seitenaufrufen</th>
          </tr>
        </thead>
        <tbody className="kern-table__body">
          {p.rows.map((r) => (
            <tr className="kern-table__row">
              <th className="kern-table__cell" scope="row">{p.label ? p.label(r.value) : r.value}</th>
              <td className={num}>{formatCount(r.views)}</td>
              <td className={num}>{formatPermille(sharePermille(r.views, p.total))}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export interface ReportPageProps {
  tenant: Tenant;
  values: { von: string; bis: string; bereich: string };
  errors: FieldErrors;
  presets: Preset[];
  /** the areas the summary can speak about */
  areaOptions: string[];
  publicPage: boolean;
  result?: { report: Report; summary: string; summaryArea: string; series: ChartSeries; csvHref: string };
}

export function ReportPage(p: ReportPageProps): SafeHtml {
  const b = staffBase(p.tenant);
  const res = p.result;
  const r = res?.report;
  return (
    <Fragment>
      <h1 className="kern-heading-large">Statistik</h1>
      <SubNav tenant={p.tenant} current="bericht" publicPage={p.publicPage} />
      <ErrorSummary errors={p.errors} />
      <p className="kern-body kern-body--large">Wie oft wurden die öffentlichen Seiten der {p.tenant.kind} {p.tenant.name} aufgerufen – gezählt ohne Cookies und ohne fremde Dienste.</p>
      <form method="get" action={b} className="filter-form analytics-period" aria-labelledby="zeitraum-titel" novalidate>
        <h2 className="kern-heading-small" id="zeitraum-titel">Zeitraum und Zusammenfassung</h2>
        <nav aria-label="Schnellauswahl Zeitraum">
          <ul className="kern-list kern-list--horizontal analytics-presets">
            {p.presets.map((pr) => {
              const current = r && r.from === pr.period.from && r.to === pr.period.to;
              return (
                <li>
                  <a className="kern-link" href={`${b}${periodQuery(pr.period, { bereich: p.values.bereich })}`} aria-current={current ? "true" : undefined}>
                    {current ? <strong>{pr.label}</strong> : pr.label}
                    <span className="visually-hidden"> ({periodText(pr.period)})</span>
                  </a>
                </li>
              );
            })}
          </ul>
        </nav>
        <div className="filter-grid">
          <TextField name="von" label="Von" hint="TT.MM.JJJJ" value={p.values.von} error={p.errors.von} required maxlength={10} inputmode="numeric" />
          <TextField name="bis" label="Bis einschließlich" hint="TT.MM.JJJJ" value={p.values.bis} error={p.errors.bis} required maxlength={10} inputmode="numeric" />
          <SelectField name="bereich" label="Bereich für die Zusammenfassung" value={p.values.bereich} error={p.errors.bereich} options={p.areaOptions.map((a) => ({ value: a, label: a }))} />
        </div>
        <SubmitButton label="Anzeigen" secondary />
      </form>
      {res && r ? (
        <Fragment>
          <section aria-labelledby="ueberblick">
            <h2 className="kern-heading-medium" id="ueberblick">Überblick {periodText(r)}</h2>
            <Totals report={r} />
            {r.countingSince ? <p className="kern-body">Gezählt wird seit dem {germanDate(r.countingSince)}.</p> : <p className="kern-body">Bisher wurden keine Seitenaufrufe gezählt.</p>}
            <p className="kern-body"><a className="kern-link" href={res.csvHref} download>Bericht für diesen Zeitraum als CSV-Datei herunterladen</a></p>
          </section>
          <section aria-labelledby="zusammenfassung">
            <h2 className="kern-heading-medium" id="zusammenfassung">Zusammenfassung: {res.summaryArea}</h2>
            <p className="kern-body analytics-summary">{res.summary}</p>
          </section>
          {r.views === 0 ? (
            <p className="kern-body">In diesem Zeitraum wurden keine Seitenaufrufe gezählt.</p>
          ) : (
            <Fragment>
              <AreasSection report={r} />
              <MonthSection report={r} />
              <ChartSection series={res.series} period={r} />
              <section aria-labelledby="seiten">
                <h2 className="kern-heading-medium" id="seiten">Meistbesuchte Seiten</h2>
                <div className="kern-table-responsive">
                  <table className="kern-table kern-table--striped analytics-pages">
                    <caption className="kern-title">Die {formatCount(r.topPages.length)} meistbesuchten Seiten, {periodText(r)}</caption>
                    <thead className="kern-table__head">
                      <tr className="kern-table__row">
                        <th className="kern-table__header" scope="col">Seite</th>
                        <th className="kern-table__header" scope="col">Bereich</th>
                        <th className={numHead} scope="col">Seitenaufrufe</th>
                        <th className={numHead} scope="col">Besuche</th>
                      </tr>
                    </thead>
                    <tbody className="kern-table__body">
                      {r.topPages.map((pg) => (
                        <tr className="kern-table__row">
                          <th className="kern-table__cell" scope="row"><code>{pg.path}</code></th>
                          <td className="kern-table__cell">{pg.subArea ? `${pg.area} – ${pg.subArea}` : pg.area}</td>
                          <td className={num}>{formatCount(pg.views)}</td>
                          <td className={num}>{formatCount(pg.visitors)}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
                <p className="kern-hint">Persönliche Links (etwa Einladungen mit Zugangscode) erscheinen gekürzt mit „…“.</p>
              </section>
              <section aria-labelledby="herkunft">
                <h2 className="kern-heading-medium" id="herkunft">Herkunft</h2>
                {r.referrers.length ? (
                  <DimensionTable caption={`Verweisende Websites, ${periodText(r)}`} head="Website" rows={r.referrers} total={r.views} />
                ) : (
                  <p className="kern-body">Keine Aufrufe über Links anderer Websites.</p>
                )}
                <p className="kern-hint">Gezählt werden nur Aufrufe über einen Link auf einer anderen Website, und nur deren Domain. Direkte Aufrufe, Lesezeichen und Browser, die keine Herkunft senden, erscheinen hier nicht.</p>
              </section>
              <section aria-labelledby="geraete">
                <h2 className="kern-heading-medium" id="geraete">Geräte und Browser</h2>
                <div className="two-columns">
                  <DimensionTable caption={`Geräteart, ${periodText(r)}`} head="Geräteart" rows={r.devices} total={r.views} label={(v) => DEVICE_LABELS[v] ?? v} />
                  <DimensionTable caption={`Browser, ${periodText(r)}`} head="Browser" rows={r.browsers} total={r.views} />
                </div>
              </section>
            </Fragment>
          )}
        </Fragment>
      ) : null}
    </Fragment>
  );
}

// ---- rules ------------------------------------------------------------------------------------

export interface RuleValues {
  pfad: string;
  bereich: string;
  unterbereich: string;
}

export const emptyRule = (): RuleValues => ({ pfad: "", bereich: "", unterbereich: "" });

const prefixLabel = (t: Tenant, prefix: string) => (prefix === "" ? `/${t.slug}/ (nur die Startseite)` : `/${t.slug}/${prefix}`);

export function RulesPage(p: { tenant: Tenant; csrf: string; defaults: readonly AreaRule[]; own: RuleRow[]; values: RuleValues; errors: FieldErrors; notice?: string | undefined; publicPage: boolean }): SafeHtml {
  const b = `${staffBase(p.tenant)}/bereiche`;
  const defaults = [...p.defaults].sort((x, y) => x.prefix.localeCompare(y.prefix, "de"));
  const overridden = new Set(p.own.map((r) => r.path_prefix));
  return (
    <Fragment>
      <h1 className="kern-heading-large">Bereiche und Regeln</h1>
      <SubNav tenant={p.tenant} current="bereiche" publicPage={p.publicPage} />
      <Notice text={p.notice} />
      <ErrorSummary errors={p.errors} />
      <p className="kern-body kern-body--large">
        Jeder Seitenaufruf wird einem Bereich der Website zugeordnet (zum Beispiel „Ratsinformation“) und, wo es sie gibt, einem Unterbereich. Ein Seitenaufruf zählt für die Regel mit dem längsten passenden Pfad; Ihre Regeln gehen vor. Aufrufe ohne Regel zählen als „Sonstige“. Neue Regeln gelten für neue Aufrufe.
      </p>
      <section aria-labelledby="eigene-regeln">
        <h2 className="kern-heading-medium" id="eigene-regeln">Ihre Regeln</h2>
        {p.own.length === 0 ? <p className="kern-body">Sie haben noch keine eigenen Regeln angelegt.</p> : (
          <div className="kern-table-responsive">
            <table className="kern-table kern-table--striped">
              <caption className="kern-title">Eigene Regeln der {p.tenant.kind} {p.tenant.name}</caption>
              <thead className="kern-table__head">
                <tr className="kern-table__row">
                  <th className="kern-table__header" scope="col">Pfad beginnt mit</th>
                  <th className="kern-table__header" scope="col">Bereich</th>
                  <th className="kern-table__header" scope="col">Unterbereich</th>
                  <th className="kern-table__header" scope="col">Aktion</th>
                </tr>
              </thead>
              <tbody className="kern-table__body">
                {p.own.map((r) => (
                  <tr className="kern-table__row">
                    <th className="kern-table__cell" scope="row"><code>{prefixLabel(p.tenant, r.path_prefix)}</code></th>
                    <td className="kern-table__cell">{r.area}</td>
                    <td className="kern-table__cell">{r.sub_area ?? "–"}</td>
                    <td className="kern-table__cell">
                      <form method="post" action={`${b}/${r.id}/entfernen`} className="inline-form">
                        <CsrfField token={p.csrf} />
                        <button type="submit" className="kern-btn kern-btn--secondary kern-btn--small">
                          <span className="kern-label">Entfernen<span className="visually-hidden">: Regel für {prefixLabel(p.tenant, r.path_prefix)}</span></span>
                        </button>
                      </form>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      <section aria-labelledby="neue-regel">
        <h2 className="kern-heading-medium" id="neue-regel">Neue Regel</h2>
        <form method="post" action={b} className="stack-form" novalidate>
          <CsrfField token={p.csrf} />
          <TextField name="pfad" label="Pfad beginnt mit" hint={`Relativ zur Adresse der ${p.tenant.kind}, ohne „/${p.tenant.slug}/“, zum Beispiel aktuelles/corona für alle Seiten unter /${p.tenant.slug}/aktuelles/corona.`} value={p.values.pfad} error={p.errors.pfad} required maxlength={300} />
          <TextField name="bereich" label="Bereich" hint="Zum Beispiel Corona." value={p.values.bereich} error={p.errors.bereich} required maxlength={80} />
          <TextField name="unterbereich" label="Unterbereich" hint="Zum Beispiel Impfzentrum. Leer lassen, wenn der Bereich keine Unterbereiche hat." value={p.values.unterbereich} error={p.errors.unterbereich} maxlength={80} />
          <SubmitButton label="Regel anlegen" />
        </form>
      </section>
      <section aria-labelledby="voreinstellungen">
        <h2 className="kern-heading-medium" id="voreinstellungen">Voreingestellte Regeln</h2>
        <p className="kern-body">Diese Regeln bringen die Teile des Digitalen Rathauses selbst mit; sie lassen sich nicht ändern. Eine eigene Regel für denselben Pfad geht vor.</p>
        <div className="kern-table-responsive">
          <table className="kern-table kern-table--striped">
            <caption className="kern-title">Voreingestellte Regeln</caption>
            <thead className="kern-table__head">
              <tr className="kern-table__row">
                <th className="kern-table__header" scope="col">Pfad beginnt mit</th>
                <th className="kern-table__header" scope="col">Bereich</th>
                <th className="kern-table__header" scope="col">Unterbereich</th>
              </tr>
            </thead>
            <tbody className="kern-table__body">
              {defaults.map((r) => (
                <tr className="kern-table__row">
                  <th className="kern-table__cell" scope="row"><code>{prefixLabel(p.tenant, r.prefix)}</code>{overridden.has(r.prefix) ? " (durch Ihre Regel ersetzt)" : ""}</th>
                  <td className="kern-table__cell">{r.area}</td>
                  <td className="kern-table__cell">{r.subArea || "–"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
    </Fragment>
  );
}

// ---- settings ---------------------------------------------------------------------------------

export interface SettingsValues {
  dnt: boolean;
  oeffentlich: boolean;
  tage: string;
}

function Check(p: { name: string; label: string; hint: string; checked: boolean }): SafeHtml {
  return (
    <div className="analytics-check">
      <div className="kern-form-check">
        <input className="kern-form-check__checkbox" type="checkbox" id={p.name} name={p.name} value="ja" checked={p.checked} aria-describedby={`${p.name}-hinweis`} />
        <label className="kern-label" htmlFor={p.name}>{p.label}</label>
      </div>
      <p className="kern-hint" id={`${p.name}-hinweis`}>{p.hint}</p>
    </div>
  );
}

export function SettingsPage(p: { tenant: Tenant; csrf: string; values: SettingsValues; saved: { honourOptOut: boolean; retentionDays: number; publicPage: boolean }; errors: FieldErrors; notice?: string | undefined }): SafeHtml {
  const v = p.values;
  return (
    <Fragment>
      <h1 className="kern-heading-large">Einstellungen und Datenschutz</h1>
      <SubNav tenant={p.tenant} current="einstellungen" publicPage={p.saved.publicPage} />
      <Notice text={p.notice} />
      <ErrorSummary errors={p.errors} />
      <form method="post" action={`${staffBase(p.tenant)}/einstellungen`} className="stack-form" novalidate>
        <CsrfField token={p.csrf} />
        <Check name="dnt" label="Signale „Do Not Track“ und „Global Privacy Control“ beachten" hint="Aufrufe von Browsern, die eines dieser Signale senden, werden dann nicht gezählt." checked={v.dnt} />
        <Check name="oeffentlich" label="Öffentliche Statistikseite anzeigen" hint={`Unter /${p.tenant.slug}/statistik sehen dann alle die Zahlen der letzten zwölf vollständigen Monate: Seitenaufrufe, Besuche, Bereiche und den Verlauf – ohne einzelne Seiten und ohne Herkunft.`} checked={v.oeffentlich} />
        <TextField name="tage" label="Einzelaufrufe aufbewahren (Tage)" hint="1 bis 31 Tage; voreingestellt sind 7. Danach bleiben nur die Summen." value={v.tage} error={p.errors.tage} required maxlength={2} inputmode="numeric" />
        <SubmitButton label="Speichern" />
      </form>
      <PrivacyStatement tenant={p.tenant} honourOptOut={p.saved.honourOptOut} retentionDays={p.saved.retentionDays} />
      <p className="kern-body">Diese Beschreibung gilt für die gespeicherten Einstellungen. Sie erscheint auch auf der öffentlichen Statistikseite, wenn diese eingeschaltet ist.</p>
    </Fragment>
  );
}
