import { h, Fragment, type SafeHtml } from "../../platform/ui/jsx.js";
import { CsrfField, ErrorSummary, SubmitButton, SuccessAlert, TextField, type FieldErrors } from "../../platform/ui/forms.js";
import { formatDateTime } from "../../platform/clock.js";

/** The second login step. */
export function CodePage(p: { csrf: string; errors: FieldErrors }): SafeHtml {
  return (
    <Fragment>
      <h1 className="kern-heading-large">Bestätigungscode</h1>
      <ErrorSummary errors={p.errors} />
      <p className="kern-body">Ihr Passwort war richtig. Geben Sie jetzt den sechsstelligen Code aus Ihrer Authenticator-App ein.</p>
      <form method="post" action="/verwaltung/anmelden/code" className="stack-form" novalidate>
        <CsrfField token={p.csrf} />
        <TextField name="code" label="Bestätigungscode" hint="6 Ziffern, z. B. 123456. Der Code wechselt alle 30 Sekunden." error={p.errors.code} required autocomplete="one-time-code" inputmode="numeric" maxlength={7} />
        <SubmitButton label="Bestätigen" />
      </form>
      <p className="kern-body"><a className="kern-link" href="/verwaltung/anmelden">Abbrechen und neu anmelden</a></p>
    </Fragment>
  );
}

export function TwoFactorPage(p: {
  csrf: string;
  enabled: boolean;
  /** enrolment: the secret (base32, grouped) and the otpauth URI, shown as text */
  enrolment?: { secret: string; uri: string } | undefined;
  errors: FieldErrors;
  notice?: "enabled" | "disabled" | undefined;
}): SafeHtml {
  return (
    <Fragment>
      <h1 className="kern-heading-large">Zwei-Faktor-Anmeldung</h1>
      <ErrorSummary errors={p.errors} />
      {p.notice === "enabled" ? <SuccessAlert title="Die Zwei-Faktor-Anmeldung ist eingeschaltet."><p className="kern-body">Ab jetzt fragt die Anmeldung nach dem Passwort auch nach einem Code aus Ihrer App.</p></SuccessAlert> : null}
      {p.notice === "disabled" ? <SuccessAlert title="Die Zwei-Faktor-Anmeldung ist ausgeschaltet."><p className="kern-body">Die Anmeldung fragt jetzt nur nach dem Passwort. Sie können sie hier jederzeit wieder einschalten.</p></SuccessAlert> : null}
      {p.enabled ? (
        <Fragment>
          <p className="kern-body">Die Zwei-Faktor-Anmeldung ist <strong>eingeschaltet</strong>. Bei jeder Anmeldung geben Sie nach dem Passwort einen Code aus Ihrer Authenticator-App ein.</p>
          <h2 className="kern-heading-medium">Ausschalten</h2>
          <p className="kern-body">Zum Ausschalten bestätigen Sie mit einem aktuellen Code. Haben Sie Ihr Gerät verloren, setzt die Administration Ihrer Kommune die Zwei-Faktor-Anmeldung zurück.</p>
          <form method="post" action="/verwaltung/konto/zwei-faktor/ausschalten" className="stack-form" novalidate>
            <CsrfField token={p.csrf} />
            <TextField name="code" label="Aktueller Code" hint="6 Ziffern aus Ihrer Authenticator-App" error={p.errors.code} required autocomplete="one-time-code" inputmode="numeric" maxlength={7} />
            <SubmitButton label="Zwei-Faktor-Anmeldung ausschalten" secondary />
          </form>
        </Fragment>
      ) : p.enrolment ? (
        <Fragment>
          <p className="kern-body">Schützen Sie Ihr Konto mit einem zweiten Faktor: Eine Authenticator-App (z. B. FreeOTP, Aegis oder die App Ihres Dienstgeräts) erzeugt alle 30 Sekunden einen neuen sechsstelligen Code.</p>
          <h2 className="kern-heading-medium">1. Schlüssel in die App übernehmen</h2>
          <p className="kern-body">Legen Sie in der App einen neuen Eintrag an und geben Sie diesen Schlüssel ein (Typ „zeitbasiert“, 6 Ziffern, 30 Sekunden):</p>
          <p className="kern-body kern-body--large"><code className="totp-secret">{p.enrolment.secret}</code></p>
          <div className="kern-form-input">
            <label className="kern-label" htmlFor="otpauth-uri">Oder die Schlüssel-Adresse, wenn Ihre App sie übernehmen kann</label>
            <textarea className="kern-form-input__input" id="otpauth-uri" rows={3} readonly>{p.enrolment.uri}</textarea>
          </div>
          <p className="kern-hint">Geben Sie den Schlüssel nicht weiter. Die Verwaltung fragt nie nach ihm.</p>
          <h2 className="kern-heading-medium">2. Mit einem Code bestätigen</h2>
          <form method="post" action="/verwaltung/konto/zwei-faktor" className="stack-form" novalidate>
            <CsrfField token={p.csrf} />
            <TextField name="code" label="Code aus der App" hint="6 Ziffern, z. B. 123456" error={p.errors.code} required autocomplete="one-time-code" inputmode="numeric" maxlength={7} />
            <SubmitButton label="Zwei-Faktor-Anmeldung einschalten" />
          </form>
          <form method="post" action="/verwaltung/konto/zwei-faktor/neuer-schluessel" className="stack-form">
            <CsrfField token={p.csrf} />
            <SubmitButton label="Neuen Schlüssel erzeugen" secondary />
          </form>
        </Fragment>
      ) : null}
      <p className="kern-body"><a className="kern-link" href="/verwaltung/">Zurück zur Übersicht</a></p>
    </Fragment>
  );
}

export function PasswordChangePage(p: { csrf: string; errors: FieldErrors; forced: boolean; next?: string | undefined; changedAt?: string | null | undefined }): SafeHtml {
  return (
    <Fragment>
      <h1 className="kern-heading-large">Passwort ändern</h1>
      <ErrorSummary errors={p.errors} />
      {p.forced ? (
        <div className="kern-alert kern-alert--info" role="note">
          <div className="kern-alert__header"><span className="kern-icon kern-icon--info" aria-hidden="true"></span><h2 className="kern-title">Bitte wählen Sie ein eigenes Passwort</h2></div>
          <div className="kern-alert__body"><p className="kern-body">Sie haben sich mit einem Einmalpasswort angemeldet. Bevor Sie weiterarbeiten, legen Sie bitte ein eigenes Passwort fest.</p></div>
        </div>
      ) : null}
      {p.changedAt ? <p className="kern-body">Zuletzt geändert: {formatDateTime(p.changedAt)}</p> : null}
      <form method="post" action="/verwaltung/konto/passwort" className="stack-form" novalidate>
        <CsrfField token={p.csrf} />
        {p.next ? <input type="hidden" name="weiter" value={p.next} /> : null}
        <TextField name="current" label={p.forced ? "Einmalpasswort" : "Bisheriges Passwort"} type="password" error={p.errors.current} required autocomplete="current-password" />
        <TextField name="password" label="Neues Passwort" hint="Mindestens 12 Zeichen. Ein Satz aus mehreren Wörtern ist gut zu merken und schwer zu erraten." type="password" error={p.errors.password} required autocomplete="new-password" />
        <TextField name="repeat" label="Neues Passwort wiederholen" type="password" error={p.errors.repeat} required autocomplete="new-password" />
        <SubmitButton label="Passwort speichern" />
      </form>
    </Fragment>
  );
}
