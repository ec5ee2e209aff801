import { h, Fragment, type SafeHtml } from "../../../platform/ui/jsx.js";
import { CsrfField, ErrorSummary, SubmitButton } from "../../../platform/ui/forms.js";
import { formatDate, formatDateTime } from "../../../platform/clock.js";
import type { Tenant } from "../../../platform/tenancy.js";
import type { Case } from "../service.js";
import type { WorkflowState, WorkflowTransition } from "../workflow.js";

export interface InboxRow {
  c: Case;
  serviceTitle: string;
  stateLabel: string;
  assignee: string | undefined;
  overdue: boolean;
}

export interface InboxQuery {
  status: string;
  dienst: string;
  bearbeitung: string;
  ueberfaellig: boolean;
  aelterAls: string;
  q: string;
  /** "frist": nearest deadline first; "": newest first */
  sortierung: string;
}

const base = (t: Tenant) => `/${t.slug}/verwaltung/vorgaenge`;

export function queryString(q: InboxQuery, extra: Record<string, string> = {}): string {
  const p = new URLSearchParams();
  if (q.status) p.set("status", q.status);
  if (q.dienst) p.set("dienst", q.dienst);
  if (q.bearbeitung) p.set("bearbeitung", q.bearbeitung);
  if (q.ueberfaellig) p.set("ueberfaellig", "1");
  if (q.aelterAls) p.set("aelterAls", q.aelterAls);
  if (q.q) p.set("q", q.q);
  if (q.sortierung) p.set("sortierung", q.sortierung);
  for (const [k, v] of Object.entries(extra)) p.set(k, v);
  const s = p.toString();
  return s ? `?${s}` : "";
}

