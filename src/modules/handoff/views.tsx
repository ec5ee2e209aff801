import { h, Fragment, type SafeHtml } from "../../platform/ui/jsx.js";
import { CsrfField, ErrorSummary, SelectField, SubmitButton, SuccessAlert, TextField, type FieldErrors } from "../../platform/ui/forms.js";
import { formatDateTime } from "../../platform/clock.js";
import type { Tenant } from "../../platform/tenancy.js";
import { SCOPES, type ApiKey } from "./keys.js";
import { WEBHOOK_EVENTS, type Subscription } from "./webhooks.js";

export interface DeliveryLine {
  at: string;
  url: string | null;
  eventType: string;
  attempt: number;
  ok: boolean;
  httpStatus: number | null;
  error: string | null;
  durationMs: number;
}

export interface InterfacesPageProps {
  tenant: Tenant;
  keys: ApiKey[];
  subscriptions: Subscription[];
  deliveries: DeliveryLine[];
  departments: { id: string; name: string }[];
  csrf: string;
  baseUrl: string;
  /** a secret just created: shown this once */
  created?: { kind: "key" | "webhook"; label: string; secret: string } | undefined;
  notice?: string | undefined;
  errors: FieldErrors;
  values: Record<string, string | string[]>;
}

const base = (t: Tenant) => `/${t.slug}/verwaltung/schnittstellen`;
const list = (v: string | string[] | undefined) => (Array.isArray(v) ? v : v ? [v] : []);

/** A group of checkboxes in KERN markup; the first box carries the group's id (the error summary links there). */
function CheckboxGroup(p: { name: string; legend: string; options: Record<string, string>; checked: string[]; error?: string | undefined }): SafeHtml {
  return (
    <fieldset className={`kern-fieldset${p.error ? " kern-fieldset--error" : ""}`} aria-describedby={p.error ? `${p.name}-fehler` : undefined}>
      <legend className="kern-label">{p.legend}</legend>
      {p.error ? (
        <p className="kern-error" id={`${p.name}-fehler`} role="alert">
          <span className="kern-icon kern-icon--danger kern-icon--small" aria-hidden="true"></span>
          <span className="kern-body">{p.error}</span>
        </p>
      ) : null}
      <div className="kern-fieldset__body">
        {Object.entries(p.options).map(([value, label], i) => (
          <div className="kern-form-check">
            <input className="kern-form-check__checkbox" type="checkbox" id={i === 0 ? p.name : `${p.name}-${i + 1}`} name={p.name} value={value} checked={p.checked.includes(value)} />
            <label className="kern-label" htmlFor={i === 0 ? p.name : `${p.name}-${i + 1}`}>{label} <code>{value}</code></label>
          </div>
        ))}
      </div>
    </fieldset>
  );
}

function SecretOnce(p: { created: NonNullable<InterfacesPageProps["created"]> }): SafeHtml {
  return (
    <SuccessAlert title={p.created.kind === "key" ? `API-Schlüssel „${p.created.label}“ angelegt` : `Webhook für ${p.created.label} angelegt`}>
      <p className="kern-body">
        {p.created.kind === "key" ? "Der Schlüssel" : "Das Geheimnis zum Prüfen der Signatur"} wird <strong>nur jetzt</strong> angezeigt. Kopieren Sie ihn in die Einstellungen des Fachverfahrens; gespeichert wird {p.created.kind === "key" ? "nur ein Prüfwert" : "er nur verschlüsselt"}.
      </p>
      {/* resume-link: the site's style that wraps a long token instead of overflowing narrow screens */}
      <p className="kern-body resume-link"><code className="secret-once">{p.created.secret}</code></p>
    </SuccessAlert>
  );
}

