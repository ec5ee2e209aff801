import { h, Fragment, type SafeHtml } from "../../../platform/ui/jsx.js";
import { ErrorSummary, SubmitButton, TextField } from "../../../platform/ui/forms.js";
import { formatDateTime } from "../../../platform/clock.js";
import { formatCount, formatDays, periodLabel, type FigureLine, type Figures } from "../figures.js";

export interface FiguresPageProps {
  action: string;
  /** the form's values as typed (or the default period) */
  values: { von: string; bis: string };
  errors: Record<string, string>;
  figures: Figures | undefined;
  /** CSV links of the shown period */
  csv: { service: string; department: string } | undefined;
  /** "all", or the names of the departments the viewer may see */
  scope: "all" | string[];
  now: Date;
}

const num = "kern-table__cell kern-table__cell--numeric";
const numHead = "kern-table__header kern-table__header--numeric";

function Numbers(p: { l: FigureLine }): SafeHtml {
  return (
    <Fragment>
      <td className={num}>{formatCount(p.l.received)}</td>
      <td className={num}>{formatCount(p.l.closed)}</td>
      <td className={num}>{formatDays(p.l.medianDays)}</td>
      <td className={num}>{formatCount(p.l.open)}</td>
      <td className={num}>{formatCount(p.l.overdue)}</td>
    </Fragment>
  );
}

function NumberHeads(): SafeHtml {
  return (
    <Fragment>
      <th className={numHead} scope="col">Eingegangen im Zeitraum</th>
      <th className={numHead} scope="col">Abgeschlossen im Zeitraum</th>
      <th className={numHead} scope="col">Median Bearbeitungsdauer (Tage)</th>
      <th className={numHead} scope="col">Offen jetzt</th>
      <th className={numHead} scope="col">Davon überfällig</th>
    </Fragment>
  );
}

/** Figures for heads of department: the period form, then one table per service and one per department. */
export function FiguresPage(p: FiguresPageProps): SafeHtml {
  const f = p.figures;
  return (
    <Fragment>
      <h1 className="kern-heading-large">Kennzahlen</h1>
      <ErrorSummary errors={p.errors} />
      <p className="kern-body kern-body--large">
        Eingänge, Bearbeitungsdauer und offene Vorgänge {p.scope === "all" ? "aller Ämter" : p.scope.length === 1 ? `im Amt „${p.scope[0]}“` : `in den Ämtern ${p.scope.map((s) => `„${s}“`).join(", ")}`}.
      </p>
      <form method="get" action={p.action} className="filter-form" aria-labelledby="zeitraum-titel" novalidate>
        <h2 className="kern-heading-small" id="zeitraum-titel">Zeitraum</h2>
        <div className="filter-grid">
          <TextField name="von" label="Von" hint="TT.MM.JJJJ" value={p.values.von} error={p.errors.von} required maxlength={10} />
          <TextField name="bis" label="Bis einschließlich" hint="TT.MM.JJJJ" value={p.values.bis} error={p.errors.bis} required maxlength={10} />
        </div>
        <SubmitButton label="Anzeigen" secondary />
      </form>
      {f ? (
        <Fragment>
          <p className="kern-body">
            Eingänge und Abschlüsse zählen nach Kalendertagen (Europe/Berlin) vom {periodLabel(f.period)}. Die Bearbeitungsdauer ist die Zeit vom Eingang bis zum Abschluss; der Median betrifft die im Zeitraum abgeschlossenen Vorgänge.
            Offene und überfällige Vorgänge: Stand {formatDateTime(p.now)}.
          </p>
          <section aria-labelledby="nach-dienst">
            <h2 className="kern-heading-medium" id="nach-dienst">Nach Online-Dienst</h2>
            {f.byService.length === 0 ? <p className="kern-body">Für diesen Zeitraum gibt es keine Vorgänge.</p> : (
              <div className="kern-table-responsive">
                <table className="kern-table kern-table--striped">
                  <caption className="kern-title">Vorgänge nach Online-Dienst, {periodLabel(f.period)}</caption>
                  <thead className="kern-table__head">
                    <tr className="kern-table__row">
                      <th className="kern-table__header" scope="col">Online-Dienst</th>
                      <th className="kern-table__header" scope="col">Amt</th>
                      <NumberHeads />
                    </tr>
                  </thead>
                  <tbody className="kern-table__body">
                    {f.byService.map((l) => (
                      <tr className="kern-table__row">
                        <th className="kern-table__cell" scope="row">{l.serviceTitle ?? ""}</th>
                        <td className="kern-table__cell">{l.departmentName}</td>
                        <Numbers l={l} />
                      </tr>
                    ))}
                  </tbody>
                  <tfoot className="kern-table__footer">
                    <tr className="kern-table__row">
                      <th className="kern-table__cell" scope="row" colspan={2}>Summe</th>
                      <Numbers l={f.total} />
                    </tr>
                  </tfoot>
                </table>
              </div>
            )}
            {p.csv && f.byService.length ? <p className="kern-body"><a className="kern-link" href={p.csv.service} download>Tabelle „Nach Online-Dienst“ als CSV herunterladen</a></p> : null}
          </section>
          <section aria-labelledby="nach-amt">
            <h2 className="kern-heading-medium" id="nach-amt">Nach Amt</h2>
            {f.byDepartment.length === 0 ? <p className="kern-body">Für diesen Zeitraum gibt es keine Vorgänge.</p> : (
              <div className="kern-table-responsive">
                <table className="kern-table kern-table--striped">
                  <caption className="kern-title">Vorgänge nach Amt, {periodLabel(f.period)}</caption>
                  <thead className="kern-table__head">
                    <tr className="kern-table__row">
                      <th className="kern-table__header" scope="col">Amt</th>
                      <NumberHeads />
                    </tr>
                  </thead>
                  <tbody className="kern-table__body">
                    {f.byDepartment.map((l) => (
                      <tr className="kern-table__row">
                        <th className="kern-table__cell" scope="row">{l.departmentName}</th>
                        <Numbers l={l} />
                      </tr>
                    ))}
                  </tbody>
                  <tfoot className="kern-table__footer">
                    <tr className="kern-table__row">
                      <th className="kern-table__cell" scope="row">Summe</th>
                      <Numbers l={f.total} />
                    </tr>
                  </tfoot>
                </table>
              </div>
            )}
            {p.csv && f.byDepartment.length ? <p className="kern-body"><a className="kern-link" href={p.csv.department} download>Tabelle „Nach Amt“ als CSV herunterladen</a></p> : null}
          </section>
        </Fragment>
      ) : null}
    </Fragment>
  );
}
