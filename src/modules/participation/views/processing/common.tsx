import { h, Fragment, type SafeHtml, type Child } from "../../../../platform/ui/jsx.js";
import { CsrfField } from "../../../../platform/ui/forms.js";
import type { Tenant } from "../../../../platform/tenancy.js";
import type { StatementSource, StatementStatus } from "../../store.js";
import { FieldError } from "../staff/common.js";

// shared with the procedure pages
export { ActionButton, DescriptionList, FieldError, Notice, RadioGroup, fileSize } from "../staff/common.js";

/** Shared pieces of the statement processing pages under /{slug}/verwaltung/beteiligung/{id}/…. */

export const planningBase = (t: Tenant) => `/${t.slug}/verwaltung/beteiligung`;
export const procedureHref = (t: Tenant, procedureId: string) => `${planningBase(t)}/${procedureId}`;
export const statementsHref = (t: Tenant, procedureId: string) => `${procedureHref(t, procedureId)}/stellungnahmen`;
export const statementHref = (t: Tenant, procedureId: string, statementId: string) => `${statementsHref(t, procedureId)}/${statementId}`;
export const tableHref = (t: Tenant, procedureId: string) => `${procedureHref(t, procedureId)}/abwaegung`;
export const textBlocksHref = (t: Tenant) => `${planningBase(t)}/textbausteine`;
/** The Sitzungsdienst's page of a council paper (council module, routes-staff.tsx). */
export const councilPaperHref = (t: Tenant, paperId: string) => `/${t.slug}/verwaltung/rat/vorlagen/${paperId}`;

export const SOURCE_LABELS: Record<StatementSource, string> = { oeffentlichkeit: "Öffentlichkeit", toeb: "Träger öffentlicher Belange" };
export const STATUS_ORDER: StatementStatus[] = ["neu", "in_bearbeitung", "abgewogen"];
export const CHANNEL_LABELS = { online: "online eingereicht", verwaltung: "von der Verwaltung erfasst (Brief, Niederschrift)" } as const;

/** A select in KERN markup with its own id (several on one page), optional error. */
export function Select(p: { id: string; name: string; label: string; value: string; options: { value: string; label: string }[]; error?: string | undefined; hint?: string }): SafeHtml {
  const described = [p.hint ? `${p.id}-hinweis` : "", p.error ? `${p.id}-fehler` : ""].filter(Boolean).join(" ") || undefined;
  return (
    <div className={`kern-form-input${p.error ? " kern-form-input--error" : ""}`}>
      <label className="kern-label" htmlFor={p.id}>{p.label}</label>
      {p.hint ? <div className="kern-hint" id={`${p.id}-hinweis`}>{p.hint}</div> : null}
      <FieldError id={p.id} error={p.error} />
      <div className="kern-form-input__select-wrapper">
        <select className={`kern-form-input__select${p.error ? " kern-form-input__select--error" : ""}`} id={p.id} name={p.name} aria-describedby={described} aria-invalid={p.error ? "true" : undefined}>
          {p.options.map((o) => <option value={o.value} selected={o.value === p.value}>{o.label}</option>)}
        </select>
      </div>
    </div>
  );
}

/** Plain text with its line breaks: paragraphs at blank lines, <br> within them. */
export function MultilineText(p: { text: string }): SafeHtml {
  const paragraphs = p.text.split(/\n{2,}/).filter((x) => x.trim());
  return (
    <Fragment>
      {paragraphs.map((para) => {
        const lines = para.split("\n");
        return <p className="kern-body">{lines.map((l, i) => (i === 0 ? l : [<br />, l]))}</p>;
      })}
    </Fragment>
  );
}

/** "1 Stellungnahme" / "3 Stellungnahmen" */
export const statementsCount = (n: number) => `${n.toLocaleString("de-DE")} ${n === 1 ? "Stellungnahme" : "Stellungnahmen"}`;
