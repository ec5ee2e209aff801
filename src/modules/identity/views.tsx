import { h, Fragment, type SafeHtml } from "../../platform/ui/jsx.js";
import { CsrfField, ErrorSummary, SubmitButton, SuccessAlert, TextField } from "../../platform/ui/forms.js";
import { TRUST_LABELS, type TrustLevel } from "../../platform/auth/trust.js";
import type { Tenant } from "../../platform/tenancy.js";
import type { CitizenAccount } from "./store.js";
import type { IdentityProvider } from "./types.js";

export function LoginChooser(p: { tenant: Tenant; providers: IdentityProvider[]; csrfFor: (providerKey: string) => string; returnTo: string; required: TrustLevel; current?: TrustLevel | undefined }): SafeHtml {
  const stepUp = p.current !== undefined;
  return (
    <Fragment>
      <h1 className="kern-heading-large">{stepUp ? "Erneut anmelden" : "Anmelden"}</h1>
      {stepUp ? (
        <div className="kern-alert kern-alert--warning" role="alert">
          <div className="kern-alert__header"><span className="kern-icon kern-icon--warning" aria-hidden="true"></span><h2 className="kern-title">Höheres Vertrauensniveau nötig</h2></div>
          <div className="kern-alert__body">
            <p className="kern-body">
              Diese Seite verlangt das Vertrauensniveau „{TRUST_LABELS[p.required]}“. Sie sind mit „{TRUST_LABELS[p.current!]}“ angemeldet. Bitte melden Sie sich erneut an, zum Beispiel mit dem Online-Ausweis. Danach kommen Sie hierher zurück.
            </p>
          </div>
        </div>
      ) : (
        <p className="kern-body kern-body--large">
          Melden Sie sich mit Ihrem Servicekonto an. So können Sie Anträge stellen, Bescheide empfangen und Ihre Anliegen verfolgen.
          {p.required !== "basic" && p.required !== "none" ? ` Für diese Seite ist das Vertrauensniveau „${TRUST_LABELS[p.required]}“ nötig.` : ""}
        </p>
      )}
      {p.providers.length === 0 ? (
        <p className="kern-body">Die {p.tenant.kind} {p.tenant.name} bietet derzeit keine Anmeldung mit einem Servicekonto an.</p>
      ) : (
        <ul className="login-providers">
          {p.providers.map((provider) => (
            <li>
              <form method="post" action={`/${p.tenant.slug}/anmelden/${provider.key}`}>
                <CsrfField token={p.csrfFor(provider.key)} />
                <input type="hidden" name="weiter" value={p.returnTo} />
                <input type="hidden" name="niveau" value={p.required} />
                <button type="submit" className="kern-btn kern-btn--primary">
                  <span className="kern-label">Anmelden mit {provider.label}</span>
                </button>
              </form>
            </li>
          ))}
        </ul>
      )}
      <p className="kern-body kern-body--small">
        Die Anmeldung läuft über den Anmeldedienst, den Sie wählen. Die {p.tenant.kind} {p.tenant.name} erhält nur die Angaben, die Sie dort freigeben. Mehr dazu in der <a className="kern-link" href={`/${p.tenant.slug}/datenschutz`}>Datenschutzerklärung</a>.
      </p>
    </Fragment>
  );
}

export function LoginFailed(p: { tenant: Tenant; message: string; retry: string }): SafeHtml {
  return (
    <Fragment>
      <h1 className="kern-heading-large">Anmeldung fehlgeschlagen</h1>
      <div className="kern-alert kern-alert--danger" role="alert">
        <div className="kern-alert__header"><span className="kern-icon kern-icon--danger" aria-hidden="true"></span><h2 className="kern-title">Sie sind nicht angemeldet</h2></div>
        <div className="kern-alert__body"><p className="kern-body">{p.message}</p></div>
      </div>
      <p className="kern-body"><a className="kern-link" href={p.retry}>Anmeldung erneut starten</a></p>
      <p className="kern-body">Wenn es wieder nicht klappt, wenden Sie sich an das Rathaus: <a className="kern-link" href={`/${p.tenant.slug}/kontakt`}>Kontakt und Öffnungszeiten</a>.</p>
    </Fragment>
  );
}

