import { h, Fragment, type SafeHtml } from "../../../../platform/ui/jsx.js";
import { CsrfField, ErrorSummary, SubmitButton, type FieldErrors } from "../../../../platform/ui/forms.js";
import { formatDate } from "../../../../platform/clock.js";
import type { Tenant } from "../../../../platform/tenancy.js";
import type { StatementListItem, StatementStatus } from "../../store.js";
import { STATUS_LABELS, VERDICT_LABELS } from "../../service.js";
import { PAGE_SIZE, filterQuery, hasFilter, type FilterValues } from "./filter.js";
import { FieldError, Notice, SOURCE_LABELS, STATUS_ORDER, Select, statementHref, statementsCount, statementsHref, tableHref, textBlocksHref } from "./common.js";

export interface ListRow {
  item: StatementListItem;
  topics: string[];
  assignee: string | undefined;
}

export interface StatementListProps {
  tenant: Tenant;
  procedureId: string;
  procedureTitle: string;
  values: FilterValues;
  page: number;
  total: number;
  rows: ListRow[];
  counts: { all: number; byStatus: Record<StatementStatus, number>; late: number };
  phases: { id: string; label: string }[];
  topics: { id: string; name: string }[];
  groups: { id: string; title: string }[];
  staff: { id: string; name: string }[];
  csrf: string;
  notice?: string | undefined;
  errors?: FieldErrors;
  /** the bulk form's input after an error */
  bulk?: { ids: string[]; zuweisen: string; gruppentitel: string };
}

