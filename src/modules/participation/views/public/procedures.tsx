import { h, Fragment, type SafeHtml } from "../../../../platform/ui/jsx.js";
import type { Tenant } from "../../../../platform/tenancy.js";
import { PLAN_TYPES, STAGE_LABELS, germanDate, phaseState, procedureTitle, stageParagraphs } from "../../service.js";
import type { DocumentRow, PhaseRow, ProcedureRow, WeighingRow } from "../../store.js";
import { Badge, DecisionNote, DocumentList, Paragraphs, beteiligungPath } from "./common.js";
import { PROCEDURE_STATES, currentPhase, periodText, phaseStateText } from "./model.js";

const STATE_TONES = { geplant: "info", offen: "success", beendet: "warning", abgesagt: "danger" } as const;

function who(ph: Pick<PhaseRow, "public_participation" | "agency_participation">): string {
  if (ph.public_participation && ph.agency_participation) return "Öffentlichkeit und Träger öffentlicher Belange";
  return ph.public_participation ? "Öffentlichkeit" : "Träger öffentlicher Belange";
}

export interface CurrentEntry {
  procedure: ProcedureRow;
  /** open or coming phases, not cancelled */
  phases: PhaseRow[];
}

/** /{slug}/beteiligung/: running procedures (those open or coming first), then past ones. */
export function ProcedureListPage(p: { tenant: Tenant; current: CurrentEntry[]; idle: ProcedureRow[]; past: ProcedureRow[]; now: Date }): SafeHtml {
  const t = p.tenant;
  return (
    <div className="participation-page">
      <h1 className="kern-heading-large">Beteiligung an der Bauleitplanung</h1>
      <p className="kern-body kern-body--large">
        Wenn die {t.kind} einen Bebauungsplan oder den Flächennutzungsplan aufstellt oder ändert, können Sie die Entwürfe einsehen und dazu Stellung nehmen. Hier finden Sie die Verfahren, die Unterlagen und das Formular für Ihre Stellungnahme.
      </p>

      <section aria-labelledby="laufend">
        <h2 className="kern-heading-medium" id="laufend">Laufende Verfahren</h2>
        {p.current.length === 0 && p.idle.length === 0 ? <p className="kern-body">Derzeit läuft kein Verfahren.</p> : null}
        {p.current.length > 0 || p.idle.length > 0 ? (
          <ul className="participation-list">
            {p.current.map((e) => (
              <li>
                <h3 className="kern-heading-small">
                  <a className="kern-link" href={beteiligungPath(t, e.procedure.id)}>{procedureTitle(e.procedure)}</a>
                </h3>
                {e.procedure.area_description ? <p className="kern-body">Geltungsbereich: {e.procedure.area_description}</p> : null}
                <ul className="kern-list">
                  {e.phases.map((ph) => {
                    const state = phaseState(ph, p.now);
                    return (
                      <li>
                        {STAGE_LABELS[ph.stage]} ({who(ph)}), {periodText(ph)}: <strong>{phaseStateText(ph, state)}</strong>
                        {state === "offen" && ph.public_participation ? " – Stellungnahmen sind jetzt möglich." : ""}
                      </li>
                    );
                  })}
                </ul>
              </li>
            ))}
            {p.idle.map((proc) => (
              <li>
                <h3 className="kern-heading-small">
                  <a className="kern-link" href={beteiligungPath(t, proc.id)}>{procedureTitle(proc)}</a>
                </h3>
                <p className="kern-body">Derzeit keine Beteiligung – die Stadtplanung bearbeitet die Stellungnahmen oder bereitet den nächsten Schritt vor.</p>
              </li>
            ))}
          </ul>
        ) : null}
      </section>

      <section aria-labelledby="abgeschlossen">
        <h2 className="kern-heading-medium" id="abgeschlossen">Abgeschlossene Verfahren</h2>
        {p.past.length === 0 ? (
          <p className="kern-body">Es gibt noch keine abgeschlossenen Verfahren.</p>
        ) : (
          <ul className="kern-list">
            {p.past.map((proc) => (
              <li>
                <a className="kern-link" href={beteiligungPath(t, proc.id)}>{procedureTitle(proc)}</a> ({PROCEDURE_STATES[proc.state]})
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}

export interface ProcedurePageProps {
  tenant: Tenant;
  procedure: ProcedureRow;
  phases: PhaseRow[];
  documents: DocumentRow[];
  weighings: WeighingRow[];
  now: Date;
  /** the SVG outline (or nothing) */
  map: SafeHtml;
  /** the open phase with public participation, if any */
  open: PhaseRow | undefined;
}

/** /{slug}/beteiligung/{id}: the plan, its phases, the announcement, the documents, the scope area. */
export function ProcedurePage(p: ProcedurePageProps): SafeHtml {
  const t = p.tenant;
  const proc = p.procedure;
  const current = currentPhase(p.phases, p.now);
  const decided = p.weighings.filter((w) => w.decided_at);
  const agencyOnlyOpen = !p.open && p.phases.find((ph) => !ph.public_participation && phaseState(ph, p.now) === "offen");
  return (
    <div className="participation-page">
      <h1 className="kern-heading-large">{procedureTitle(proc)}</h1>
      <dl className="kern-description-list">
        <div className="kern-description-list-item">
          <dt className="kern-description-list-item__key">Art des Plans</dt>
          <dd className="kern-description-list-item__value">{PLAN_TYPES[proc.plan_type]}</dd>
        </div>
        {proc.number ? (
          <div className="kern-description-list-item">
            <dt className="kern-description-list-item__key">Nummer</dt>
            <dd className="kern-description-list-item__value">{proc.number}</dd>
          </div>
        ) : null}
        {proc.area_description ? (
          <div className="kern-description-list-item">
            <dt className="kern-description-list-item__key">Geltungsbereich</dt>
            <dd className="kern-description-list-item__value">{proc.area_description}</dd>
          </div>
        ) : null}
        <div className="kern-description-list-item">
          <dt className="kern-description-list-item__key">Stand des Verfahrens</dt>
          <dd className="kern-description-list-item__value">{PROCEDURE_STATES[proc.state]}</dd>
        </div>
      </dl>
      {proc.description ? <Paragraphs text={proc.description} /> : null}

      {p.open ? (
        <div className="participation-cta">
          <p className="kern-body">
            Bis zum {germanDate(p.open.end_date)} (24:00 Uhr) können Sie online zu diesem Plan Stellung nehmen – mit oder ohne Servicekonto.
          </p>
          <a className="kern-btn kern-btn--primary" href={beteiligungPath(t, `${proc.id}/stellungnahme`)}>
            <span className="kern-label">Stellungnahme abgeben</span>
          </a>
        </div>
      ) : agencyOnlyOpen ? (
        <p className="kern-body">Zurzeit werden die Behörden und sonstigen Träger öffentlicher Belange beteiligt. Sie haben ihren persönlichen Zugang per E-Mail erhalten.</p>
      ) : null}

      {decided.length ? (
        <section aria-labelledby="beschluss">
          <h2 className="kern-heading-medium" id="beschluss">Beschluss über die Abwägung</h2>
          {decided.map((w) => <DecisionNote tenant={t} weighing={w} />)}
        </section>
      ) : null}

      <section aria-labelledby="ablauf">
        <h2 className="kern-heading-medium" id="ablauf">Ablauf der Beteiligung</h2>
        {p.phases.length === 0 ? (
          <p className="kern-body">Für dieses Verfahren ist noch keine Beteiligung angesetzt.</p>
        ) : (
          <ol className="phase-timeline">
            {p.phases.map((ph) => {
              const state = phaseState(ph, p.now);
              return (
                <li className={`phase-timeline__item phase-timeline__item--${state}`}>
                  <h3 className="kern-heading-small">{STAGE_LABELS[ph.stage]}</h3>
                  <p className="kern-body">
                    nach {stageParagraphs(ph.stage, !!ph.public_participation, !!ph.agency_participation)}; beteiligt: {who(ph)}
                  </p>
                  <p className="kern-body">
                    Zeitraum: {periodText(ph)} <Badge tone={STATE_TONES[state]} label={phaseStateText(ph, state)} />
                  </p>
                  {ph.shortened_reason ? <p className="kern-body kern-body--small">Verkürzte Frist (§ 4a Abs. 3 BauGB): {ph.shortened_reason}</p> : null}
                </li>
              );
            })}
          </ol>
        )}
      </section>

      {current && current.announcement_text ? (
        <section aria-labelledby="bekanntmachung">
          <h2 className="kern-heading-medium" id="bekanntmachung">Bekanntmachung</h2>
          <div className="participation-announcement">
            <Paragraphs text={current.announcement_text} />
          </div>
        </section>
      ) : null}

      <section aria-labelledby="unterlagen">
        <h2 className="kern-heading-medium" id="unterlagen">Unterlagen</h2>
        <DocumentList tenant={t} documents={p.documents} />
      </section>

      {p.map.html ? (
        <section aria-labelledby="karte">
          <h2 className="kern-heading-medium" id="karte">Geltungsbereich auf der Karte</h2>
          {p.map}
        </section>
      ) : null}

      <p className="kern-body no-print">
        <a className="kern-link" href={beteiligungPath(t)}>Alle Verfahren der Bauleitplanung</a>
      </p>
    </div>
  );
}