const ATTRIBUTE_LABELS: [string, (a: CitizenAccount["attributes"]) => string | undefined][] = [
  ["Vorname", (a) => a.givenName],
  ["Nachname", (a) => a.surname],
  ["Organisation", (a) => a.organisationName],
  ["Geburtsdatum", (a) => (a.birthDate ? a.birthDate.split("-").reverse().join(".") : undefined)],
  ["Geburtsort", (a) => a.placeOfBirth],
  ["Anschrift", (a) => (a.address ? [a.address.street, [a.address.postalCode, a.address.city].filter(Boolean).join(" ")].filter(Boolean).join(", ") : undefined)],
  ["E-Mail-Adresse", (a) => a.email],
  ["Postfach im Servicekonto", (a) => (a.postboxHandle ? "vorhanden" : undefined)],
];

export function MeinRathaus(p: { tenant: Tenant; account: CitizenAccount; provider: IdentityProvider | undefined; csrf: string; errors: Record<string, string>; values: { email?: string; phone?: string }; saved: boolean; links: { label: string; path: string; description: string }[] }): SafeHtml {
  const a = p.account.attributes;
  const base = `/${p.tenant.slug}/mein-rathaus`;
  return (
    <Fragment>
      <h1 className="kern-heading-large">Mein Rathaus</h1>
      <ErrorSummary errors={p.errors} />
      {p.saved ? <SuccessAlert title="Ihre Angaben wurden gespeichert." /> : null}
      <p className="kern-body kern-body--large">Angemeldet mit {p.provider?.label ?? "Servicekonto"} · Vertrauensniveau: {TRUST_LABELS[p.account.trustLevel]}</p>
      {p.links.length ? (
        <ul className="kern-list account-links">
          {p.links.map((l) => <li><a className="kern-link" href={`/${p.tenant.slug}/${l.path}`}>{l.label}</a> – {l.description}</li>)}
        </ul>
      ) : null}
      <section aria-labelledby="daten">
        <h2 className="kern-heading-medium" id="daten">Ihre Daten aus dem Servicekonto</h2>
        <p className="kern-body">Diese Angaben bestätigt Ihr Servicekonto. Ändern können Sie sie nur dort; bei der nächsten Anmeldung übernehmen wir sie.</p>
        <dl className="kern-description-list">
          {ATTRIBUTE_LABELS.map(([label, get]) => {
            const v = get(a);
            return v ? (
              <div className="kern-description-list-item">
                <dt className="kern-description-list-item__key">{label}</dt>
                <dd className="kern-description-list-item__value">{v}</dd>
              </div>
            ) : null;
          })}
        </dl>
      </section>
      <section aria-labelledby="kontakt">
        <h2 className="kern-heading-medium" id="kontakt">So erreichen wir Sie</h2>
        <form method="post" action={`${base}/kontakt`} className="stack-form" novalidate>
          <CsrfField token={p.csrf} />
          {a.email ? (
            <p className="kern-body">Benachrichtigungen senden wir an {a.email} (aus Ihrem Servicekonto).</p>
          ) : (
            <TextField name="email" label="E-Mail-Adresse für Benachrichtigungen" hint="Wir schicken nur einen Hinweis mit Vorgangsnummer und Link, nie Inhalte." type="email" value={p.values.email} error={p.errors.email} autocomplete="email" />
          )}
          <TextField name="phone" label="Telefonnummer für Rückfragen" type="tel" value={p.values.phone} error={p.errors.phone} autocomplete="tel" />
          <SubmitButton label="Speichern" secondary />
        </form>
      </section>
      <section aria-labelledby="konto">
        <h2 className="kern-heading-medium" id="konto">Ihr Konto</h2>
        <ul className="tile-list">
          <li><a className="kern-link" href={`${base}/datenauskunft`}>Datenauskunft: alle Daten, die wir über Sie speichern</a></li>
          <li><a className="kern-link" href={`${base}/konto-loeschen`}>Konto löschen</a></li>
        </ul>
        <form method="post" action={`/${p.tenant.slug}/abmelden`}>
          <CsrfField token={p.csrf} />
          <SubmitButton label="Abmelden" />
        </form>
      </section>
    </Fragment>
  );
}