/** The planning office's list of statements: filters (GET), counts, one page of 50, bulk assignment and grouping. */
export function StatementListPage(p: StatementListProps): SafeHtml {
  const v = p.values;
  const base = statementsHref(p.tenant, p.procedureId);
  const pages = Math.max(1, Math.ceil(p.total / PAGE_SIZE));
  const offset = (p.page - 1) * PAGE_SIZE;
  const pageHref = (n: number) => `${base}${filterQuery(v, { seite: n > 1 ? n : undefined })}`;
  const selected = new Set(p.bulk?.ids ?? []);
  const errors = p.errors ?? {};
  return (
    <Fragment>
      <h1 className="kern-heading-large">Stellungnahmen <span className="kern-body">zum {p.procedureTitle}</span></h1>
      <ErrorSummary errors={errors} />
      <Notice text={p.notice} />
      <p className="kern-body">
        <a className="kern-link" href={`${base}/neu`}>Stellungnahme aus Brief oder Niederschrift erfassen</a>
        {" · "}
        <a className="kern-link" href={tableHref(p.tenant, p.procedureId)}>Abwägungstabelle und Übergabe an den Rat</a>
        {" · "}
        <a className="kern-link" href={textBlocksHref(p.tenant)}>Textbausteine</a>
      </p>

      <section aria-labelledby="zahlen-titel">
        <h2 className="kern-heading-medium" id="zahlen-titel">Überblick</h2>
        <ul className="kern-list">
          <li>Insgesamt: {statementsCount(p.counts.all)}</li>
          {STATUS_ORDER.map((s) => <li>{STATUS_LABELS[s]}: {p.counts.byStatus[s].toLocaleString("de-DE")}</li>)}
          <li>verspätet eingegangen: {p.counts.late.toLocaleString("de-DE")}</li>
        </ul>
      </section>

      <form method="get" action={base} className="filter-form" aria-labelledby="filter-titel">
        <h2 className="kern-heading-medium" id="filter-titel">Filter</h2>
        <div className="filter-grid kern-grid-md kern-gap-md">
          <div className="kern-col-12 kern-col-4-md">
            <Select id="filter-phase" name="phase" label="Beteiligung" value={v.phase} options={[{ value: "", label: "alle" }, ...p.phases.map((x) => ({ value: x.id, label: x.label }))]} />
          </div>
          <div className="kern-col-12 kern-col-4-md">
            <Select id="filter-status" name="status" label="Stand" value={v.status} options={[{ value: "", label: "alle" }, ...STATUS_ORDER.map((s) => ({ value: s, label: STATUS_LABELS[s] }))]} />
          </div>
          <div className="kern-col-12 kern-col-4-md">
            <Select id="filter-herkunft" name="herkunft" label="Herkunft" value={v.herkunft} options={[{ value: "", label: "alle" }, { value: "oeffentlichkeit", label: SOURCE_LABELS.oeffentlichkeit }, { value: "toeb", label: SOURCE_LABELS.toeb }]} />
          </div>
          <div className="kern-col-12 kern-col-4-md">
            <Select id="filter-votum" name="votum" label="Votum" value={v.votum} options={[{ value: "", label: "alle" }, { value: "offen", label: "noch offen" }, ...Object.entries(VERDICT_LABELS).map(([value, label]) => ({ value, label }))]} />
          </div>
          <div className="kern-col-12 kern-col-4-md">
            <Select id="filter-zustaendig" name="zustaendig" label="Zuständig" value={v.zustaendig} options={[{ value: "", label: "alle" }, { value: "niemand", label: "niemand" }, ...p.staff.map((s) => ({ value: s.id, label: s.name }))]} />
          </div>
          <div className="kern-col-12 kern-col-4-md">
            <Select id="filter-thema" name="thema" label="Thema" value={v.thema} options={[{ value: "", label: "alle" }, ...p.topics.map((x) => ({ value: x.id, label: x.name }))]} />
          </div>
          <div className="kern-col-12 kern-col-4-md">
            <Select id="filter-gruppe" name="gruppe" label="Gruppe" value={v.gruppe} options={[{ value: "", label: "alle" }, ...p.groups.map((x) => ({ value: x.id, label: x.title }))]} />
          </div>
          <div className="kern-col-12 kern-col-4-md">
            <Select id="filter-verspaetet" name="verspaetet" label="Fristgerecht" value={v.verspaetet} options={[{ value: "", label: "alle" }, { value: "ja", label: "nur verspätete" }, { value: "nein", label: "nur fristgerechte" }]} />
          </div>
          <div className="kern-col-12 kern-col-4-md">
            <div className="kern-form-input">
              <label className="kern-label" htmlFor="filter-q">Suche im Text oder Zeichen</label>
              <input className="kern-form-input__input" id="filter-q" name="q" type="search" value={v.q} maxlength={100} />
            </div>
          </div>
        </div>
        <SubmitButton label="Filtern" secondary />
        {hasFilter(v) ? <p className="kern-body"><a className="kern-link" href={base}>Alle Filter zurücksetzen</a></p> : null}
      </form>

      <h2 className="kern-heading-medium" id="liste-titel">{hasFilter(v) ? `${statementsCount(p.total)} für diese Auswahl` : statementsCount(p.total)}</h2>
      {p.rows.length === 0 ? (
        <p className="kern-body">{p.total === 0 ? "Keine Stellungnahmen für diese Auswahl." : "Diese Seite gibt es nicht mehr."} {p.page > 1 && p.total > 0 ? <a className="kern-link" href={pageHref(1)}>Zur ersten Seite</a> : null}</p>
      ) : (
        <form method="post" action={`${base}/sammel${filterQuery(v, { seite: p.page > 1 ? p.page : undefined })}`}>
          <CsrfField token={p.csrf} />
          <div className="kern-table-responsive" id="auswahl" tabindex="-1">
            <table className="kern-table kern-table--striped">
              <caption className="kern-title">Stellungnahmen {offset + 1} bis {offset + p.rows.length} von {p.total.toLocaleString("de-DE")} (Seite {p.page} von {pages}), in der Reihenfolge des Eingangs</caption>
              <thead className="kern-table__head">
                <tr className="kern-table__row">
                  <th className="kern-table__header" scope="col">Auswahl</th>
                  <th className="kern-table__header" scope="col">Zeichen</th>
                  <th className="kern-table__header" scope="col">Eingang</th>
                  <th className="kern-table__header" scope="col">Von</th>
                  <th className="kern-table__header" scope="col">Auszug</th>
                  <th className="kern-table__header" scope="col">Themen</th>
                  <th className="kern-table__header" scope="col">Stand</th>
                  <th className="kern-table__header" scope="col">Votum</th>
                  <th className="kern-table__header" scope="col">Zuständig</th>
                </tr>
              </thead>
              <tbody className="kern-table__body">
                {p.rows.map((r, i) => {
                  const s = r.item;
                  return (
                    <tr className="kern-table__row">
                      <td className="kern-table__cell">
                        <div className="kern-form-check">
                          <input className="kern-form-check__checkbox" type="checkbox" id={`auswahl-${s.id}`} name="ids" value={s.id} checked={selected.has(s.id)} />
                          <label className="kern-label" htmlFor={`auswahl-${s.id}`}><span className="visually-hidden">{s.reference} auswählen</span></label>
                        </div>
                      </td>
                      <th className="kern-table__cell" scope="row"><a className="kern-link" href={`${statementHref(p.tenant, p.procedureId, s.id)}${filterQuery(v, { nr: offset + i })}`}>{s.reference}</a></th>
                      <td className="kern-table__cell">{formatDate(s.submitted_at)}{s.late ? <Fragment><br /><strong>verspätet</strong></Fragment> : null}</td>
                      <td className="kern-table__cell">{s.source === "toeb" ? <Fragment>{SOURCE_LABELS.toeb}{s.agency_name ? <Fragment>: {s.agency_name}</Fragment> : null}</Fragment> : SOURCE_LABELS.oeffentlichkeit}</td>
                      <td className="kern-table__cell">{s.excerpt.length >= 240 ? `${s.excerpt.trimEnd()} …` : s.excerpt}</td>
                      <td className="kern-table__cell">{r.topics.length ? r.topics.join(", ") : "–"}</td>
                      <td className="kern-table__cell">{STATUS_LABELS[s.status]}</td>
                      <td className="kern-table__cell">{s.verdict ? VERDICT_LABELS[s.verdict] : "noch offen"}</td>
                      <td className="kern-table__cell">{r.assignee ?? "niemand"}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
          <fieldset className="kern-fieldset">
            <legend className="kern-label">Ausgewählte Stellungnahmen gruppieren</legend>
            <div className="kern-fieldset__body">
              <div className={`kern-form-input${errors.gruppentitel ? " kern-form-input--error" : ""}`}>
                <label className="kern-label" htmlFor="gruppentitel">Titel der Gruppe</label>
                <div className="kern-hint" id="gruppentitel-hinweis">Zum Beispiel „Sammeleinwendung Lärmschutz Bahnstraße“. Die Abwägung lässt sich dann für alle der Gruppe übernehmen.</div>
                <FieldError id="gruppentitel" error={errors.gruppentitel} />
                <input className="kern-form-input__input" id="gruppentitel" name="gruppentitel" type="text" maxlength={200} value={p.bulk?.gruppentitel ?? ""} aria-describedby={errors.gruppentitel ? "gruppentitel-hinweis gruppentitel-fehler" : "gruppentitel-hinweis"} aria-invalid={errors.gruppentitel ? "true" : undefined} />
              </div>
              <div><button type="submit" name="aktion" value="gruppieren" className="kern-btn kern-btn--secondary"><span className="kern-label">Gruppieren</span></button></div>
            </div>
          </fieldset>
          <fieldset className="kern-fieldset">
            <legend className="kern-label">Ausgewählte Stellungnahmen zuweisen</legend>
            <div className="kern-fieldset__body">
              <Select id="zuweisen" name="zuweisen" label="Zuständig" value={p.bulk?.zuweisen ?? ""} error={errors.zuweisen} options={[{ value: "", label: "niemand (Zuweisung aufheben)" }, ...p.staff.map((s) => ({ value: s.id, label: s.name }))]} />
              <div><button type="submit" name="aktion" value="zuweisen" className="kern-btn kern-btn--secondary"><span className="kern-label">Zuweisen</span></button></div>
            </div>
          </fieldset>
        </form>
      )}
      {pages > 1 ? (
        <nav className="pager" aria-label="Seiten der Liste">
          <ul className="kern-list">
            {p.page > 1 ? <li><a className="kern-link" href={pageHref(1)}>Erste Seite</a></li> : null}
            {p.page > 1 ? <li><a className="kern-link" href={pageHref(p.page - 1)} rel="prev">Vorherige Seite ({p.page - 1})</a></li> : null}
            <li aria-current="page">Seite {p.page} von {pages}</li>
            {p.page < pages ? <li><a className="kern-link" href={pageHref(p.page + 1)} rel="next">Nächste Seite ({p.page + 1})</a></li> : null}
            {p.page < pages ? <li><a className="kern-link" href={pageHref(pages)}>Letzte Seite ({pages})</a></li> : null}
          </ul>
        </nav>
      ) : null}
    </Fragment>
  );
}
