import { h, Fragment, type SafeHtml } from "../../../platform/ui/jsx.js";
import { CsrfField, ErrorSummary, SubmitButton } from "../../../platform/ui/forms.js";
import { formatDateTime } from "../../../platform/clock.js";

export interface ApplicantCaseView {
  stateLabel: string;
  closed: boolean;
  awaitsCitizen: boolean;
  events: { at: string; who: string; text: string }[];
  messages: { direction: "to-citizen" | "from-citizen"; text: string; at: string }[];
  bescheide: { href: string; title: string; at: string }[];
  answerFiles: { name: string; at: string }[];
  answerAction: string;
  csrf: string;
}

/** The applicant's part of the submission page: messages, Bescheide, who processed it and when, and the answer form. */
export function ApplicantCaseSection(p: { v: ApplicantCaseView }): SafeHtml {
  const v = p.v;
  return (
    <section aria-labelledby="bearbeitung" className="applicant-case">
      <h2 className="kern-heading-medium" id="bearbeitung">Bearbeitung</h2>
      {v.awaitsCitizen ? (
        <div className="kern-alert kern-alert--warning" role="note">
          <div className="kern-alert__header"><span className="kern-icon kern-icon--warning" aria-hidden="true"></span><h3 className="kern-title">Die Verwaltung braucht noch etwas von Ihnen</h3></div>
          <div className="kern-alert__body"><p className="kern-body">Bitte lesen Sie die Nachricht unten und antworten Sie, gern mit Dokumenten.</p></div>
        </div>
      ) : null}
      {v.bescheide.length ? (
        <Fragment>
          <h3 className="kern-heading-small">Bescheide</h3>
          <ul className="kern-list">{v.bescheide.map((b) => <li><a className="kern-link" href={b.href}>{b.title} (PDF)</a>, vom {formatDateTime(b.at)} Uhr</li>)}</ul>
        </Fragment>
      ) : null}
      <h3 className="kern-heading-small">Nachrichten</h3>
      {v.messages.length === 0 ? <p className="kern-body">Noch keine Nachrichten.</p> : (
        <ol className="message-list">
          {v.messages.map((m) => (
            <li className={`message message--${m.direction}`}>
              <p className="kern-body"><strong>{m.direction === "to-citizen" ? "Von der Verwaltung" : "Ihre Antwort"}</strong>, {formatDateTime(m.at)} Uhr</p>
              <p className="kern-body message__text">{m.text}</p>
            </li>
          ))}
        </ol>
      )}
      {v.answerFiles.length ? <p className="kern-body">Von Ihnen nachgereicht: {v.answerFiles.map((f) => f.name).join(", ")}</p> : null}
      {v.closed ? null : <AnswerForm action={v.answerAction} csrf={v.csrf} errors={{}} text="" />}
      <h3 className="kern-heading-small">Verlauf</h3>
      <ul className="kern-list">{v.events.map((e) => <li>{formatDateTime(e.at)} Uhr: {e.text}{e.who ? ` (${e.who})` : ""}</li>)}</ul>
    </section>
  );
}

export function AnswerForm(p: { action: string; csrf: string; errors: Record<string, string>; text: string; headingLevel?: 2 | 3 }): SafeHtml {
  const e = p.errors;
  return (
    <form method="post" action={p.action} encType="multipart/form-data" className="stack-form answer-form">
      <CsrfField token={p.csrf} />
      {h(`h${p.headingLevel ?? 3}`, { className: "kern-heading-small" }, "Antworten oder Dokumente nachreichen")}
      <div className={`kern-form-input${e.antwort ? " kern-form-input--error" : ""}`}>
        <label className="kern-label" htmlFor="antwort">Ihre Nachricht</label>
        {e.antwort ? <p className="kern-error" id="antwort-fehler" role="alert"><span className="kern-body">{e.antwort}</span></p> : null}
        <textarea className="kern-form-input__input" id="antwort" name="antwort" rows={4} aria-describedby={e.antwort ? "antwort-fehler" : undefined}>{p.text}</textarea>
      </div>
      <div className={`kern-form-input${e.dokumente ? " kern-form-input--error" : ""}`}>
        <label className="kern-label" htmlFor="dokumente">Dokumente<span className="kern-label__optional"> – optional</span></label>
        <div className="kern-hint" id="dokumente-hinweis">PDF, JPEG oder PNG, höchstens 10 MB je Datei, bis zu 5 Dateien.</div>
        {e.dokumente ? <p className="kern-error" id="dokumente-fehler" role="alert"><span className="kern-body">{e.dokumente}</span></p> : null}
        <input className="kern-form-input__input file-input" id="dokumente" name="dokumente" type="file" multiple accept="application/pdf,image/jpeg,image/png" aria-describedby={e.dokumente ? "dokumente-hinweis dokumente-fehler" : "dokumente-hinweis"} />
      </div>
      <SubmitButton label="Antwort senden" />
    </form>
  );
}

export function AnswerErrorPage(p: { action: string; backHref: string; csrf: string; errors: Record<string, string>; text: string }): SafeHtml {
  return (
    <Fragment>
      <h1 className="kern-heading-large">Antwort senden</h1>
      <ErrorSummary errors={p.errors} />
      <AnswerForm action={p.action} csrf={p.csrf} errors={p.errors} text={p.text} headingLevel={2} />
      <p className="kern-body"><a className="kern-link" href={p.backHref}>Zurück zum Antrag</a></p>
    </Fragment>
  );
}
