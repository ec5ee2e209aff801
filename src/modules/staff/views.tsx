import { h, Fragment, type SafeHtml } from "../../platform/ui/jsx.js";
import { CsrfField, ErrorSummary, SubmitButton, TextField, type FieldErrors } from "../../platform/ui/forms.js";
import { formatDateTime } from "../../platform/clock.js";
import type { Tenant } from "../../platform/tenancy.js";
import type { Job } from "../../platform/jobs/queue.js";
import type { AuditEntry } from "../../platform/audit/audit.js";
import type { OutboxMail } from "../../platform/mail/mailer.js";

/** A municipality's single sign-on on the login page: one form posting to the start route. */
export interface SsoChoice {
  /** "Stadt Usingen: Anmeldung der Stadtverwaltung" */
  label: string;
  action: string;
  csrf: string;
}

export function LoginPage(p: { csrf: string; email: string; errors: FieldErrors; next?: string | undefined; demoHint: boolean; sso: SsoChoice[] }): SafeHtml {
  return (
    <Fragment>
      <h1 className="kern-heading-large">Anmeldung für Mitarbeitende</h1>
      <ErrorSummary errors={p.errors} />
      <p className="kern-body">Dieser Bereich ist für Mitarbeitende der Verwaltung. Bürgerinnen und Bürger melden sich mit dem Servicekonto im jeweiligen Online-Dienst an.</p>
      {p.demoHint ? (
        <div className="kern-alert kern-alert--info" role="note">
          <div className="kern-alert__header"><span className="kern-icon kern-icon--info" aria-hidden="true"></span><h2 className="kern-title">Demo-Installation</h2></div>
          <div className="kern-alert__body"><p className="kern-body">Die Zugangsdaten der Demo-Konten stehen in der README des Projekts.</p></div>
        </div>
      ) : null}
      <form method="post" action="/verwaltung/anmelden" className="stack-form" novalidate>
        <CsrfField token={p.csrf} />
        {p.next ? <input type="hidden" name="weiter" value={p.next} /> : null}
        <TextField name="email" label="E-Mail-Adresse" type="email" value={p.email} error={p.errors.email} required autocomplete="username" />
        <TextField name="password" label="Passwort" type="password" error={p.errors.password} required autocomplete="current-password" />
        <SubmitButton label="Anmelden" />
      </form>
      {p.sso.length ? (
        <section aria-labelledby="sso-titel">
          <h2 className="kern-heading-medium" id="sso-titel">Mit dem Konto Ihrer Kommune anmelden</h2>
          <p className="kern-body">Hat Ihre Kommune eine zentrale Anmeldung eingerichtet, können Sie sich auch mit Ihrem dienstlichen Konto der Kommune anmelden. Den zweiten Faktor prüft dann Ihre Kommune.</p>
          <ul className="login-providers">
            {p.sso.map((c) => (
              <li>
                <form method="post" action={c.action}>
                  <CsrfField token={c.csrf} />
                  {p.next ? <input type="hidden" name="weiter" value={p.next} /> : null}
                  <button type="submit" className="kern-btn kern-btn--secondary"><span className="kern-label">{c.label}</span></button>
                </form>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </Fragment>
  );
}

/** A refused single sign-on: the reason in German, and the way back to the login page. */
export function SsoRefusedPage(p: { message: string }): SafeHtml {
  return (
    <Fragment>
      <h1 className="kern-heading-large">Anmeldung nicht möglich</h1>
      <div className="kern-alert kern-alert--danger" role="alert">
        <div className="kern-alert__header"><span className="kern-icon kern-icon--danger" aria-hidden="true"></span><h2 className="kern-title">Sie sind nicht angemeldet</h2></div>
        <div className="kern-alert__body"><p className="kern-body">{p.message}</p></div>
      </div>
      <p className="kern-body"><a className="kern-link" href="/verwaltung/anmelden">Zurück zur Anmeldung</a></p>
    </Fragment>
  );
}

export function StaffOverview(p: { name: string; tenants: Tenant[]; platformAdmin: boolean; totpEnabled: boolean }): SafeHtml {
  return (
    <Fragment>
      <h1 className="kern-heading-large">Verwaltungsbereich</h1>
      <p className="kern-body kern-body--large">Guten Tag, {p.name}.</p>
      <h2 className="kern-heading-medium">Ihre Kommunen</h2>
      {p.tenants.length ? (
        <ul className="tile-list">
          {p.tenants.map((t) => <li><a className="kern-link" href={`/${t.slug}/verwaltung/`}>{t.kind} {t.name}</a></li>)}
        </ul>
      ) : (
        <p className="kern-body">Ihrem Konto ist noch keine Kommune zugeordnet. Bitte wenden Sie sich an die Administration.</p>
      )}
      <h2 className="kern-heading-medium">Ihr Konto</h2>
      <ul className="tile-list">
        <li><a className="kern-link" href="/verwaltung/konto/zwei-faktor">Zwei-Faktor-Anmeldung</a> <span className="kern-body kern-body--small">({p.totpEnabled ? "eingeschaltet" : "nicht eingeschaltet"})</span></li>
        <li><a className="kern-link" href="/verwaltung/konto/passwort">Passwort ändern</a></li>
      </ul>
      {p.platformAdmin ? (
        <Fragment>
          <h2 className="kern-heading-medium">Betrieb</h2>
          <ul className="tile-list">
            <li><a className="kern-link" href="/verwaltung/aufgaben">Hintergrundaufgaben</a></li>
            <li><a className="kern-link" href="/verwaltung/protokoll">Protokoll (Audit-Log)</a></li>
            <li><a className="kern-link" href="/verwaltung/postausgang">Postausgang</a></li>
          </ul>
        </Fragment>
      ) : null}
    </Fragment>
  );
}

const STATUS_LABELS: Record<string, string> = { pending: "wartet", running: "läuft", done: "erledigt", failed: "fehlgeschlagen" };


export function JobsPage(p: { jobs: Job[]; counts: Record<string, number>; status?: string | undefined; csrf: string }): SafeHtml {
  return (
    <Fragment>
      <h1 className="kern-heading-large">Hintergrundaufgaben</h1>
      <p className="kern-body">Alles, was später oder regelmäßig geschieht: E-Mails, Protokollsicherung, Aufräumen. Fehlgeschlagene Aufgaben werden mit wachsendem Abstand wiederholt.</p>
      <nav aria-label="Nach Status filtern">
        <ul className="filter-list">
          <li><a className="kern-link" href="/verwaltung/aufgaben" aria-current={!p.status ? "page" : undefined}>Alle</a></li>
          {Object.entries(STATUS_LABELS).map(([k, label]) => (
            <li><a className="kern-link" href={`/verwaltung/aufgaben?status=${k}`} aria-current={p.status === k ? "page" : undefined}>{label} ({p.counts[k] ?? 0})</a></li>
          ))}
        </ul>
      </nav>
      {p.jobs.length === 0 ? <p className="kern-body">Keine Aufgaben in dieser Ansicht.</p> : (
      <div className="kern-table-responsive">
        <table className="kern-table kern-table--striped">
          <caption className="kern-sr-only">Hintergrundaufgaben{p.status ? `, Status ${STATUS_LABELS[p.status]}` : ""}</caption>
          <thead>
            <tr className="kern-table__row">
              <th scope="col" className="kern-table__header">Art</th>
              <th scope="col" className="kern-table__header">Status</th>
              <th scope="col" className="kern-table__header">Versuche</th>
              <th scope="col" className="kern-table__header">Fällig</th>
              <th scope="col" className="kern-table__header">Letzter Fehler</th>
              <th scope="col" className="kern-table__header">Aktion</th>
            </tr>
          </thead>
          <tbody>
            {p.jobs.map((j) => (
              <tr className="kern-table__row">
                <td className="kern-table__cell"><code>{j.type}</code></td>
                <td className="kern-table__cell">{STATUS_LABELS[j.status] ?? j.status}</td>
                <td className="kern-table__cell">{j.attempts} von {j.maxAttempts}</td>
                <td className="kern-table__cell">{formatDateTime(j.runAt)}</td>
                <td className="kern-table__cell">{j.lastError ?? "–"}</td>
                <td className="kern-table__cell">
                  {j.status === "failed" ? (
                    <form method="post" action={`/verwaltung/aufgaben/${j.id}/wiederholen`}>
                      <CsrfField token={p.csrf} />
                      <button type="submit" className="kern-btn kern-btn--secondary kern-btn--x-small" aria-label={`Erneut versuchen: ${j.type}`}><span className="kern-label">Erneut versuchen</span></button>
                    </form>
                  ) : "–"}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      )}
    </Fragment>
  );
}


export function AuditPage(p: { entries: AuditEntry[]; tenantNames: Record<string, string>; nextBefore?: number | undefined }): SafeHtml {
  return (
    <Fragment>
      <h1 className="kern-heading-large">Protokoll</h1>
      <p className="kern-body">Das Protokoll ist unveränderlich und verkettet: jeder Eintrag enthält den Prüfwert seines Vorgängers. Es enthält Kennungen und Feldnamen, keine personenbezogenen Inhalte. Prüfen mit <code>npx rathaus audit verify</code>.</p>
      <div className="kern-table-responsive">
        <table className="kern-table kern-table--striped">
          <caption className="kern-sr-only">Protokolleinträge, neueste zuerst</caption>
          <thead>
            <tr className="kern-table__row">
              <th scope="col" className="kern-table__header">Nr.</th>
              <th scope="col" className="kern-table__header">Zeit</th>
              <th scope="col" className="kern-table__header">Kommune</th>
              <th scope="col" className="kern-table__header">Wer</th>
              <th scope="col" className="kern-table__header">Aktion</th>
              <th scope="col" className="kern-table__header">Objekt</th>
              <th scope="col" className="kern-table__header">Felder</th>
            </tr>
          </thead>
          <tbody>
            {p.entries.map((e) => (
              <tr className="kern-table__row">
                <td className="kern-table__cell">{e.seq}</td>
                <td className="kern-table__cell">{formatDateTime(e.at)}</td>
                <td className="kern-table__cell">{e.tenantId ? p.tenantNames[e.tenantId] ?? e.tenantId : "–"}</td>
                <td className="kern-table__cell">{e.actor.type}{e.actor.id ? ` ${e.actor.id.slice(0, 8)}…` : ""}</td>
                <td className="kern-table__cell"><code>{e.action}</code></td>
                <td className="kern-table__cell">{e.object?.type ?? ""} {e.object?.id ? <code>{e.object.id.length > 20 ? `${e.object.id.slice(0, 8)}…` : e.object.id}</code> : null}</td>
                <td className="kern-table__cell">{e.fields.join(", ")}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {p.nextBefore ? <p className="kern-body"><a className="kern-link" href={`/verwaltung/protokoll?vor=${p.nextBefore}`}>Ältere Einträge</a></p> : null}
    </Fragment>
  );
}


export function OutboxPage(p: { mails: OutboxMail[]; demo: boolean }): SafeHtml {
  return (
    <Fragment>
      <h1 className="kern-heading-large">Postausgang</h1>
      <p className="kern-body">
        {p.demo
          ? "Diese Installation läuft im Demo-Modus ohne Mailserver: Hier steht, was versendet worden wäre."
          : "Die zuletzt versendeten E-Mails und ihr Status. E-Mails enthalten nur eine Vorgangsnummer und einen Link, nie Inhalte eines Antrags."}
      </p>
      {p.mails.length === 0 ? <p className="kern-body">Noch keine E-Mails.</p> : null}
      {p.mails.map((m) => (
        <article className="kern-card mail-card" aria-labelledby={`mail-${m.id}`}>
          <div className="kern-card__container">
            <div className="kern-card__header">
              <h2 className="kern-title" id={`mail-${m.id}`}>{m.subject}</h2>
              <p className="kern-body kern-body--small">An {m.to} · {formatDateTime(m.createdAt)} · Status: {m.status}</p>
            </div>
            <div className="kern-card__body">{p.demo ? <pre className="mail-body">{m.text}</pre> : null}</div>
          </div>
        </article>
      ))}
    </Fragment>
  );
}