export function InterfacesPage(p: InterfacesPageProps): SafeHtml {
  const e = p.errors;
  const v = p.values;
  const deptName = new Map(p.departments.map((d) => [d.id, d.name]));
  return (
    <Fragment>
      <h1 className="kern-heading-large">Schnittstellen</h1>
      <ErrorSummary errors={e} />
      {p.created ? <SecretOnce created={p.created} /> : null}
      {p.notice ? <SuccessAlert title={p.notice} /> : null}
      <p className="kern-body resume-link">
        Fachverfahren holen neue Vorgänge über die REST-Schnittstelle ab, bestätigen die Übernahme, ändern den Status und stellen Bescheide zu. Die Beschreibung steht unter <a className="kern-link" href="/api/openapi.json">/api/openapi.json</a>; die Adressen beginnen mit <code>{`${p.baseUrl}/api/v1/${p.tenant.slug}/`}</code>.
      </p>

      <h2 className="kern-heading-medium" id="schluessel">API-Schlüssel</h2>
      {p.keys.length === 0 ? <p className="kern-body">Noch kein API-Schlüssel angelegt.</p> : (
        <div className="kern-table-responsive">
          <table className="kern-table kern-table--striped">
            <caption className="kern-sr-only">API-Schlüssel der {p.tenant.kind} {p.tenant.name}</caption>
            <thead className="kern-table__head">
              <tr className="kern-table__row">
                <th scope="col" className="kern-table__header">Bezeichnung</th>
                <th scope="col" className="kern-table__header">Kennung</th>
                <th scope="col" className="kern-table__header">Berechtigungen</th>
                <th scope="col" className="kern-table__header">Amt</th>
                <th scope="col" className="kern-table__header">Angelegt</th>
                <th scope="col" className="kern-table__header">Zuletzt benutzt</th>
                <th scope="col" className="kern-table__header">Status</th>
                <th scope="col" className="kern-table__header">Aktion</th>
              </tr>
            </thead>
            <tbody className="kern-table__body">
              {p.keys.map((k) => (
                <tr className="kern-table__row">
                  <th scope="row" className="kern-table__cell">{k.label}</th>
                  <td className="kern-table__cell"><code>{`rh_${k.prefix}_…`}</code></td>
                  <td className="kern-table__cell">{k.scopes.map((s) => <code>{s} </code>)}</td>
                  <td className="kern-table__cell">{k.departmentId ? deptName.get(k.departmentId) ?? "(gelöschtes Amt)" : "alle Ämter"}</td>
                  <td className="kern-table__cell">{formatDateTime(k.createdAt)}</td>
                  <td className="kern-table__cell">{k.lastUsedAt ? formatDateTime(k.lastUsedAt) : "noch nie"}</td>
                  <td className="kern-table__cell">{k.revokedAt ? `widerrufen am ${formatDateTime(k.revokedAt)}` : "gültig"}</td>
                  <td className="kern-table__cell">
                    {k.revokedAt ? "–" : (
                      <form method="post" action={`${base(p.tenant)}/schluessel/${k.id}/widerrufen`}>
                        <CsrfField token={p.csrf} />
                        <button type="submit" className="kern-btn kern-btn--secondary kern-btn--x-small" aria-label={`Widerrufen: ${k.label}`}>
                          <span className="kern-label">Widerrufen</span>
                        </button>
                      </form>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <form method="post" action={`${base(p.tenant)}/schluessel`} className="stack-form" novalidate aria-labelledby="schluessel-neu">
        <h3 className="kern-heading-small" id="schluessel-neu">Neuen API-Schlüssel anlegen</h3>
        <CsrfField token={p.csrf} />
        <TextField name="label" label="Bezeichnung" hint="Zum Beispiel der Name des Fachverfahrens. Sie erscheint im Verlauf eines Vorgangs, wenn das Fachverfahren ihn ändert." value={list(v.label)[0]} error={e.label} required maxlength={100} />
        <CheckboxGroup name="scopes" legend="Berechtigungen" options={SCOPES} checked={list(v.scopes)} error={e.scopes} />
        <SelectField name="department" label="Nur Vorgänge dieses Amts" value={list(v.department)[0] ?? ""} options={[{ value: "", label: "Alle Ämter" }, ...p.departments.map((d) => ({ value: d.id, label: d.name }))]} error={e.department} />
        <SubmitButton label="Schlüssel anlegen" />
      </form>

      <h2 className="kern-heading-medium" id="webhooks">Webhooks</h2>
      <p className="kern-body">
        Bei jedem gewählten Ereignis geht eine signierte Nachricht (JSON, nur Kennungen und Status, keine Angaben aus dem Antrag) an die Adresse. Die Kopfzeile <code>X-Rathaus-Signature</code> enthält <code>sha256=</code> und den HMAC-SHA256 über <code>X-Rathaus-Timestamp</code>, einen Punkt und den Inhalt.
      </p>
      {p.subscriptions.length === 0 ? <p className="kern-body">Noch kein Webhook eingerichtet.</p> : (
        <div className="kern-table-responsive">
          <table className="kern-table kern-table--striped">
            <caption className="kern-sr-only">Webhooks der {p.tenant.kind} {p.tenant.name}</caption>
            <thead className="kern-table__head">
              <tr className="kern-table__row">
                <th scope="col" className="kern-table__header">Adresse</th>
                <th scope="col" className="kern-table__header">Ereignisse</th>
                <th scope="col" className="kern-table__header">Angelegt</th>
                <th scope="col" className="kern-table__header">Aktion</th>
              </tr>
            </thead>
            <tbody className="kern-table__body">
              {p.subscriptions.map((s) => (
                <tr className="kern-table__row">
                  <th scope="row" className="kern-table__cell"><code>{s.url}</code></th>
                  <td className="kern-table__cell">{s.events.map((x) => <code>{x} </code>)}</td>
                  <td className="kern-table__cell">{formatDateTime(s.createdAt)}</td>
                  <td className="kern-table__cell">
                    <form method="post" action={`${base(p.tenant)}/webhooks/${s.id}/loeschen`}>
                      <CsrfField token={p.csrf} />
                      <button type="submit" className="kern-btn kern-btn--secondary kern-btn--x-small" aria-label={`Löschen: Webhook ${s.url}`}>
                        <span className="kern-label">Löschen</span>
                      </button>
                    </form>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <form method="post" action={`${base(p.tenant)}/webhooks`} className="stack-form" novalidate aria-labelledby="webhook-neu">
        <h3 className="kern-heading-small" id="webhook-neu">Neuen Webhook einrichten</h3>
        <CsrfField token={p.csrf} />
        <TextField name="url" label="Adresse (URL)" type="url" hint="Beginnt mit https://" value={list(v.url)[0]} error={e.url} required maxlength={500} />
        <CheckboxGroup name="events" legend="Ereignisse" options={WEBHOOK_EVENTS} checked={list(v.events)} error={e.events} />
        <SubmitButton label="Webhook einrichten" />
      </form>

      <h2 className="kern-heading-medium" id="protokoll">Zustellprotokoll</h2>
      {p.deliveries.length === 0 ? <p className="kern-body">Noch keine Zustellversuche.</p> : (
        <div className="kern-table-responsive">
          <table className="kern-table kern-table--striped">
            <caption className="kern-sr-only">Die letzten Zustellversuche an Webhooks, neueste zuerst</caption>
            <thead className="kern-table__head">
              <tr className="kern-table__row">
                <th scope="col" className="kern-table__header">Zeit</th>
                <th scope="col" className="kern-table__header">Adresse</th>
                <th scope="col" className="kern-table__header">Ereignis</th>
                <th scope="col" className="kern-table__header">Versuch</th>
                <th scope="col" className="kern-table__header">Ergebnis</th>
                <th scope="col" className="kern-table__header">Dauer</th>
              </tr>
            </thead>
            <tbody className="kern-table__body">
              {p.deliveries.map((d) => (
                <tr className="kern-table__row">
                  <th scope="row" className="kern-table__cell">{formatDateTime(d.at)}</th>
                  <td className="kern-table__cell"><code>{d.url ?? "(gelöscht)"}</code></td>
                  <td className="kern-table__cell"><code>{d.eventType}</code></td>
                  <td className="kern-table__cell">{d.attempt}</td>
                  <td className="kern-table__cell">{d.ok ? `zugestellt (HTTP ${d.httpStatus})` : `fehlgeschlagen: ${d.error ?? "unbekannt"}`}</td>
                  <td className="kern-table__cell">{`${d.durationMs} ms`}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Fragment>
  );
}
