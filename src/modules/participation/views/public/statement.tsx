import { h, Fragment, type SafeHtml, type Child } from "../../../../platform/ui/jsx.js";
import { ErrorSummary, CsrfField, TextArea, TextField, SubmitButton, type FieldErrors } from "../../../../platform/ui/forms.js";
import { formatDateTime } from "../../../../platform/clock.js";
import { ASSET_VERSION } from "../../../../platform/http/pages.js";
import type { Tenant } from "../../../../platform/tenancy.js";
import { MAX_ATTACHMENTS, MAX_ATTACHMENT_BYTES, MAX_STATEMENT_CHARS, germanDate, procedureTitle } from "../../service.js";
import type { DocumentRow, ProcedureRow, StatementRow } from "../../store.js";
import { Alert, DocumentList, Paragraphs, beteiligungPath } from "./common.js";
import type { StatementValues } from "./model.js";

/** Who fills in the form: the public without login, a citizen with the Servicekonto, or an agency by its invitation link. */
export type FormMode = { kind: "anonymous"; loginHref: string } | { kind: "account"; displayName: string; mineHref: string } | { kind: "agency"; agencyName: string };

export interface StatementFormProps {
  action: string;
  csrf: string;
  phaseId: string;
  documents: DocumentRow[];
  values: StatementValues;
  errors: FieldErrors;
  /** the scope map with pickInput="ort_geojson" (or nothing) */
  map: SafeHtml;
  mode: FormMode;
  /** files came with the refused post: the browser cannot keep them, the person must choose them again */
  filesDropped: boolean;
}

const MB = MAX_ATTACHMENT_BYTES / 1024 / 1024;

function ErrorText(p: { name: string; error: string | undefined }): SafeHtml {
  if (!p.error) return <Fragment />;
  return (
    <p className="kern-error" id={`${p.name}-fehler`} role="alert">
      <span className="kern-icon kern-icon--danger kern-icon--small" aria-hidden="true"></span>
      <span className="kern-body">{p.error}</span>
    </p>
  );
}

const describedBy = (...ids: (string | false | undefined)[]) => ids.filter(Boolean).join(" ") || undefined;

/**
 * The statement form (multipart; `_csrf` is its first field so the token is checked before any
 * file is read). Works without JavaScript: the location is a text field; with the script, a click
 * on the map also sets a point.
 */
