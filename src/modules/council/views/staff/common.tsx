import { h, Fragment, type SafeHtml, type Child } from "../../../../platform/ui/jsx.js";
import { CsrfField, SubmitButton } from "../../../../platform/ui/forms.js";
import type { Tenant } from "../../../../platform/tenancy.js";
import type { MeetingRow, PaperState, TextStatus } from "../../store.js";

/** Shared pieces of the Sitzungsdienst's pages. */

export const staffBase = (t: Tenant) => `/${t.slug}/verwaltung/rat`;

export const PAPER_STATE_LABELS: Record<PaperState, string> = { entwurf: "Entwurf", freigabe: "zur Freigabe", freigegeben: "freigegeben" };

export function meetingStateLabel(m: MeetingRow): string {
  if (m.deleted_at) return "zurückgezogen";
  if (m.cancelled) return "abgesagt";
  return { geplant: "in Planung", eingeladen: "Einladung veröffentlicht", durchgefuehrt: "Ergebnisse erfasst", abgeschlossen: "Niederschrift veröffentlicht" }[m.state];
}

export const CONSULTATION_STATUS_LABELS = { wartet: "wartet auf vorheriges Gremium", offen: "steht zur Beratung an", geplant: "auf einer Tagesordnung", beraten: "beraten" } as const;

/** The text status of a PDF; a file without extractable text is published, but search cannot find it. */
export function TextStatusLabel(p: { status: TextStatus; id: string }): SafeHtml {
  if (p.status === "ok") return <Fragment>durchsuchbar</Fragment>;
  if (p.status === "pending") return <Fragment>Text wird erkannt …</Fragment>;
  return (
    <Fragment>
      <strong className="text-status--none">nicht durchsuchbar (kein Text erkannt)</strong>
      <br />
      <span className="kern-hint" id={`text-hinweis-${p.id}`}>
        Die Datei wird veröffentlicht, aber die Suche findet ihren Inhalt nicht (z. B. ein Scan). Laden Sie wenn möglich eine PDF-Datei mit Textebene hoch – direkt aus der Textverarbeitung gespeichert oder mit Texterkennung (OCR).
      </span>
    </Fragment>
  );
}

export function Notice(p: { text: string | undefined }): SafeHtml {
  if (!p.text) return <Fragment />;
  return (
    <div className="kern-alert kern-alert--success" role="status">
      <div className="kern-alert__body"><p className="kern-body">{p.text}</p></div>
    </div>
  );
}

/** A one-button form (an action on this page); `hidden` fields go along. */
export function ActionButton(p: { action: string; csrf: string; label: string; hidden?: Record<string, string>; secondary?: boolean; srSuffix?: string }): SafeHtml {
  return (
    <form method="post" action={p.action} className="inline-form">
      <CsrfField token={p.csrf} />
      {Object.entries(p.hidden ?? {}).map(([k, v]) => <input type="hidden" name={k} value={v} />)}
      <button type="submit" className={`kern-btn ${p.secondary === false ? "kern-btn--primary" : "kern-btn--secondary"}`}>
        <span className="kern-label">{p.label}{p.srSuffix ? <span className="visually-hidden"> {p.srSuffix}</span> : null}</span>
      </button>
    </form>
  );
}

/** A confirmation step: says what will happen (and, when given, exactly what becomes public), then one button. */
export function ConfirmPage(p: { title: string; intro: string; children?: Child; action: string; csrf: string; button: string; cancelHref: string; errors?: SafeHtml }): SafeHtml {
  return (
    <Fragment>
      <h1 className="kern-heading-large">{p.title}</h1>
      {p.errors ?? null}
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

/** A select inside a table row or a compact form; its label may be visually hidden. */
export function SmallSelect(p: { id: string; name: string; label: string; hiddenLabel?: boolean; value: string; options: { value: string; label: string }[]; error?: string | undefined }): SafeHtml {
  return (
    <div className={`kern-form-input${p.error ? " kern-form-input--error" : ""}`}>
      <label className={p.hiddenLabel ? "kern-sr-only" : "kern-label"} htmlFor={p.id}>{p.label}</label>
      {p.error ? <p className="kern-error" id={`${p.id}-fehler`} role="alert"><span className="kern-body">{p.error}</span></p> : null}
      <div className="kern-form-input__select-wrapper">
        <select className="kern-form-input__select" id={p.id} name={p.name} aria-describedby={p.error ? `${p.id}-fehler` : undefined} aria-invalid={p.error ? "true" : undefined}>
          {p.options.map((o) => <option value={o.value} selected={o.value === p.value}>{o.label}</option>)}
        </select>
      </div>
    </div>
  );
}

/** A check box with its label (a single yes/no). */
export function CheckBox(p: { id: string; name: string; label: string; checked: boolean; hint?: string }): SafeHtml {
  return (
    <div className="kern-form-check">
      <input className="kern-form-check__checkbox" type="checkbox" id={p.id} name={p.name} value="1" checked={p.checked} aria-describedby={p.hint ? `${p.id}-hinweis` : undefined} />
      <label className="kern-label" htmlFor={p.id}>{p.label}</label>
      {p.hint ? <div className="kern-hint" id={`${p.id}-hinweis`}>{p.hint}</div> : null}
    </div>
  );
}

/** A group of radio buttons in a fieldset whose legend names the question. */
export function RadioGroup(p: { name: string; legend: string; value: string; options: { value: string; label: string }[]; idPrefix?: string; error?: string | undefined; legendClass?: string }): SafeHtml {
  const prefix = p.idPrefix ?? p.name;
  return (
    <fieldset className={`kern-fieldset${p.error ? " kern-fieldset--error" : ""}`} id={prefix} aria-describedby={p.error ? `${prefix}-fehler` : undefined}>
      <legend className={p.legendClass ?? "kern-label"}>{p.legend}</legend>
      {p.error ? <p className="kern-error" id={`${prefix}-fehler`} role="alert"><span className="kern-body">{p.error}</span></p> : null}
      <div className="kern-fieldset__body radio-row">
        {p.options.map((o) => (
          <div className="kern-form-check">
            <input className="kern-form-check__radio" type="radio" id={`${prefix}-${o.value}`} name={p.name} value={o.value} checked={p.value === o.value} />
            <label className="kern-label" htmlFor={`${prefix}-${o.value}`}>{o.label}</label>
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

/** Bytes as "1,2 MB" / "340 kB". */
export function fileSize(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toLocaleString("de-DE", { maximumFractionDigits: 1 })} MB` : `${Math.max(1, Math.round(bytes / 1024))} kB`;
}
