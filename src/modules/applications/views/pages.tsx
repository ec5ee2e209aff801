import { h, Fragment, type SafeHtml } from "../../../platform/ui/jsx.js";
import { CsrfField, ErrorSummary, SubmitButton } from "../../../platform/ui/forms.js";
import { formatDate, formatDateTime } from "../../../platform/clock.js";
import type { Tenant } from "../../../platform/tenancy.js";
import type { ServiceDefinition, StepDefinition, SummaryRow } from "../../services/index.js";
import { StepFields, formatSize, hasFileInput, type StepView } from "./fields.js";
import type { Draft, Submission } from "../service.js";

export function StepPage(p: { view: StepView; index: number; count: number; action: string; csrf: string; backHref: string; loggedIn: boolean; notice?: string | undefined }): SafeHtml {
  const { view } = p;
  const step = view.step;
  return (
    <div className="application-step">
      <p className="kern-body step-caption">{view.def.title} – Schritt {p.index + 1} von {p.count}</p>
      <h1 className="kern-heading-large">{step.title}</h1>
      {p.notice ? <div className="kern-alert kern-alert--info" role="status"><div className="kern-alert__body"><p className="kern-body">{p.notice}</p></div></div> : null}
      <ErrorSummary errors={view.errors} />
      {step.intro ? <p className="kern-body">{step.intro}</p> : null}
      <p className="kern-body kern-hint">Alle Felder sind Pflichtfelder, wenn sie nicht als „optional“ gekennzeichnet sind.</p>
      <form method="post" action={p.action} encType={hasFileInput(step) ? "multipart/form-data" : undefined} className="stack-form application-form" novalidate>
        <CsrfField token={p.csrf} />
        {/* The form's default button comes first: Enter in a text field means "Weiter", not "add" or "remove" an item of a group. */}
        <button type="submit" name="_aktion" value="weiter" hidden>Weiter</button>
        <StepFields v={view} />
        <div className="form-actions">
          <button type="submit" className="kern-btn kern-btn--primary" name="_aktion" value="weiter"><span className="kern-label">Weiter</span></button>
          <button type="submit" className="kern-btn kern-btn--secondary" name="_aktion" value="speichern"><span className="kern-label">Speichern und später fortsetzen</span></button>
        </div>
      </form>
      <p className="kern-body"><a className="kern-link" href={p.backHref}>Zurück</a></p>
    </div>
  );
}

export function CheckPage(p: { tenant: Tenant; def: ServiceDefinition; sections: { step: StepDefinition; rows: SummaryRow[] }[]; editHref: (stepId: string) => string; action: string; csrf: string; errors?: Record<string, string> }): SafeHtml {
  return (
    <div className="application-check">
      <p className="kern-body step-caption">{p.def.title}</p>
      <h1 className="kern-heading-large">Angaben prüfen</h1>
      <ErrorSummary errors={p.errors ?? {}} />
      <p className="kern-body">Bitte prüfen Sie Ihre Angaben. Sie können jeden Abschnitt noch ändern, bevor Sie den Antrag absenden.</p>
      {p.sections.map(({ step, rows }) => (
        <section className="check-section" aria-labelledby={`abschnitt-${step.id}`}>
          <h2 className="kern-heading-medium" id={`abschnitt-${step.id}`}>{step.title}</h2>
          {rows.length ? (
            <dl className="kern-description-list">
              {rows.map((r) => (
                <div className="kern-description-list-item">
                  <dt className="kern-description-list-item__key">{r.label}</dt>
                  <dd className="kern-description-list-item__value">{r.value}</dd>
                </div>
              ))}
            </dl>
          ) : (
            <p className="kern-body">Keine Angaben in diesem Abschnitt.</p>
          )}
          <p className="kern-body"><a className="kern-link" href={p.editHref(step.id)}>Angaben ändern<span className="kern-sr-only">: {step.title}</span></a></p>
        </section>
      ))}
      <form method="post" action={p.action} className="stack-form">
        <CsrfField token={p.csrf} />
        <p className="kern-body">Mit dem Absenden geht Ihr Antrag an die {p.tenant.kind} {p.tenant.name}. Sie erhalten ein Aktenzeichen und eine Eingangsbestätigung.</p>
        <SubmitButton label="Antrag verbindlich absenden" />
      </form>
    </div>
  );
}