export function StatementForm(p: StatementFormProps): SafeHtml {
  const v = p.values;
  const e = p.errors;
  const agency = p.mode.kind === "agency";
  const fileNote = p.filesDropped ? "Aus Sicherheitsgründen behält der Browser gewählte Dateien nicht: Bitte wählen Sie Ihre Anlagen erneut aus." : undefined;
  const fileError = e.anlagen ? `${e.anlagen}${p.filesDropped ? " Bitte wählen Sie die Dateien, die Sie senden möchten, erneut aus." : ""}` : undefined;
  return (
    <Fragment>
      <ErrorSummary errors={e} />
      <form method="post" action={p.action} enctype="multipart/form-data" className="stack-form statement-form">
        <CsrfField token={p.csrf} />
        <input type="hidden" name="phase" value={p.phaseId} />
        <TextArea name="text" label={agency ? "Stellungnahme" : "Ihre Stellungnahme"} value={v.text} error={e.text} required rows={12} maxlength={MAX_STATEMENT_CHARS} hint="Schreiben Sie, was Sie zum Planentwurf anregen oder bedenken. Längere Ausführungen, Pläne oder Fotos können Sie zusätzlich als Anlage hochladen." />

        <fieldset className="kern-fieldset">
          <legend className="kern-label">Bezug zu den Unterlagen</legend>
          <div className="kern-fieldset__body">
            <div className={`kern-form-input${e.dokument ? " kern-form-input--error" : ""}`}>
              <label className="kern-label" htmlFor="dokument">Dokument<span className="kern-label__optional"> – optional</span></label>
              <ErrorText name="dokument" error={e.dokument} />
              <div className="kern-form-input__select-wrapper">
                <select className={`kern-form-input__select${e.dokument ? " kern-form-input__select--error" : ""}`} id="dokument" name="dokument" aria-describedby={describedBy(e.dokument && "dokument-fehler")} aria-invalid={e.dokument ? "true" : undefined}>
                  <option value="" selected={!v.dokument}>Kein bestimmtes Dokument</option>
                  {p.documents.map((d) => <option value={d.id} selected={v.dokument === d.id}>{d.title}</option>)}
                </select>
              </div>
            </div>
            <TextField name="seite" label="Seite" value={v.seite} error={e.seite} maxlength={40} inputmode="numeric" hint="Zum Beispiel 12 oder 12–14." />
          </div>
        </fieldset>

        <fieldset className="kern-fieldset">
          <legend className="kern-label">Ort</legend>
          <div className="kern-fieldset__body">
            <TextField name="ort" label="Ortsangabe" value={v.ort} error={e.ort} maxlength={500} hint="Beschreiben Sie den Ort, um den es Ihnen geht, zum Beispiel mit Straße und Hausnummer oder Flurstück." />
            <input type="hidden" name="ort_geojson" id="ort_geojson" value={v.ort_geojson} />
            {p.map.html ? (
              <div className="scope-pick">
                <p className="kern-hint" id="ort-karte-hinweis" data-pick-hint="" hidden>
                  Sie können den Ort auch auf der Karte markieren: Klicken Sie auf die Stelle. Mit der Tastatur: Karte mit der Tabulatortaste wählen, dann mit den Pfeiltasten den Punkt verschieben.
                </p>
                {p.map}
                <p className="kern-body" id="ort-karte-status" aria-live="polite"></p>
                <button type="button" className="kern-btn kern-btn--secondary" data-pick-clear="" hidden>
                  <span className="kern-label">Markierung entfernen</span>
                </button>
              </div>
            ) : null}
          </div>
        </fieldset>

        <fieldset className="kern-fieldset">
          <legend className="kern-label">{agency ? "Ansprechperson" : "Ihre Angaben"}</legend>
          <div className="kern-fieldset__body">
            <TextField name="name" label={agency ? "Name der bearbeitenden Person" : "Name"} value={v.name} error={e.name} maxlength={200} autocomplete="name" />
            <TextField name="email" type="email" label="E-Mail-Adresse" value={v.email} error={e.email} maxlength={254} autocomplete="email" hint="Für die Eingangsbestätigung und die Mitteilung des Ergebnisses." />
          </div>
        </fieldset>

        <div className={`kern-form-input${fileError ? " kern-form-input--error" : ""}`}>
          <label className="kern-label" htmlFor="anlagen">Anlagen<span className="kern-label__optional"> – optional</span></label>
          <div className="kern-hint" id="anlagen-hinweis">
            PDF, PNG oder JPEG, jede Datei bis {MB} MB, höchstens {MAX_ATTACHMENTS} Dateien.{fileNote && !fileError ? ` ${fileNote}` : ""}
          </div>
          <ErrorText name="anlagen" error={fileError} />
          <input className={`kern-form-input__input file-input${fileError ? " kern-form-input__input--error" : ""}`} id="anlagen" name="anlagen" type="file" multiple accept="application/pdf,image/png,image/jpeg,.pdf,.png,.jpg,.jpeg" aria-describedby={describedBy("anlagen-hinweis", fileError && "anlagen-fehler")} aria-invalid={fileError ? "true" : undefined} />
        </div>

        <fieldset className={`kern-fieldset${e.einwilligung ? " kern-fieldset--error" : ""}`} aria-describedby={describedBy("einwilligung-hinweis", e.einwilligung && "einwilligung-fehler")}>
          <legend className="kern-label">Datenschutz</legend>
          <div className="kern-hint" id="einwilligung-hinweis">
            Wir verarbeiten Ihre Stellungnahme und Ihre Angaben nur für dieses Verfahren (Art. 6 Abs. 1 Buchst. e DSGVO in Verbindung mit § 3 BauGB). In der Abwägungstabelle, die der Rat erhält und die veröffentlicht wird, stehen keine Namen, Anschriften oder E-Mail-Adressen von Privatpersonen.
          </div>
          <ErrorText name="einwilligung" error={e.einwilligung} />
          <div className="kern-fieldset__body">
            <div className={`kern-form-check${e.einwilligung ? " kern-form-check--error" : ""}`}>
              <input className="kern-form-check__checkbox" type="checkbox" id="einwilligung" name="einwilligung" value="ja" checked={v.einwilligung} required aria-invalid={e.einwilligung ? "true" : undefined} />
              <label className="kern-label" htmlFor="einwilligung">
                {agency ? "Wir sind einverstanden, dass die Stellungnahme für das Verfahren verarbeitet wird." : "Ich bin einverstanden, dass meine Stellungnahme und meine Angaben für das Verfahren verarbeitet werden."}
              </label>
            </div>
          </div>
        </fieldset>

        <div className="form-actions">
          <SubmitButton label="Stellungnahme absenden" />
        </div>
      </form>
      {p.map.html ? <script src={`/static/participation-map.js?v=${ASSET_VERSION}`} defer></script> : null}
    </Fragment>
  );
}

