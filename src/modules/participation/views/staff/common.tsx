import { h, Fragment, type SafeHtml, type Child } from "../../../../platform/ui/jsx.js";
import { CsrfField, SubmitButton } from "../../../../platform/ui/forms.js";
import type { Tenant } from "../../../../platform/tenancy.js";
import type { ProcedureState } from "../../store.js";
import type { PhaseState } from "../../service.js";

/** Shared pieces of the planning office's pages under /{slug}/verwaltung/beteiligung. */

export const staffBase = (t: Tenant) => `/${t.slug}/verwaltung/beteiligung`;
export const procedurePath = (t: Tenant, id: string) => `${staffBase(t)}/${id}`;

export const PROCEDURE_STATE_LABELS: Record<ProcedureState, string> = {
  entwurf: "Entwurf (nicht öffentlich)",
  laufend: "laufend (öffentlich)",
  abgeschlossen: "abgeschlossen",
  eingestellt: "eingestellt",
};

export const PHASE_STATE_LABELS: Record<PhaseState, string> = { geplant: "geplant", offen: "läuft", beendet: "beendet", abgesagt: "abgesagt" };

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

/** A one-button form; `hidden` fields go along, `srSuffix` tells screen readers which row the button acts on. */
export function ActionButton(p: { action: string; csrf: string; label: string; hidden?: Record<string, string>; primary?: boolean; srSuffix?: string }): SafeHtml {
  return (
    <form method="post" action={p.action} className="inline-form">
      <CsrfField token={p.csrf} />
      {Object.entries(p.hidden ?? {}).map(([k, v]) => <input type="hidden" name={k} value={v} />)}
      <button type="submit" className={`kern-btn ${p.primary ? "kern-btn--primary" : "kern-btn--secondary"}`}>
        <span className="kern-label">{p.label}{p.srSuffix ? <span className="visually-hidden"> {p.srSuffix}</span> : null}</span>
      </button>
    </form>
  );
}

/** A link styled as a button. */
export function ButtonLink(p: { href: string; label: string; primary?: boolean; srSuffix?: string }): SafeHtml {
  return (
    <a className={`kern-btn ${p.primary ? "kern-btn--primary" : "kern-btn--secondary"}`} href={p.href}>
      <span className="kern-label">{p.label}{p.srSuffix ? <span className="visually-hidden"> {p.srSuffix}</span> : null}</span>
    </a>
  );
}

/** A confirmation step: says what will happen, then one button; cancelling goes back. */
export function ConfirmPage(p: { title: string; intro: string; children?: Child; action: string; csrf: string; button: string; cancelHref: string }): SafeHtml {
  return (
    <Fragment>
      <h1 className="kern-heading-large">{p.title}</h1>
      <p className="kern-body">{p.intro}</p>
      {p.children ?? null}
      <form method="post" action={p.action} className="stack-form">
        <CsrfField token={p.csrf} />
        <SubmitButton label={p.button} />
      </form>
      <p className="kern-body"><a className="kern-link" href={p.cancelHref}>Abbrechen und zurück</a></p>
    </Fragment>
  );
}

/** An error message inside a fieldset or next to a custom field (same markup as platform/ui/forms). */
export function FieldError(p: { id: string; error: string | undefined }): SafeHtml {
  if (!p.error) return <Fragment />;
  return (
    <p className="kern-error" id={`${p.id}-fehler`} role="alert">
      <span className="kern-icon kern-icon--danger kern-icon--small" aria-hidden="true"></span>
      <span className="kern-body">{p.error}</span>
    </p>
  );
}

/** A check box with its label. */
export function CheckBox(p: { id: string; name: string; value?: string; label: string; checked: boolean; hint?: string; error?: string | undefined }): SafeHtml {
  const described = [p.hint ? `${p.id}-hinweis` : "", p.error ? `${p.id}-fehler` : ""].filter(Boolean).join(" ");
  return (
    <div className={`kern-form-check${p.error ? " kern-form-check--error" : ""}`}>
      <FieldError id={p.id} error={p.error} />
      <input className="kern-form-check__checkbox" type="checkbox" id={p.id} name={p.name} value={p.value ?? "1"} checked={p.checked} aria-describedby={described || undefined} aria-invalid={p.error ? "true" : undefined} />
      <label className="kern-label" htmlFor={p.id}>{p.label}</label>
      {p.hint ? <div className="kern-hint" id={`${p.id}-hinweis`}>{p.hint}</div> : null}
    </div>
  );
}

/** Radio buttons in a fieldset whose legend names the question; the fieldset carries the field's id for the error summary. */
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

/** A file input in KERN markup with label, hint and error (platform/ui/forms has none). */
export function FileField(p: { name: string; label: string; hint?: string; error?: string | undefined; accept?: string; required?: boolean }): SafeHtml {
  const described = [p.hint ? `${p.name}-hinweis` : "", p.error ? `${p.name}-fehler` : ""].filter(Boolean).join(" ");
  return (
    <div className={`kern-form-input${p.error ? " kern-form-input--error" : ""}`}>
      <label className="kern-label" htmlFor={p.name}>
        {p.label}
        {p.required ? null : <span className="kern-label__optional"> – optional</span>}
      </label>
      {p.hint ? <div className="kern-hint" id={`${p.name}-hinweis`}>{p.hint}</div> : null}
      <FieldError id={p.name} error={p.error} />
      <input className={`kern-form-input__input${p.error ? " kern-form-input__input--error" : ""}`} id={p.name} name={p.name} type="file" accept={p.accept} aria-describedby={described || undefined} aria-invalid={p.error ? "true" : undefined} />
    </div>
  );
}

/** "27.11.2026" from "2026-11-27" (empty stays empty). */
export const typedDate = (iso: string | null | undefined) => {
  if (!iso) return "";
  const [y, m, d] = iso.split("-");
  return `${d}.${m}.${y}`;
};