export function SavedPage(p: { def: ServiceDefinition; draft: Draft; resumeUrl: string | undefined; continueHref: string; mineHref: string | undefined }): SafeHtml {
  return (
    <div>
      <h1 className="kern-heading-large">Ihr Antrag ist gespeichert</h1>
      <p className="kern-body">Ihre Angaben zum Antrag „{p.def.title}“ sind gespeichert. Sie können den Antrag bis zum {formatDate(p.draft.expiresAt)} fortsetzen; danach wird der Entwurf gelöscht.</p>
      {p.resumeUrl ? (
        <Fragment>
          <h2 className="kern-heading-medium">Ihr Link zum Fortsetzen</h2>
          <p className="kern-body">Mit diesem Link können Sie den Antrag auch auf einem anderen Gerät fortsetzen. Bewahren Sie ihn gut auf und geben Sie ihn nicht weiter: Wer den Link hat, kann Ihre Angaben sehen.</p>
          <p className="kern-body resume-link"><code>{p.resumeUrl}</code></p>
        </Fragment>
      ) : (
        <p className="kern-body">Sie finden den Entwurf jederzeit unter <a className="kern-link" href={p.mineHref}>Mein Rathaus – Meine Anträge</a>.</p>
      )}
      <p className="kern-body"><a className="kern-btn kern-btn--primary" href={p.continueHref}><span className="kern-label">Jetzt weiter ausfüllen</span></a></p>
    </div>
  );
}

export function ConfirmationPage(p: { tenant: Tenant; def: ServiceDefinition; submission: Submission; files: { name: string; size: number }[]; receiptHref: string | undefined; statusUrl: string | undefined; mineHref: string | undefined; justSubmitted: boolean; extra?: SafeHtml[] }): SafeHtml {
  const s = p.submission;
  return (
    <div className="application-confirmation">
      {p.justSubmitted ? (
        <div className="kern-alert kern-alert--success" role="status">
          <div className="kern-alert__header">
            <span className="kern-icon kern-icon--success" aria-hidden="true"></span>
            <h1 className="kern-title">Ihr Antrag ist eingegangen</h1>
          </div>
          <div className="kern-alert__body"><p className="kern-body">Ihr Aktenzeichen: <strong className="reference">{s.reference}</strong></p></div>
        </div>
      ) : (
        <Fragment>
          <h1 className="kern-heading-large">Ihr Antrag „{p.def.title}“</h1>
          <p className="kern-body">Aktenzeichen: <strong className="reference">{s.reference}</strong></p>
        </Fragment>
      )}
      <dl className="kern-description-list">
        <div className="kern-description-list-item"><dt className="kern-description-list-item__key">Antrag</dt><dd className="kern-description-list-item__value">{p.def.title}</dd></div>
        <div className="kern-description-list-item"><dt className="kern-description-list-item__key">Eingegangen am</dt><dd className="kern-description-list-item__value">{formatDateTime(s.submittedAt)} Uhr</dd></div>
        <div className="kern-description-list-item"><dt className="kern-description-list-item__key">Stand</dt><dd className="kern-description-list-item__value">{statusLabel(s.status)}</dd></div>
        {p.files.length ? <div className="kern-description-list-item"><dt className="kern-description-list-item__key">Beigefügte Dateien</dt><dd className="kern-description-list-item__value">{p.files.map((f) => `${f.name} (${formatSize(f.size)})`).join(", ")}</dd></div> : null}
      </dl>
      {p.extra ?? null}
      <h2 className="kern-heading-medium">Eingangsbestätigung</h2>
      {p.receiptHref ? (
        <p className="kern-body"><a className="kern-link" href={p.receiptHref}>Eingangsbestätigung als PDF herunterladen</a> – mit allen Ihren Angaben.</p>
      ) : (
        <p className="kern-body">Die Eingangsbestätigung als PDF wird gerade erstellt. Laden Sie diese Seite in einigen Sekunden neu, um sie herunterzuladen.</p>
      )}
      {s.contactEmail ? <p className="kern-body">Wir haben Ihnen eine Bestätigung per E-Mail geschickt.</p> : null}
      <h2 className="kern-heading-medium">Wie geht es weiter?</h2>
      <p className="kern-body">Ihr Antrag wird von der {p.tenant.kind} {p.tenant.name} bearbeitet. Bearbeitungsdauer: {p.def.processingTime}</p>
      {p.statusUrl ? (
        <Fragment>
          <p className="kern-body">Den Stand Ihres Antrags sehen Sie jederzeit unter diesem Link. Bewahren Sie ihn auf und geben Sie ihn nicht weiter:</p>
          <p className="kern-body resume-link"><code>{p.statusUrl}</code></p>
        </Fragment>
      ) : null}
      {p.mineHref ? <p className="kern-body">Sie finden den Antrag auch in <a className="kern-link" href={p.mineHref}>Mein Rathaus – Meine Anträge</a>.</p> : null}
      <p className="kern-body"><a className="kern-link" href={`/${p.tenant.slug}/dienste/`}>Zu den Online-Diensten</a></p>
    </div>
  );
}