/** Who is writing, said above the form. */
export function ModeNote(p: { mode: FormMode }): SafeHtml {
  const m = p.mode;
  if (m.kind === "account") {
    return (
      <p className="kern-body">
        Sie sind mit Ihrem Servicekonto angemeldet{m.displayName ? ` (${m.displayName})` : ""}. Ihre Stellungnahme und später das Ergebnis finden Sie unter <a className="kern-link" href={m.mineHref}>Meine Stellungnahmen</a>.
      </p>
    );
  }
  if (m.kind === "anonymous") {
    return (
      <p className="kern-body">
        Sie können ohne Anmeldung Stellung nehmen. Wenn Sie möchten, <a className="kern-link" href={m.loginHref}>melden Sie sich mit Ihrem Servicekonto an</a>: Dann finden Sie Ihre Stellungnahme und das Ergebnis jederzeit unter „Meine Stellungnahmen“.
      </p>
    );
  }
  return <Fragment />;
}

/** The public form page: the procedure named, who writes, the deadline, the form. */
export function StatementFormPage(p: { tenant: Tenant; procedure: ProcedureRow; lastDay: string; form: StatementFormProps }): SafeHtml {
  return (
    <Fragment>
      <h1 className="kern-heading-large">Stellungnahme abgeben</h1>
      <p className="kern-body kern-body--large">
        zum <a className="kern-link" href={beteiligungPath(p.tenant, p.procedure.id)}>{procedureTitle(p.procedure)}</a>
      </p>
      <p className="kern-body">Die Frist endet am {germanDate(p.lastDay)} um 24:00 Uhr.</p>
      <ModeNote mode={p.form.mode} />
      <StatementForm {...p.form} />
    </Fragment>
  );
}

/** What someone wrote, shown back when it could not be taken (the period ended meanwhile). */
export function WrittenText(p: { values: StatementValues; level?: 2 | 3 }): SafeHtml {
  const v = p.values;
  if (!v.text.trim() && !v.ort.trim()) return <Fragment />;
  return (
    <section aria-labelledby="ihr-text">
      {h(`h${p.level ?? 2}`, { className: "kern-heading-medium", id: "ihr-text" }, "Ihr Text")}
      <p className="kern-body">Damit nichts verloren geht: Das haben Sie geschrieben. Sie können es kopieren oder diese Seite ausdrucken.</p>
      <div className="statement-text">
        <Paragraphs text={v.text} />
        {v.ort.trim() ? <p className="kern-body">Ort: {v.ort}</p> : null}
        {v.seite.trim() ? <p className="kern-body">Seite: {v.seite}</p> : null}
      </div>
    </section>
  );
}

/** The form is not available (period over, not begun, cancelled): the message, the text shown back if any. */
export function ClosedPage(p: { tenant: Tenant; procedure: ProcedureRow; title: string; message: string; values?: StatementValues; children?: Child }): SafeHtml {
  return (
    <Fragment>
      <h1 className="kern-heading-large">{p.title}</h1>
      <p className="kern-body kern-body--large">
        zum <a className="kern-link" href={beteiligungPath(p.tenant, p.procedure.id)}>{procedureTitle(p.procedure)}</a>
      </p>
      <Alert tone="warning" title="Keine Stellungnahme möglich" id="hinweis-frist" role="alert">
        <p className="kern-body">{p.message}</p>
      </Alert>
      {p.values ? <WrittenText values={p.values} /> : null}
      {p.children}
    </Fragment>
  );
}

/** The receipt after the PRG redirect: reference, time, procedure, what happens next. Printable. */
export function ReceiptPage(p: { tenant: Tenant; procedure: ProcedureRow; statement: Pick<StatementRow, "reference" | "submitted_at" | "submitter_email" | "source" | "late">; attachments: number; mineHref: string | undefined }): SafeHtml {
  const s = p.statement;
  return (
    <div className="participation-page">
      <h1 className="kern-heading-large">Ihre Stellungnahme ist eingegangen</h1>
      <div className="kern-alert kern-alert--success" role="status" aria-labelledby="eingang-titel">
        <div className="kern-alert__header">
          <span className="kern-icon kern-icon--success" aria-hidden="true"></span>
          <h2 className="kern-title" id="eingang-titel">Vielen Dank – Ihr Zeichen: {s.reference}</h2>
        </div>
      </div>
      <dl className="kern-description-list">
        <div className="kern-description-list-item">
          <dt className="kern-description-list-item__key">Zeichen</dt>
          <dd className="kern-description-list-item__value">{s.reference}</dd>
        </div>
        <div className="kern-description-list-item">
          <dt className="kern-description-list-item__key">Eingegangen am</dt>
          <dd className="kern-description-list-item__value">{formatDateTime(s.submitted_at)}</dd>
        </div>
        <div className="kern-description-list-item">
          <dt className="kern-description-list-item__key">Verfahren</dt>
          <dd className="kern-description-list-item__value">
            <a className="kern-link" href={beteiligungPath(p.tenant, p.procedure.id)}>{procedureTitle(p.procedure)}</a>
          </dd>
        </div>
        <div className="kern-description-list-item">
          <dt className="kern-description-list-item__key">Anlagen</dt>
          <dd className="kern-description-list-item__value">{p.attachments === 0 ? "keine" : p.attachments === 1 ? "1 Datei" : `${p.attachments} Dateien`}</dd>
        </div>
      </dl>
      <section aria-labelledby="wie-weiter">
        <h2 className="kern-heading-medium" id="wie-weiter">Wie es weitergeht</h2>
        <ul className="kern-list">
          <li>Bitte notieren Sie das Zeichen {s.reference} oder drucken Sie diese Seite aus. Diese Seite ist nur kurze Zeit abrufbar.</li>
          {s.submitter_email ? <li>Eine Eingangsbestätigung haben wir an die angegebene E-Mail-Adresse gesendet.</li> : null}
          <li>Die Stadtplanung prüft alle Stellungnahmen und schlägt für jede vor, wie sie in der Abwägung berücksichtigt wird.</li>
          <li>Über die Abwägung entscheidet der Rat in öffentlicher Sitzung.</li>
          <li>
            {s.submitter_email || p.mineHref
              ? "Nach dem Beschluss teilen wir Ihnen das Ergebnis für Ihre Stellungnahme mit."
              : "Sie haben keine E-Mail-Adresse angegeben: Das Ergebnis können wir Ihnen deshalb nicht mitteilen. Der Beschluss des Rates wird in der Ratsinformation veröffentlicht."}
          </li>
        </ul>
        {p.mineHref ? (
          <p className="kern-body no-print">
            <a className="kern-link" href={p.mineHref}>Zu „Meine Stellungnahmen“</a>
          </p>
        ) : null}
      </section>
    </div>
  );
}

