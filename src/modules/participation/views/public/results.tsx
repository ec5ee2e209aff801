import { h, Fragment, type SafeHtml } from "../../../../platform/ui/jsx.js";
import { formatDate, formatDateTime } from "../../../../platform/clock.js";
import type { Tenant } from "../../../../platform/tenancy.js";
import { VERDICT_LABELS, procedureTitle } from "../../service.js";
import type { ProcedureRow, StatementRow, WeighingRow } from "../../store.js";
import { Paragraphs, beteiligungPath, paperHref } from "./common.js";
import { publicStatus } from "./model.js";

function Outcome(p: { tenant: Tenant; statement: StatementRow; weighing: WeighingRow; headingLevel: 2 | 3; idPrefix: string }): SafeHtml {
  const s = p.statement;
  const w = p.weighing;
  const heading = (text: string, id: string) => h(`h${p.headingLevel}`, { className: p.headingLevel === 2 ? "kern-heading-medium" : "kern-heading-small", id }, text);
  return (
    <Fragment>
      <dl className="kern-description-list">
        <div className="kern-description-list-item">
          <dt className="kern-description-list-item__key">Ergebnis der Abwägung</dt>
          <dd className="kern-description-list-item__value">{s.verdict ? VERDICT_LABELS[s.verdict] : "ohne Votum"}</dd>
        </div>
        <div className="kern-description-list-item">
          <dt className="kern-description-list-item__key">Beschluss des Rates</dt>
          <dd className="kern-description-list-item__value">
            am {formatDate(w.decided_at!)}
            {w.decision_result ? `: ${w.decision_result}` : ""}
            {w.council_paper_id ? (
              <Fragment>
                {" "}
                (<a className="kern-link" href={paperHref(p.tenant, w.council_paper_id)}>Beschlussvorlage {w.council_paper_reference ?? ""}</a>)
              </Fragment>
            ) : null}
          </dd>
        </div>
      </dl>
      <section aria-labelledby={`${p.idPrefix}antwort`}>
        {heading("Begründung", `${p.idPrefix}antwort`)}
        {s.response ? <Paragraphs text={s.response} /> : <p className="kern-body">Zu dieser Stellungnahme gibt es keine eigene Begründung.</p>}
      </section>
    </Fragment>
  );
}

/** Behind the link of the feedback mail: the statement as submitted and what the council decided. */
export function ResultPage(p: { tenant: Tenant; statement: StatementRow; procedure: ProcedureRow; weighing: WeighingRow | undefined }): SafeHtml {
  const s = p.statement;
  return (
    <div className="participation-page">
      <h1 className="kern-heading-large">Ergebnis zu Ihrer Stellungnahme {s.reference}</h1>
      <dl className="kern-description-list">
        <div className="kern-description-list-item">
          <dt className="kern-description-list-item__key">Verfahren</dt>
          <dd className="kern-description-list-item__value">
            <a className="kern-link" href={beteiligungPath(p.tenant, p.procedure.id)}>{procedureTitle(p.procedure)}</a>
          </dd>
        </div>
        <div className="kern-description-list-item">
          <dt className="kern-description-list-item__key">Zeichen</dt>
          <dd className="kern-description-list-item__value">{s.reference}</dd>
        </div>
        <div className="kern-description-list-item">
          <dt className="kern-description-list-item__key">Eingegangen am</dt>
          <dd className="kern-description-list-item__value">{formatDateTime(s.submitted_at)}</dd>
        </div>
      </dl>
      {p.weighing?.decided_at ? (
        <section aria-labelledby="ergebnis">
          <h2 className="kern-heading-medium" id="ergebnis">Ergebnis</h2>
          <Outcome tenant={p.tenant} statement={s} weighing={p.weighing} headingLevel={3} idPrefix="" />
        </section>
      ) : (
        <p className="kern-body">Über die Abwägung zu Ihrer Stellungnahme hat der Rat noch nicht entschieden.</p>
      )}
      <section aria-labelledby="stellungnahme">
        <h2 className="kern-heading-medium" id="stellungnahme">Ihre Stellungnahme</h2>
        <div className="statement-text">
          <Paragraphs text={s.text} />
          {s.location_text ? <p className="kern-body">Ort: {s.location_text}</p> : null}
        </div>
      </section>
    </div>
  );
}

export interface MyStatement {
  statement: StatementRow;
  procedure: ProcedureRow | undefined;
  weighing: WeighingRow | undefined;
}

/** "Meine Stellungnahmen": the citizen's statements with their state and, once decided, the result. */
export function MyStatementsPage(p: { tenant: Tenant; items: MyStatement[] }): SafeHtml {
  return (
    <Fragment>
      <h1 className="kern-heading-large">Meine Stellungnahmen</h1>
      <p className="kern-body kern-body--large">Stellungnahmen, die Sie mit Ihrem Servicekonto zu Bauleitplänen abgegeben haben – und nach dem Beschluss des Rates das Ergebnis.</p>
      {p.items.length === 0 ? (
        <p className="kern-body">
          Sie haben noch keine Stellungnahme abgegeben. <a className="kern-link" href={beteiligungPath(p.tenant)}>Zu den Verfahren der Bauleitplanung</a>
        </p>
      ) : (
        p.items.map(({ statement: s, procedure, weighing }) => (
          <section className="my-statement" aria-labelledby={`st-${s.id}`}>
            <h2 className="kern-heading-medium" id={`st-${s.id}`}>{s.reference}{procedure ? ` – ${procedureTitle(procedure)}` : ""}</h2>
            <dl className="kern-description-list">
              <div className="kern-description-list-item">
                <dt className="kern-description-list-item__key">Eingegangen am</dt>
                <dd className="kern-description-list-item__value">{formatDateTime(s.submitted_at)}</dd>
              </div>
              <div className="kern-description-list-item">
                <dt className="kern-description-list-item__key">Stand</dt>
                <dd className="kern-description-list-item__value">{publicStatus(s, weighing)}</dd>
              </div>
              {procedure ? (
                <div className="kern-description-list-item">
                  <dt className="kern-description-list-item__key">Verfahren</dt>
                  <dd className="kern-description-list-item__value">
                    <a className="kern-link" href={beteiligungPath(p.tenant, procedure.id)}>Seite des Verfahrens</a>
                  </dd>
                </div>
              ) : null}
            </dl>
            {weighing?.decided_at ? <Outcome tenant={p.tenant} statement={s} weighing={weighing} headingLevel={3} idPrefix={`st-${s.id}-`} /> : null}
            <details className="kern-accordion">
              <summary className="kern-accordion__header">
                <span className="kern-title">Ihre Stellungnahme lesen</span>
              </summary>
              <div className="kern-accordion__body statement-text">
                <Paragraphs text={s.text} />
              </div>
            </details>
          </section>
        ))
      )}
    </Fragment>
  );
}