export function InboxPage(p: {
  tenant: Tenant;
  rows: InboxRow[];
  query: InboxQuery;
  states: WorkflowState[];
  services: { id: string; title: string }[];
  staff: { id: string; name: string }[];
  next: string | undefined;
  first: boolean;
  csrf: string;
  notice?: string | undefined;
  errors?: Record<string, string>;
}): SafeHtml {
  const q = p.query;
  return (
    <Fragment>
      <h1 className="kern-heading-large">Vorgänge</h1>
      <ErrorSummary errors={p.errors ?? {}} />
      {p.notice ? <div className="kern-alert kern-alert--success" role="status"><div className="kern-alert__body"><p className="kern-body">{p.notice}</p></div></div> : null}
      <form method="get" action={base(p.tenant)} className="filter-form" aria-labelledby="filter-titel">
        <h2 className="kern-heading-small" id="filter-titel">Filter</h2>
        <div className="filter-grid">
          <div className="kern-form-input">
            <label className="kern-label" htmlFor="status">Stand</label>
            <div className="kern-form-input__select-wrapper">
              <select className="kern-form-input__select" id="status" name="status">
                <option value="">Alle offenen</option>
                {p.states.map((s) => <option value={s.key} selected={q.status === s.key}>{s.label}</option>)}
              </select>
            </div>
          </div>
          <div className="kern-form-input">
            <label className="kern-label" htmlFor="dienst">Online-Dienst</label>
            <div className="kern-form-input__select-wrapper">
              <select className="kern-form-input__select" id="dienst" name="dienst">
                <option value="">Alle</option>
                {p.services.map((s) => <option value={s.id} selected={q.dienst === s.id}>{s.title}</option>)}
              </select>
            </div>
          </div>
          <div className="kern-form-input">
            <label className="kern-label" htmlFor="bearbeitung">Bearbeitung</label>
            <div className="kern-form-input__select-wrapper">
              <select className="kern-form-input__select" id="bearbeitung" name="bearbeitung">
                <option value="">Alle</option>
                <option value="ich" selected={q.bearbeitung === "ich"}>Mir zugewiesen</option>
                <option value="niemand" selected={q.bearbeitung === "niemand"}>Niemandem zugewiesen</option>
                {p.staff.map((s) => <option value={s.id} selected={q.bearbeitung === s.id}>{s.name}</option>)}
              </select>
            </div>
          </div>
          <div className="kern-form-input">
            <label className="kern-label" htmlFor="aelterAls">Eingegangen vor mehr als … Tagen</label>
            <input className="kern-form-input__input kern-form-input__input--width-4" id="aelterAls" name="aelterAls" type="text" inputmode="numeric" value={q.aelterAls} />
          </div>
          <div className="kern-form-input">
            <label className="kern-label" htmlFor="q">Suche (Aktenzeichen, Name, Dienst)</label>
            <input className="kern-form-input__input" id="q" name="q" type="search" value={q.q} />
          </div>
          <div className="kern-form-input">
            <label className="kern-label" htmlFor="sortierung">Reihenfolge</label>
            <div className="kern-form-input__select-wrapper">
              <select className="kern-form-input__select" id="sortierung" name="sortierung">
                <option value="">Neueste zuerst</option>
                <option value="frist" selected={q.sortierung === "frist"}>Nächste Frist zuerst</option>
              </select>
            </div>
          </div>
          <div className="kern-form-check">
            <input className="kern-form-check__checkbox" type="checkbox" id="ueberfaellig" name="ueberfaellig" value="1" checked={q.ueberfaellig} />
            <label className="kern-label" htmlFor="ueberfaellig">Nur überfällige</label>
          </div>
        </div>
        <SubmitButton label="Filtern" secondary />
      </form>
      {p.rows.length === 0 ? (
        <p className="kern-body">Keine Vorgänge für diese Auswahl.</p>
      ) : (
        <form method="post" action={`${base(p.tenant)}/zuweisen${queryString(q)}`}>
          <CsrfField token={p.csrf} />
          <div className="kern-table-responsive">
            <table className="kern-table inbox">
              <caption className="kern-title">Vorgänge {q.sortierung === "frist" ? "(nächste Frist zuerst)" : "(neueste zuerst)"}{p.first ? "" : ", weitere Seite"}</caption>
              <thead className="kern-table__head">
                <tr className="kern-table__row">
                  <th className="kern-table__header" scope="col"><span className="kern-sr-only">Auswahl</span></th>
                  <th className="kern-table__header" scope="col">Aktenzeichen</th>
                  <th className="kern-table__header" scope="col">Online-Dienst</th>
                  <th className="kern-table__header" scope="col">Antragsteller</th>
                  <th className="kern-table__header" scope="col">Eingang</th>
                  <th className="kern-table__header" scope="col">Stand</th>
                  <th className="kern-table__header" scope="col">Frist</th>
                  <th className="kern-table__header" scope="col">Bearbeitung</th>
                </tr>
              </thead>
              <tbody className="kern-table__body">
                {p.rows.map((r) => (
                  <tr className={`kern-table__row${r.overdue ? " is-overdue" : ""}`}>
                    <td className="kern-table__cell">
                      <input className="kern-form-check__checkbox" type="checkbox" id={`auswahl-${r.c.id}`} name="ids" value={r.c.id} aria-label={`${r.c.reference} auswählen`} />
                    </td>
                    <th className="kern-table__cell" scope="row"><a className="kern-link" href={`${base(p.tenant)}/${r.c.id}`}>{r.c.reference}</a></th>
                    <td className="kern-table__cell">{r.serviceTitle}</td>
                    <td className="kern-table__cell">{r.c.applicant ?? "–"}</td>
                    <td className="kern-table__cell">{formatDate(r.c.created_at)}</td>
                    <td className="kern-table__cell">{r.stateLabel}</td>
                    <td className="kern-table__cell">{r.c.due_at ? <Fragment>{formatDate(r.c.due_at)}{r.overdue ? <strong className="overdue"> – überfällig</strong> : null}</Fragment> : "–"}</td>
                    <td className="kern-table__cell">{r.assignee ?? "niemand"}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <div className="bulk-assign">
            <div className="kern-form-input">
              <label className="kern-label" htmlFor="zuweisen-an">Ausgewählte Vorgänge zuweisen an</label>
              <div className="kern-form-input__select-wrapper">
                <select className="kern-form-input__select" id="zuweisen-an" name="assignee">
                  <option value="">niemanden (Zuweisung aufheben)</option>
                  {p.staff.map((s) => <option value={s.id}>{s.name}</option>)}
                </select>
              </div>
            </div>
            <SubmitButton label="Zuweisen" secondary />
          </div>
        </form>
      )}
      <nav className="pager" aria-label="Seiten der Vorgangsliste">
        {p.first ? null : <a className="kern-link" href={`${base(p.tenant)}${queryString(q)}`}>Zum Anfang der Liste</a>}
        {p.next ? <a className="kern-link" href={p.next}>Weitere Vorgänge</a> : null}
      </nav>
    </Fragment>
  );
}

export interface CasePageProps {
  tenant: Tenant;
  c: Case;
  serviceTitle: string;
  state: WorkflowState;
  department: string | undefined;
  assignee: string | undefined;
  overdue: boolean;
  answers: { step: string; rows: { label: string; value: string }[] }[];
  applicationFiles: { id: string; name: string; size: number }[];
  caseFiles: { id: string; title: string; name: string; at: string; firstReadAt: string | null }[];
  messages: { direction: "to-citizen" | "from-citizen"; text: string; at: string }[];
  events: { at: string; who: string; text: string; public: boolean }[];
  notes: { at: string; who: string; text: string }[];
  transitions: (WorkflowTransition & { draft?: string })[];
  staff: { id: string; name: string }[];
  csrf: string;
  errors: Record<string, string>;
  values: Record<string, string>;
  notice?: string | undefined;
}

export function CasePage(p: CasePageProps): SafeHtml {
  const b = `${base(p.tenant)}/${p.c.id}`;
  const c = p.c;
  return (
    <Fragment>
      <h1 className="kern-heading-large">Vorgang {c.reference}: {p.serviceTitle}</h1>
      <ErrorSummary errors={p.errors} />
      {p.notice ? <div className="kern-alert kern-alert--success" role="status"><div className="kern-alert__body"><p className="kern-body">{p.notice}</p></div></div> : null}
      <dl className="kern-description-list">
        <div className="kern-description-list-item"><dt className="kern-description-list-item__key">Stand</dt><dd className="kern-description-list-item__value">{p.state.label} seit {formatDateTime(c.state_since)} Uhr</dd></div>
        <div className="kern-description-list-item"><dt className="kern-description-list-item__key">Eingang</dt><dd className="kern-description-list-item__value">{formatDateTime(c.created_at)} Uhr</dd></div>
        <div className="kern-description-list-item"><dt className="kern-description-list-item__key">Frist</dt><dd className="kern-description-list-item__value">{c.due_at ? `${formatDate(c.due_at)}${p.overdue ? " – überfällig" : ""}` : "keine"}</dd></div>
        <div className="kern-description-list-item"><dt className="kern-description-list-item__key">Zuständig</dt><dd className="kern-description-list-item__value">{p.department ?? "keine Stelle zugeordnet"}</dd></div>
        <div className="kern-description-list-item"><dt className="kern-description-list-item__key">Bearbeitung</dt><dd className="kern-description-list-item__value">{p.assignee ?? "niemandem zugewiesen"}</dd></div>
        <div className="kern-description-list-item"><dt className="kern-description-list-item__key">Antragsteller</dt><dd className="kern-description-list-item__value">{c.applicant ?? "–"}{c.account_id ? " (mit Servicekonto)" : " (ohne Anmeldung)"}</dd></div>
      </dl>

      <section aria-labelledby="aktionen">
        <h2 className="kern-heading-medium" id="aktionen">Bearbeiten</h2>
        {p.transitions.length === 0 ? <p className="kern-body">{c.closed_at ? "Der Vorgang ist abgeschlossen." : "Sie können den Stand dieses Vorgangs nicht ändern."}</p> : null}
        {p.transitions.map((t) => {
          const id = `text-${t.to}`;
          return (
            <form method="post" action={`${b}/status`} className="stack-form case-action">
              <CsrfField token={p.csrf} />
              <input type="hidden" name="to" value={t.to} />
              <input type="hidden" name="version" value={String(c.version)} />
              {t.withMessage || t.withBescheid ? (
                <div className={`kern-form-input${p.errors[id] ? " kern-form-input--error" : ""}`}>
                  <label className="kern-label" htmlFor={id}>{t.withBescheid ? `Text des Bescheids („${t.label}“)` : "Ihre Rückfrage an die antragstellende Person"}</label>
                  <div className="kern-hint" id={`${id}-hinweis`}>{t.withBescheid ? "Der Bescheid wird als PDF erzeugt und der antragstellenden Person zugestellt." : "Die Person wird per E-Mail benachrichtigt und antwortet online, auch mit Dokumenten."}</div>
                  {p.errors[id] ? <p className="kern-error" id={`${id}-fehler`} role="alert"><span className="kern-body">{p.errors[id]}</span></p> : null}
                  <textarea className="kern-form-input__input" id={id} name="text" rows={t.withBescheid ? 10 : 4} aria-describedby={p.errors[id] ? `${id}-hinweis ${id}-fehler` : `${id}-hinweis`}>{p.values[id] ?? t.draft ?? ""}</textarea>
                </div>
              ) : null}
              <SubmitButton label={t.label} secondary={!t.withBescheid} />
            </form>
          );
        })}
        <form method="post" action={`${b}/zuweisen`} className="stack-form case-action">
          <CsrfField token={p.csrf} />
          <input type="hidden" name="version" value={String(c.version)} />
          <div className="kern-form-input">
            <label className="kern-label" htmlFor="assignee">Zuweisen an</label>
            <div className="kern-form-input__select-wrapper">
              <select className="kern-form-input__select" id="assignee" name="assignee">
                <option value="">niemanden</option>
                {p.staff.map((s) => <option value={s.id} selected={s.id === c.assignee_id}>{s.name}</option>)}
              </select>
            </div>
          </div>
          <SubmitButton label="Zuweisung speichern" secondary />
        </form>
      </section>

      <section aria-labelledby="angaben">
        <h2 className="kern-heading-medium" id="angaben">Angaben im Antrag</h2>
        {p.answers.map((s) => (
          <Fragment>
            <h3 className="kern-heading-small">{s.step}</h3>
            <dl className="kern-description-list">
              {s.rows.map((r) => <div className="kern-description-list-item"><dt className="kern-description-list-item__key">{r.label}</dt><dd className="kern-description-list-item__value">{r.value}</dd></div>)}
            </dl>
          </Fragment>
        ))}
      </section>

      <section aria-labelledby="dateien">
        <h2 className="kern-heading-medium" id="dateien">Dateien</h2>
        {p.applicationFiles.length + p.caseFiles.length === 0 ? <p className="kern-body">Keine Dateien.</p> : (
          <ul className="kern-list">
            {p.applicationFiles.map((f) => <li><a className="kern-link" href={`${b}/antragsdateien/${f.id}`}>{f.name}</a> (zum Antrag)</li>)}
            {p.caseFiles.map((f) => <li><a className="kern-link" href={`${b}/dateien/${f.id}`}>{f.title}: {f.name}</a> ({formatDateTime(f.at)} Uhr{f.firstReadAt ? `, zuerst geöffnet ${formatDateTime(f.firstReadAt)} Uhr` : ""})</li>)}
          </ul>
        )}
      </section>

      <section aria-labelledby="nachrichten">
        <h2 className="kern-heading-medium" id="nachrichten">Nachrichten</h2>
        {p.messages.length === 0 ? <p className="kern-body">Keine Nachrichten.</p> : (
          <ol className="message-list">
            {p.messages.map((m) => (
              <li className={`message message--${m.direction}`}>
                <p className="kern-body"><strong>{m.direction === "to-citizen" ? "An die antragstellende Person" : "Von der antragstellenden Person"}</strong>, {formatDateTime(m.at)} Uhr</p>
                <p className="kern-body message__text">{m.text}</p>
              </li>
            ))}
          </ol>
        )}
      </section>

      {p.c.closed_at ? null : (
        <form method="post" action={`${b}/nachricht`} className="stack-form" aria-labelledby="nachricht-titel">
          <h3 className="kern-heading-small" id="nachricht-titel">Nachricht an die antragstellende Person</h3>
          <CsrfField token={p.csrf} />
          <div className={`kern-form-input${p.errors.nachricht ? " kern-form-input--error" : ""}`}>
            <label className="kern-label" htmlFor="nachricht">Nachricht (ohne den Stand zu ändern)</label>
            {p.errors.nachricht ? <p className="kern-error" id="nachricht-fehler" role="alert"><span className="kern-body">{p.errors.nachricht}</span></p> : null}
            <textarea className="kern-form-input__input" id="nachricht" name="nachricht" rows={3} aria-describedby={p.errors.nachricht ? "nachricht-fehler" : undefined}>{p.values.nachricht ?? ""}</textarea>
          </div>
          <SubmitButton label="Nachricht senden" secondary />
        </form>
      )}

      <section aria-labelledby="notizen">
        <h2 className="kern-heading-medium" id="notizen">Interne Notizen</h2>
        <p className="kern-body kern-hint">Nur für die Verwaltung sichtbar.</p>
        {p.notes.length ? <ul className="kern-list">{p.notes.map((n) => <li>{formatDateTime(n.at)} Uhr, {n.who}: {n.text}</li>)}</ul> : null}
        <form method="post" action={`${b}/notiz`} className="stack-form">
          <CsrfField token={p.csrf} />
          <div className={`kern-form-input${p.errors.notiz ? " kern-form-input--error" : ""}`}>
            <label className="kern-label" htmlFor="notiz">Neue Notiz</label>
            {p.errors.notiz ? <p className="kern-error" id="notiz-fehler" role="alert"><span className="kern-body">{p.errors.notiz}</span></p> : null}
            <textarea className="kern-form-input__input" id="notiz" name="notiz" rows={3} aria-describedby={p.errors.notiz ? "notiz-fehler" : undefined}>{p.values.notiz ?? ""}</textarea>
          </div>
          <SubmitButton label="Notiz speichern" secondary />
        </form>
      </section>

      <section aria-labelledby="verlauf">
        <h2 className="kern-heading-medium" id="verlauf">Verlauf</h2>
        <div className="kern-table-responsive">
          <table className="kern-table">
            <caption className="kern-sr-only">Verlauf des Vorgangs {c.reference}</caption>
            <thead className="kern-table__head"><tr className="kern-table__row"><th className="kern-table__header" scope="col">Wann</th><th className="kern-table__header" scope="col">Wer</th><th className="kern-table__header" scope="col">Was</th><th className="kern-table__header" scope="col">Für Antragsteller sichtbar</th></tr></thead>
            <tbody className="kern-table__body">
              {p.events.map((e) => <tr className="kern-table__row"><td className="kern-table__cell">{formatDateTime(e.at)} Uhr</td><td className="kern-table__cell">{e.who}</td><td className="kern-table__cell">{e.text}</td><td className="kern-table__cell">{e.public ? "ja" : "nein"}</td></tr>)}
            </tbody>
          </table>
        </div>
      </section>
      <p className="kern-body"><a className="kern-link" href={base(p.tenant)}>Zurück zur Vorgangsliste</a></p>
    </Fragment>
  );
}