/** The agency's page behind its personal link: who, what, until when, documents, its statements, the form. */
export function AgencyPage(p: {
  tenant: Tenant;
  agencyName: string;
  procedure: ProcedureRow;
  deadline: string;
  documents: DocumentRow[];
  given: Pick<StatementRow, "reference" | "submitted_at">[];
  /** the form, or the message why there is none */
  form?: StatementFormProps;
  closed?: { message: string; values?: StatementValues };
}): SafeHtml {
  return (
    <div className="participation-page">
      <h1 className="kern-heading-large">Beteiligung der Träger öffentlicher Belange</h1>
      <p className="kern-body kern-body--large">{procedureTitle(p.procedure)}</p>
      <dl className="kern-description-list">
        <div className="kern-description-list-item">
          <dt className="kern-description-list-item__key">Behörde</dt>
          <dd className="kern-description-list-item__value">{p.agencyName}</dd>
        </div>
        <div className="kern-description-list-item">
          <dt className="kern-description-list-item__key">Stellungnahme erbeten bis</dt>
          <dd className="kern-description-list-item__value">{germanDate(p.deadline)}, 24:00 Uhr</dd>
        </div>
      </dl>
      <p className="kern-body">Dieser Zugang ist nur für Ihre Behörde bestimmt. Bitte geben Sie den Link nicht weiter.</p>

      <section aria-labelledby="unterlagen">
        <h2 className="kern-heading-medium" id="unterlagen">Unterlagen</h2>
        <DocumentList tenant={p.tenant} documents={p.documents} />
      </section>

      <section aria-labelledby="abgegeben">
        <h2 className="kern-heading-medium" id="abgegeben">Ihre bisherigen Stellungnahmen</h2>
        {p.given.length === 0 ? (
          <p className="kern-body">Über diesen Zugang ist noch keine Stellungnahme eingegangen.</p>
        ) : (
          <div className="kern-table-responsive">
            <table className="kern-table">
              <caption className="kern-sr-only">Über diesen Zugang abgegebene Stellungnahmen</caption>
              <thead className="kern-table__header">
                <tr className="kern-table__row">
                  <th scope="col" className="kern-table__header">Zeichen</th>
                  <th scope="col" className="kern-table__header">Eingegangen am</th>
                </tr>
              </thead>
              <tbody className="kern-table__body">
                {p.given.map((s) => (
                  <tr className="kern-table__row">
                    <th scope="row" className="kern-table__cell">{s.reference}</th>
                    <td className="kern-table__cell">{formatDateTime(s.submitted_at)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      <section aria-labelledby="stellungnahme">
        <h2 className="kern-heading-medium" id="stellungnahme">{p.given.length ? "Weitere Stellungnahme abgeben" : "Stellungnahme abgeben"}</h2>
        {p.form ? (
          <StatementForm {...p.form} />
        ) : p.closed ? (
          <Fragment>
            <div className="kern-alert kern-alert--warning" role="alert">
              <div className="kern-alert__body">
                <p className="kern-body">{p.closed.message}</p>
              </div>
            </div>
            {p.closed.values ? <WrittenText values={p.closed.values} level={3} /> : null}
          </Fragment>
        ) : null}
      </section>
    </div>
  );
}
