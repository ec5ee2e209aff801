import { h, Fragment, type SafeHtml } from "../../../../platform/ui/jsx.js";
import { CsrfField, ErrorSummary, SubmitButton, type FieldErrors } from "../../../../platform/ui/forms.js";
import { formatDate, formatDateTime } from "../../../../platform/clock.js";
import type { Tenant } from "../../../../platform/tenancy.js";
import type { Verdict } from "../../store.js";
import { VERDICT_LABELS } from "../../service.js";
import { FieldError, Notice, councilPaperHref, statementsCount, statementsHref, tableHref } from "./common.js";

export type BodyRole = "vorberatung" | "entscheidung" | "keine";
export const BODY_ROLE_LABELS: Record<BodyRole, string> = { vorberatung: "Vorberatung", entscheidung: "Entscheidung", keine: "nicht beteiligt" };

export interface WeighingSummary {
  total: number;
  byVerdict: Record<Verdict, number>;
  noVerdict: number;
  late: number;
  /** not yet handed to the council */
  unbound: number;
  /** of those: not yet marked "abgewogen" */
  notWeighed: number;
}

export interface HandedWeighing {
  id: string;
  paperId: string | null;
  paperReference: string | null;
  paperName: string | undefined;
  /** the paper's state in the council (Entwurf, Freigabe, …), or undefined when it is gone */
  paperState: string | undefined;
  createdAt: string;
  statementCount: number;
  decidedAt: string | null;
  decisionResult: string | null;
  feedback: { sent: number; total: number };
}

const PAPER_STATES: Record<string, string> = { entwurf: "Entwurf beim Sitzungsdienst", freigabe: "zur Freigabe vorgelegt", freigegeben: "freigegeben" };

