import { h, Fragment, type SafeHtml, type Child } from "../../../../platform/ui/jsx.js";
import { CsrfField } from "../../../../platform/ui/forms.js";
import type { Tenant } from "../../../../platform/tenancy.js";
import type { StatementSource, StatementStatus } from "../../store.js";

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

/** Bytes as "1,2 MB" / "340 kB". */
export function fileSize(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toLocaleString("de-DE", { maximumFractionDigits: 1 })} MB` : `${Math.max(1, Math.round(bytes / 1024))} kB`;
}

export function Notice(p: { text: string | undefined }): SafeHtml {
  if (!p.text) return <Fragment />;
  return (
    <div className="kern-alert kern-alert--success" role="status">
      <div className="kern-alert__body"><p className="kern-body">{p.text}</p></div>
    </div>
  );
}

/** An error message next to a custom field or inside a fieldset (the markup of platform/ui/forms). */
export function FieldError(p: { id: string; error: string | undefined }): SafeHtml {
  if (!p.error) return <Fragment />;
  return (
    <p className="kern-error" id={`${p.id}-fehler`} role="alert">
      <span className="kern-icon kern-icon--danger kern-icon--small" aria-hidden="true"></span>
      <span className="kern-body">{p.error}</span>
    </p>
  );
}

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

/** Radio buttons in a fieldset whose legend names the question; the fieldset carries the id the error summary links to. */
export function RadioGroup(p: { name: string; legend: string; value: string; options: { value: string; label: string }[]; error?: string | undefined }): SafeHtml {
  return (
    <fieldset className={`kern-fieldset${p.error ? " kern-fieldset--error" : ""}`} id={p.name} aria-describedby={p.error ? `${p.name}-fehler` : undefined}>
      <legend className="kern-label">{p.legend}</legend>
      <FieldError id={p.name} error={p.error} />
      <div className="kern-fieldset__body">
        {p.options.map((o) => (
          <div className="kern-form-check">
            <input className="kern-form-check__radio" type="radio" id={`${p.name}-${o.value}`} name={p.name} value={o.value} checked={p.value === o.value} />
            <label className="kern-label" htmlFor={`${p.name}-${o.value}`}>{o.label}</label>
          </div>
        ))}
      </div>
    </fieldset>
  );
}

export function DescriptionList(p: { rows: [string, Child][] }): SafeHtml {
  return (
    <dl className="kern-description-list">
      {p.rows.map(([k, v]) => (
        <div className="kern-description-list-item"><dt className="kern-description-list-item__key">{k}</dt><dd className="kern-description-list-item__value">{v}</dd></div>
      ))}
    </dl>
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

/** A one-button form for an action on this page; `hidden` fields go along. */
export function ActionButton(p: { action: string; csrf: string; label: string; hidden?: Record<string, string>; srSuffix?: string }): SafeHtml {
  return (
    <form method="post" action={p.action} className="inline-form">
      <CsrfField token={p.csrf} />
      {Object.entries(p.hidden ?? {}).map(([k, v]) => <input type="hidden" name={k} value={v} />)}
      <button type="submit" className="kern-btn kern-btn--secondary">
        <span className="kern-label">{p.label}{p.srSuffix ? <span className="visually-hidden"> {p.srSuffix}</span> : null}</span>
      </button>
    </form>
  );
}

/** "1 Stellungnahme" / "3 Stellungnahmen" */
export const statementsCount = (n: number) => `${n.toLocaleString("de-DE")} ${n === 1 ? "Stellungnahme" : "Stellungnahmen"}`;