export function statusLabel(status: string): string {
  return ({ eingegangen: "Eingegangen", "in-bearbeitung": "In Bearbeitung", rueckfrage: "Rückfrage", abgeschlossen: "Abgeschlossen", abgelehnt: "Abgelehnt" } as Record<string, string>)[status] ?? status;
}

export function ResumePage(p: { def: ServiceDefinition; draft: Draft; action: string; csrf: string }): SafeHtml {
  return (
    <div>
      <h1 className="kern-heading-large">Antrag fortsetzen</h1>
      <p className="kern-body">Sie setzen Ihren Antrag „{p.def.title}“ fort, zuletzt bearbeitet am {formatDateTime(p.draft.updatedAt)} Uhr. Der Entwurf wird am {formatDate(p.draft.expiresAt)} gelöscht, wenn Sie ihn bis dahin nicht absenden.</p>
      <form method="post" action={p.action} className="stack-form">
        <CsrfField token={p.csrf} />
        <SubmitButton label="Antrag fortsetzen" />
      </form>
    </div>
  );
}

export function StartPage(p: { def: ServiceDefinition; action: string; csrf: string; displayName: string }): SafeHtml {
  return (
    <div>
      <h1 className="kern-heading-large">{p.def.title}</h1>
      <p className="kern-body">Sie sind als {p.displayName} angemeldet. Angaben aus Ihrem Servicekonto tragen wir für Sie ein; Sie können sie prüfen und ändern.</p>
      <form method="post" action={p.action} className="stack-form">
        <CsrfField token={p.csrf} />
        <SubmitButton label="Antrag beginnen" />
      </form>
    </div>
  );
}