/** The Abwägungstabelle of a procedure: summary, exports, the hand-over to the council and what happened to earlier hand-overs. */
export function WeighingTablePage(p: {
  tenant: Tenant;
  procedureId: string;
  procedureTitle: string;
  summary: WeighingSummary;
  bodies: { id: string; name: string }[];
  roles: Record<string, BodyRole>;
  confirmed: boolean;
  weighings: HandedWeighing[];
  errors: FieldErrors;
  notice?: string | undefined;
  csrf: string;
}): SafeHtml {
  const s = p.summary;
  const base = tableHref(p.tenant, p.procedureId);
  const list = statementsHref(p.tenant, p.procedureId);
  return (
    <Fragment>
      <h1 className="kern-heading-large">Abwägungstabelle <span className="kern-body">zum {p.procedureTitle}</span></h1>
      <ErrorSummary errors={p.errors} />
      <Notice text={p.notice} />

      <section aria-labelledby="stand-titel">
        <h2 className="kern-heading-medium" id="stand-titel">Stand der Abwägung</h2>
        <div className="kern-table-responsive">
          <table className="kern-table">
            <caption className="kern-title">Stellungnahmen nach Votum ({statementsCount(s.total)}, davon {s.late.toLocaleString("de-DE")} verspätet)</caption>
            <thead className="kern-table__head">
              <tr className="kern-table__row">
                <th className="kern-table__header" scope="col">Votum</th>
                <th className="kern-table__header" scope="col">Anzahl</th>
              </tr>
            </thead>
            <tbody className="kern-table__body">
              {(Object.keys(VERDICT_LABELS) as Verdict[]).map((v) => (
                <tr className="kern-table__row">
                  <th className="kern-table__cell" scope="row">{VERDICT_LABELS[v]}</th>
                  <td className="kern-table__cell">{s.byVerdict[v].toLocaleString("de-DE")}</td>
                </tr>
              ))}
              <tr className="kern-table__row">
                <th className="kern-table__cell" scope="row">noch ohne Votum</th>
                <td className="kern-table__cell">{s.noVerdict.toLocaleString("de-DE")}</td>
              </tr>
            </tbody>
          </table>
        </div>
        <p className="kern-body">
          {s.notWeighed === 0 ? "Alle Stellungnahmen, die noch nicht dem Rat übergeben sind, sind abgewogen." : (
            <Fragment>
              <strong>Noch nicht abgewogen: {statementsCount(s.notWeighed)}.</strong>{" "}
              <a className="kern-link" href={`${list}?status=neu`}>Neue Stellungnahmen anzeigen</a>{" · "}
              <a className="kern-link" href={`${list}?status=in_bearbeitung`}>Stellungnahmen in Bearbeitung anzeigen</a>
            </Fragment>
          )}
        </p>
      </section>

      <section aria-labelledby="export-titel">
        <h2 className="kern-heading-medium" id="export-titel">Herunterladen</h2>
        <p className="kern-body">Die Tabelle enthält alle Stellungnahmen des Verfahrens in der Reihenfolge des Eingangs, anonymisiert (ohne Namen und Anschriften von Privatpersonen).</p>
        <ul className="kern-list">
          <li><a className="kern-link" href={`${base}.pdf`} download>Abwägungstabelle als PDF</a></li>
          <li><a className="kern-link" href={`${base}.odt`} download>Abwägungstabelle als ODT (zum Bearbeiten in LibreOffice oder Word)</a></li>
          <li><a className="kern-link" href={`${base}.csv`} download>Abwägungstabelle als CSV (für Tabellenkalkulationen)</a></li>
        </ul>
      </section>

      <section aria-labelledby="uebergabe-titel">
        <h2 className="kern-heading-medium" id="uebergabe-titel">Dem Rat zur Entscheidung übergeben</h2>
        {s.unbound === 0 ? <p className="kern-body">Es gibt keine Stellungnahmen, die noch nicht dem Rat übergeben sind.</p> : p.bodies.length === 0 ? (
          <p className="kern-body">Im Ratsinformationssystem sind noch keine Gremien angelegt. Bitte wenden Sie sich an den Sitzungsdienst.</p>
        ) : (
          <form method="post" action={base} className="stack-form" id="uebergabe" tabindex="-1">
            <CsrfField token={p.csrf} />
            <p className="kern-body">
              Aus der Abwägungstabelle der {statementsCount(s.unbound)}, die noch nicht übergeben sind, entsteht eine Beschlussvorlage im Sitzungsdienst (mit der Tabelle als PDF-Anlage).
              Danach lässt sich die Abwägung dieser Stellungnahmen nicht mehr ändern. Nach dem Beschluss erhalten die Einsenderinnen und Einsender, die eine Adresse angegeben haben, das Ergebnis.
            </p>
            <fieldset className={`kern-fieldset${p.errors.entscheidung ? " kern-fieldset--error" : ""}`} id="entscheidung" aria-describedby={p.errors.entscheidung ? "entscheidung-fehler" : "entscheidung-hinweis"}>
              <legend className="kern-label">Beratungsfolge</legend>
              <div className="kern-hint" id="entscheidung-hinweis">Welche Gremien beraten vor, welches entscheidet? Genau ein Gremium entscheidet.</div>
              <FieldError id="entscheidung" error={p.errors.entscheidung} />
              <div className="kern-fieldset__body">
                {p.bodies.map((b) => (
                  <div className="kern-form-input">
                    <label className="kern-label" htmlFor={`rolle-${b.id}`}>{b.name}</label>
                    <div className="kern-form-input__select-wrapper">
                      <select className="kern-form-input__select" id={`rolle-${b.id}`} name={`rolle-${b.id}`}>
                        {(Object.keys(BODY_ROLE_LABELS) as BodyRole[]).map((r) => <option value={r} selected={(p.roles[b.id] ?? "keine") === r}>{BODY_ROLE_LABELS[r]}</option>)}
                      </select>
                    </div>
                  </div>
                ))}
              </div>
            </fieldset>
            <div className={`kern-form-check${p.errors.bestaetigen ? " kern-form-check--error" : ""}`}>
              <input className="kern-form-check__checkbox" type="checkbox" id="bestaetigen" name="bestaetigen" value="ja" checked={p.confirmed} aria-describedby={p.errors.bestaetigen ? "bestaetigen-fehler" : undefined} />
              <label className="kern-label" htmlFor="bestaetigen">Ich habe die Abwägungstabelle geprüft und übergebe sie dem Rat.</label>
              <FieldError id="bestaetigen" error={p.errors.bestaetigen} />
            </div>
            <SubmitButton label="Beschlussvorlage anlegen" />
          </form>
        )}
      </section>

      <section aria-labelledby="uebergeben-titel">
        <h2 className="kern-heading-medium" id="uebergeben-titel">Bisherige Übergaben an den Rat</h2>
        {p.weighings.length === 0 ? <p className="kern-body">Noch keine.</p> : (
          <div className="kern-table-responsive">
            <table className="kern-table kern-table--striped">
              <caption className="kern-title">Übergebene Abwägungen, neueste zuerst</caption>
              <thead className="kern-table__head">
                <tr className="kern-table__row">
                  <th className="kern-table__header" scope="col">Vorlage</th>
                  <th className="kern-table__header" scope="col">Übergeben</th>
                  <th className="kern-table__header" scope="col">Stellungnahmen</th>
                  <th className="kern-table__header" scope="col">Beschluss</th>
                  <th className="kern-table__header" scope="col">Mitteilung an Einsendende</th>
                </tr>
              </thead>
              <tbody className="kern-table__body">
                {p.weighings.map((w) => (
                  <tr className="kern-table__row">
                    <th className="kern-table__cell" scope="row">
                      {w.paperId && w.paperState ? <a className="kern-link" href={councilPaperHref(p.tenant, w.paperId)}>Vorlage {w.paperReference}</a> : `Vorlage ${w.paperReference ?? "–"} (nicht mehr vorhanden)`}
                      {w.paperState ? <Fragment><br />{PAPER_STATES[w.paperState] ?? w.paperState}</Fragment> : null}
                    </th>
                    <td className="kern-table__cell">{formatDateTime(w.createdAt)}</td>
                    <td className="kern-table__cell">{w.statementCount.toLocaleString("de-DE")}</td>
                    <td className="kern-table__cell">{w.decidedAt ? `${w.decisionResult ?? "entschieden"} am ${formatDate(w.decidedAt)}` : "steht noch aus"}</td>
                    <td className="kern-table__cell">{w.decidedAt ? `${w.feedback.sent.toLocaleString("de-DE")} von ${w.feedback.total.toLocaleString("de-DE")} bearbeitet` : "nach dem Beschluss"}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </Fragment>
  );
}
