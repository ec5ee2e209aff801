import { h, Fragment, type SafeHtml } from "./jsx.js";

/** Form widgets in KERN UX markup, following the GOV.UK patterns: error summary on top, the message next to the field. */

export type FieldErrors = Record<string, string>;

export function ErrorSummary(props: { errors: FieldErrors }): SafeHtml {
  const entries = Object.entries(props.errors);
  if (entries.length === 0) return <Fragment />;
  return (
    <div className="kern-alert kern-alert--danger error-summary" role="alert" aria-labelledby="fehler-titel" tabindex="-1">
      <div className="kern-alert__header">
        <span className="kern-icon kern-icon--danger" aria-hidden="true"></span>
        <h2 className="kern-title" id="fehler-titel">Bitte prüfen Sie Ihre Angaben</h2>
      </div>
      <div className="kern-alert__body">
        <ul className="kern-list">
          {entries.map(([field, message]) => (
            <li><a className="kern-link" href={`#${field}`}>{message}</a></li>
          ))}
        </ul>
      </div>
    </div>
  );
}

interface FieldProps {
  name: string;
  label: string;
  value?: string | undefined;
  hint?: string;
  error?: string | undefined;
  required?: boolean;
  autocomplete?: string;
  type?: string;
  maxlength?: number;
  inputmode?: string;
}

function describedBy(p: FieldProps): string | undefined {
  const ids = [p.hint ? `${p.name}-hinweis` : "", p.error ? `${p.name}-fehler` : ""].filter(Boolean);
  return ids.length ? ids.join(" ") : undefined;
}

function FieldFrame(p: FieldProps & { children?: unknown }): SafeHtml {
  return (
    <div className={`kern-form-input${p.error ? " kern-form-input--error" : ""}`}>
      <label className="kern-label" htmlFor={p.name}>
        {p.label}
        {p.required ? null : <span className="kern-label__optional"> – optional</span>}
      </label>
      {p.hint ? <div className="kern-hint" id={`${p.name}-hinweis`}>{p.hint}</div> : null}
      {p.error ? (
        <p className="kern-error" id={`${p.name}-fehler`} role="alert">
          <span className="kern-icon kern-icon--danger kern-icon--small" aria-hidden="true"></span>
          <span className="kern-body">{p.error}</span>
        </p>
      ) : null}
      {p.children as SafeHtml}
    </div>
  );
}

export function TextField(p: FieldProps): SafeHtml {
  return (
    <FieldFrame {...p}>
      <input
        className={`kern-form-input__input${p.error ? " kern-form-input__input--error" : ""}`}
        id={p.name}
        name={p.name}
        type={p.type ?? "text"}
        value={p.value ?? ""}
        required={p.required}
        autocomplete={p.autocomplete}
        maxlength={p.maxlength}
        inputmode={p.inputmode}
        aria-describedby={describedBy(p)}
        aria-invalid={p.error ? "true" : undefined}
      />
    </FieldFrame>
  );
}

export function TextArea(p: FieldProps & { rows?: number }): SafeHtml {
  return (
    <FieldFrame {...p}>
      <textarea
        className={`kern-form-input__input${p.error ? " kern-form-input__input--error" : ""}`}
        id={p.name}
        name={p.name}
        rows={p.rows ?? 6}
        required={p.required}
        maxlength={p.maxlength}
        aria-describedby={describedBy(p)}
        aria-invalid={p.error ? "true" : undefined}
      >
        {p.value ?? ""}
      </textarea>
    </FieldFrame>
  );
}

export function SelectField(p: FieldProps & { value: string; options: { value: string; label: string }[] }): SafeHtml {
  return (
    <FieldFrame {...p} required>
      <div className="kern-form-input__select-wrapper">
        <select
          className={`kern-form-input__select${p.error ? " kern-form-input__select--error" : ""}`}
          id={p.name}
          name={p.name}
          aria-describedby={describedBy(p)}
          aria-invalid={p.error ? "true" : undefined}
        >
          {p.options.map((o) => <option value={o.value} selected={o.value === p.value}>{o.label}</option>)}
        </select>
      </div>
    </FieldFrame>
  );
}

export function CsrfField(props: { token: string }): SafeHtml {
  return <input type="hidden" name="_csrf" value={props.token} />;
}

export function SubmitButton(props: { label: string; secondary?: boolean }): SafeHtml {
  return (
    <button type="submit" className={`kern-btn ${props.secondary ? "kern-btn--secondary" : "kern-btn--primary"}`}>
      <span className="kern-label">{props.label}</span>
    </button>
  );
}

export function SuccessAlert(props: { title: string; children?: unknown }): SafeHtml {
  return (
    <div className="kern-alert kern-alert--success" role="status">
      <div className="kern-alert__header">
        <span className="kern-icon kern-icon--success" aria-hidden="true"></span>
        <h2 className="kern-title">{props.title}</h2>
      </div>
      {props.children ? <div className="kern-alert__body">{props.children as SafeHtml}</div> : null}
    </div>
  );
}