export function DataExportPage(p: { tenant: Tenant; json: string }): SafeHtml {
  return (
    <Fragment>
      <h1 className="kern-heading-large">Datenauskunft</h1>
      <p className="kern-body kern-body--large">Hier sehen Sie alle Daten, die das Digitale Rathaus der {p.tenant.kind} {p.tenant.name} zu Ihrem Konto speichert (Art. 15 DSGVO). Weil es um Ihre persönlichen Daten geht, verlangt diese Seite eine Anmeldung mit hohem Vertrauensniveau.</p>
      <p className="kern-body"><a className="kern-link" href={`/${p.tenant.slug}/mein-rathaus/datenauskunft.json`} download="datenauskunft.json">Als Datei herunterladen (JSON)</a></p>
      <pre className="data-export" tabindex="0" aria-label="Ihre Daten im JSON-Format">{p.json}</pre>
    </Fragment>
  );
}

export function DeleteAccountPage(p: { tenant: Tenant; csrf: string; error?: string | undefined }): SafeHtml {
  return (
    <Fragment>
      <h1 className="kern-heading-large">Konto löschen</h1>
      {p.error ? <ErrorSummary errors={{ bestaetigung: p.error }} /> : null}
      <p className="kern-body kern-body--large">Wenn Sie Ihr Konto im Digitalen Rathaus löschen, entfernen wir Ihre Angaben aus dem Servicekonto und Ihre Kontaktdaten. Ihr Servicekonto selbst (z. B. die BundID) bleibt bestehen.</p>
      <div className="kern-alert kern-alert--info" role="note">
        <div className="kern-alert__header"><span className="kern-icon kern-icon--info" aria-hidden="true"></span><h2 className="kern-title">Laufende Anträge bleiben erhalten</h2></div>
        <div className="kern-alert__body"><p className="kern-body">Anträge und Vorgänge, die Sie schon gestellt haben, bearbeitet das Rathaus weiter. Sie bleiben gespeichert, bis ihre gesetzliche Aufbewahrungsfrist endet, und werden dann gelöscht.</p></div>
      </div>
      <form method="post" action={`/${p.tenant.slug}/mein-rathaus/konto-loeschen`} className="stack-form">
        <CsrfField token={p.csrf} />
        <div className={`kern-form-check${p.error ? " kern-form-check--error" : ""}`} id="bestaetigung">
          <input className="kern-form-check__checkbox" type="checkbox" id="bestaetigung-feld" name="bestaetigung" value="ja" required />
          <label className="kern-label" htmlFor="bestaetigung-feld">Ja, ich möchte mein Konto löschen.</label>
        </div>
        <SubmitButton label="Konto endgültig löschen" />
      </form>
      <p className="kern-body"><a className="kern-link" href={`/${p.tenant.slug}/mein-rathaus/`}>Zurück zu Mein Rathaus</a></p>
    </Fragment>
  );
}

export function InfoPage(p: { title: string; text: string; tenant: Tenant }): SafeHtml {
  return (
    <Fragment>
      <h1 className="kern-heading-large">{p.title}</h1>
      <p className="kern-body kern-body--large">{p.text}</p>
      <p className="kern-body"><a className="kern-link" href={`/${p.tenant.slug}/`}>Zur Startseite</a></p>
    </Fragment>
  );
}