export function MyApplicationsPage(p: { tenant: Tenant; drafts: { draft: Draft; title: string; href: string; discard: string }[]; submissions: { submission: Submission; title: string; href: string }[]; csrf: string }): SafeHtml {
  return (
    <div>
      <h1 className="kern-heading-large">Meine Anträge</h1>
      <h2 className="kern-heading-medium">Angefangene Anträge</h2>
      {p.drafts.length ? (
        <ul className="kern-list item-list">
          {p.drafts.map((d) => (
            <li>
              <a className="kern-link" href={d.href}>{d.title}</a> – zuletzt bearbeitet am {formatDateTime(d.draft.updatedAt)} Uhr, wird am {formatDate(d.draft.expiresAt)} gelöscht.
              <form method="post" action={d.discard} className="inline-form">
                <CsrfField token={p.csrf} />
                <button type="submit" className="kern-btn kern-btn--tertiary"><span className="kern-label">Entwurf „{d.title}“ löschen</span></button>
              </form>
            </li>
          ))}
        </ul>
      ) : (
        <p className="kern-body">Sie haben keine angefangenen Anträge.</p>
      )}
      <h2 className="kern-heading-medium">Abgesendete Anträge</h2>
      {p.submissions.length ? (
        <div className="kern-table-responsive">
          <table className="kern-table">
            <caption className="kern-title">Ihre abgesendeten Anträge</caption>
            <thead className="kern-table__head"><tr className="kern-table__row"><th className="kern-table__header" scope="col">Antrag</th><th className="kern-table__header" scope="col">Aktenzeichen</th><th className="kern-table__header" scope="col">Eingegangen</th><th className="kern-table__header" scope="col">Stand</th></tr></thead>
            <tbody className="kern-table__body">
              {p.submissions.map((s) => (
                <tr className="kern-table__row">
                  <td className="kern-table__cell"><a className="kern-link" href={s.href}>{s.title}</a></td>
                  <td className="kern-table__cell">{s.submission.reference}</td>
                  <td className="kern-table__cell">{formatDateTime(s.submission.submittedAt)} Uhr</td>
                  <td className="kern-table__cell">{statusLabel(s.submission.status)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <p className="kern-body">Sie haben noch keinen Antrag online gestellt.</p>
      )}
      <p className="kern-body"><a className="kern-link" href={`/${p.tenant.slug}/dienste/`}>Einen neuen Antrag stellen</a></p>
    </div>
  );
}

export function PdfFormPage(p: { tenant: Tenant; def: ServiceDefinition; pdfHref: string; action: string; csrf: string; error?: string | undefined }): SafeHtml {
  const errors: Record<string, string> = p.error ? { "pdf-datei": p.error } : {};
  return (
    <div>
      <h1 className="kern-heading-large">{p.def.title}: ausfüllbares PDF</h1>
      <ErrorSummary errors={errors} />
      <p className="kern-body">Sie können das Formular auch als PDF am Computer ausfüllen – ohne es auszudrucken. Laden Sie das ausgefüllte PDF danach hier hoch: Ihre Angaben werden übernommen, Sie prüfen sie online, ergänzen Nachweise und senden den Antrag ab.</p>
      <p className="kern-body"><a className="kern-link" href={p.pdfHref} download>Formular „{p.def.title}“ als ausfüllbares PDF herunterladen</a></p>
      <h2 className="kern-heading-medium">Ausgefülltes PDF hochladen</h2>
      <form method="post" action={p.action} encType="multipart/form-data" className="stack-form">
        <CsrfField token={p.csrf} />
        <div className={`kern-form-input${p.error ? " kern-form-input--error" : ""}`}>
          <label className="kern-label" htmlFor="pdf-datei">Ausgefülltes PDF-Formular</label>
          <div className="kern-hint" id="pdf-datei-hinweis">Das PDF, das Sie hier heruntergeladen und ausgefüllt haben, höchstens 10 MB.</div>
          {p.error ? <p className="kern-error" id="pdf-datei-fehler" role="alert"><span className="kern-icon kern-icon--danger kern-icon--small" aria-hidden="true"></span><span className="kern-body">{p.error}</span></p> : null}
          <input className={`kern-form-input__input file-input${p.error ? " kern-form-input__input--error" : ""}`} id="pdf-datei" name="pdf" type="file" accept="application/pdf" aria-describedby={p.error ? "pdf-datei-hinweis pdf-datei-fehler" : "pdf-datei-hinweis"} aria-invalid={p.error ? "true" : undefined} />
        </div>
        <SubmitButton label="PDF hochladen und Angaben übernehmen" />
      </form>
    </div>
  );
}

export function GonePage(p: { tenant: Tenant; message: string }): SafeHtml {
  return (
    <div>
      <h1 className="kern-heading-large">Dieser Antrag ist nicht mehr verfügbar</h1>
      <p className="kern-body">{p.message}</p>
      <p className="kern-body"><a className="kern-link" href={`/${p.tenant.slug}/dienste/`}>Zu den Online-Diensten</a></p>
    </div>
  );
}
