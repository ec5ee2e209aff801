import { h, Fragment, type SafeHtml } from "../../../../platform/ui/jsx.js";
import type { Tenant } from "../../../../platform/tenancy.js";
import type { PhaseRow, ProcedureRow } from "../../store.js";
import { STAGE_LABELS, germanDate, phaseState, procedureTitle } from "../../service.js";
import { Notice, PROCEDURE_STATE_LABELS, procedurePath, staffBase } from "./common.js";

/** One row of the overview: a procedure with its phases and statement counts. */
export interface ProcedureSummary {
  procedure: ProcedureRow;
  phases: PhaseRow[];
  open: number;
  weighed: number;
}

/** The phase that matters now: the open one, else the next planned one, else the last that ended. */
export function currentPhaseText(phases: PhaseRow[], now: Date): string {
  const live = phases.filter((p) => !p.cancelled_at);
  const open = live.find((p) => phaseState(p, now) === "offen");
  if (open) return `${STAGE_LABELS[open.stage]}: läuft bis ${germanDate(open.end_date)}`;
  const next = live.filter((p) => phaseState(p, now) === "geplant").sort((a, b) => a.start_date.localeCompare(b.start_date))[0];
  if (next) return `${STAGE_LABELS[next.stage]}: geplant ab ${germanDate(next.start_date)}`;
  const last = live.filter((p) => phaseState(p, now) === "beendet").sort((a, b) => b.end_date.localeCompare(a.end_date))[0];
  if (last) return `${STAGE_LABELS[last.stage]}: beendet am ${germanDate(last.end_date)}`;
  return "keine";
}

export function OverviewPage(p: { tenant: Tenant; rows: ProcedureSummary[]; now: Date; notice?: string | undefined }): SafeHtml {
  const b = staffBase(p.tenant);
  return (
    <Fragment>
      <h1 className="kern-heading-large">Bauleitplanung: Verfahren und Beteiligung</h1>
      <Notice text={p.notice} />
      <ul className="kern-list">
        <li><a className="kern-link" href={`${b}/neu`}>Neues Verfahren anlegen</a></li>
        <li><a className="kern-link" href={`${b}/xplan`}>Verfahren aus XPlanGML übernehmen</a></li>
        <li><a className="kern-link" href={`${b}/behoerden`}>Träger öffentlicher Belange verwalten</a></li>
        <li><a className="kern-link" href={`${b}/karte`}>Kartendarstellung einstellen</a></li>
      </ul>
      {p.rows.length === 0 ? (
        <p className="kern-body">Es gibt noch keine Verfahren. Legen Sie ein neues an oder übernehmen Sie einen Plan aus einer XPlanGML-Datei.</p>
      ) : (
        <div className="kern-table-responsive">
          <table className="kern-table">
            <caption className="kern-title">Alle Verfahren ({p.rows.length})</caption>
            <thead className="kern-table__head">
              <tr className="kern-table__row">
                <th className="kern-table__header" scope="col">Verfahren</th>
                <th className="kern-table__header" scope="col">Stand</th>
                <th className="kern-table__header" scope="col">Aktuelle Beteiligung</th>
                <th className="kern-table__header" scope="col">Stellungnahmen offen</th>
                <th className="kern-table__header" scope="col">Stellungnahmen abgewogen</th>
              </tr>
            </thead>
            <tbody className="kern-table__body">
              {p.rows.map((r) => (
                <tr className="kern-table__row">
                  <th className="kern-table__cell" scope="row"><a className="kern-link" href={procedurePath(p.tenant, r.procedure.id)}>{procedureTitle(r.procedure)}</a></th>
                  <td className="kern-table__cell">{PROCEDURE_STATE_LABELS[r.procedure.state]}</td>
                  <td className="kern-table__cell">{currentPhaseText(r.phases, p.now)}</td>
                  <td className="kern-table__cell">{r.open}</td>
                  <td className="kern-table__cell">{r.weighed}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Fragment>
  );
}
