import { h, Fragment, type SafeHtml } from "../../../../platform/ui/jsx.js";
import type { Tenant } from "../../../../platform/tenancy.js";
import { CsrfField, ErrorSummary, SubmitButton, SuccessAlert, TextField, type FieldErrors } from "../../../../platform/ui/forms.js";

/** Pages of the e-mail alert flow: order, "please confirm", confirm, unsubscribe. */

const base = (t: Tenant) => `/${t.slug}/rat/benachrichtigungen`;

function SearchInWords(p: { words: string }): SafeHtml {
  return (
    <p className="kern-body">
      Ihre Suche: <strong>{p.words}</strong>
    </p>
  );
}

export function AlertForm(p: { tenant: Tenant; search: { q: string; art?: string | undefined; gremium?: string | undefined }; words: string; csrf: string; email: string; errors: FieldErrors; feedUrl: string }): SafeHtml {
  const t = p.tenant;
  return (
    <Fragment>
      <h1 className="kern-heading-large">Benachrichtigung per E-Mail</h1>
      <ErrorSummary errors={p.errors} />
      <p className="kern-body kern-body--large">Wir schreiben Ihnen eine E-Mail, sobald im Ratsinformationssystem eine neue öffentliche Vorlage erscheint, die zu Ihrer Suche passt.</p>
      <SearchInWords words={p.words} />
      <form method="post" action={base(t)} className="stack-form" novalidate>
        <CsrfField token={p.csrf} />
        <input type="hidden" name="q" value={p.search.q} />
        {p.search.art ? <input type="hidden" name="art" value={p.search.art} /> : null}
        {p.search.gremium ? <input type="hidden" name="gremium" value={p.search.gremium} /> : null}
        <TextField name="email" label="Ihre E-Mail-Adresse" type="email" value={p.email} error={p.errors.email} autocomplete="email" maxlength={254} required hint="Sie erhalten zuerst eine E-Mail mit einem Link zur Bestätigung." />
        <p className="kern-body kern-body--small">
          Wir speichern Ihre E-Mail-Adresse und Ihre Suche nur, um Ihnen diese Benachrichtigungen zu schicken. Ohne Bestätigung löschen wir beides nach 7 Tagen; nach der Bestätigung, sobald Sie die Benachrichtigung abbestellen – mit dem Link in jeder E-Mail. Mehr dazu in der{" "}
          <a className="kern-link" href={`/${t.slug}/datenschutz`}>Datenschutzerklärung</a>.
        </p>
        <SubmitButton label="Benachrichtigung bestellen" />
      </form>
      <h2 className="kern-heading-medium">Ohne E-Mail</h2>
      <p className="kern-body">
        Dieselbe Suche gibt es auch als Feed für Ihren Feedreader: <a className="kern-link" href={p.feedUrl}>Atom-Feed zu dieser Suche</a>.
      </p>
    </Fragment>
  );
}

export function AlertRequested(p: { tenant: Tenant; words: string }): SafeHtml {
  return (
    <Fragment>
      <h1 className="kern-heading-large">Bitte bestätigen Sie Ihre E-Mail-Adresse</h1>
      <SuccessAlert title="Fast geschafft">
        <p className="kern-body">Bitte bestätigen Sie die Benachrichtigung mit dem Link in der E-Mail, die wir Ihnen gerade geschickt haben. Erst dann schreiben wir Ihnen zu neuen Vorlagen.</p>
      </SuccessAlert>
      <SearchInWords words={p.words} />
      <p className="kern-body">Keine E-Mail erhalten? Sehen Sie bitte auch im Spam-Ordner nach. Ohne Bestätigung wird die Anfrage nach 7 Tagen gelöscht.</p>
      <p className="kern-body"><a className="kern-link" href={`/${p.tenant.slug}/rat/`}>Zum Ratsinformationssystem</a></p>
    </Fragment>
  );
}

export function ConfirmPage(p: { tenant: Tenant; words: string; action: string; csrf: string; confirmed: boolean }): SafeHtml {
  return (
    <Fragment>
      <h1 className="kern-heading-large">Benachrichtigung bestätigen</h1>
      <SearchInWords words={p.words} />
      {p.confirmed ? (
        <p className="kern-body">Diese Benachrichtigung ist bereits bestätigt.</p>
      ) : (
        <form method="post" action={p.action} className="stack-form">
          <CsrfField token={p.csrf} />
          <p className="kern-body">Bitte bestätigen Sie, dass Sie zu dieser Suche E-Mails über neue Vorlagen erhalten möchten.</p>
          <SubmitButton label="Benachrichtigung bestätigen" />
        </form>
      )}
    </Fragment>
  );
}

export function Confirmed(p: { tenant: Tenant; words: string; unsubscribeUrl: string }): SafeHtml {
  return (
    <Fragment>
      <h1 className="kern-heading-large">Benachrichtigung bestätigt</h1>
      <SuccessAlert title="Vielen Dank">
        <p className="kern-body">Wir schreiben Ihnen, sobald eine neue öffentliche Vorlage zu Ihrer Suche erscheint.</p>
      </SuccessAlert>
      <SearchInWords words={p.words} />
      <p className="kern-body">
        Abbestellen können Sie jederzeit mit dem Link in jeder E-Mail oder hier: <a className="kern-link" href={p.unsubscribeUrl}>Benachrichtigung abbestellen</a>.
      </p>
    </Fragment>
  );
}

export function UnsubscribePage(p: { tenant: Tenant; words: string; action: string; csrf: string }): SafeHtml {
  return (
    <Fragment>
      <h1 className="kern-heading-large">Benachrichtigung abbestellen</h1>
      <SearchInWords words={p.words} />
      <form method="post" action={p.action} className="stack-form">
        <CsrfField token={p.csrf} />
        <p className="kern-body">Nach dem Abbestellen erhalten Sie zu dieser Suche keine E-Mails mehr; wir löschen Ihre E-Mail-Adresse und die Suche.</p>
        <SubmitButton label="Jetzt abbestellen" />
      </form>
    </Fragment>
  );
}

export function Unsubscribed(p: { tenant: Tenant }): SafeHtml {
  return (
    <Fragment>
      <h1 className="kern-heading-large">Benachrichtigung abbestellt</h1>
      <SuccessAlert title="Sie erhalten keine E-Mails mehr zu dieser Suche">
        <p className="kern-body">Wir haben Ihre E-Mail-Adresse und die Suche gelöscht.</p>
      </SuccessAlert>
      <p className="kern-body"><a className="kern-link" href={`/${p.tenant.slug}/rat/`}>Zum Ratsinformationssystem</a></p>
    </Fragment>
  );
}

export function LinkInvalid(p: { tenant: Tenant }): SafeHtml {
  return (
    <Fragment>
      <h1 className="kern-heading-large">Dieser Link gilt nicht (mehr)</h1>
      <p className="kern-body kern-body--large">
        Die Benachrichtigung wurde bereits abbestellt, oder sie wurde nicht innerhalb von 7 Tagen bestätigt und ist deshalb gelöscht. Sie können sie auf der Suchseite neu bestellen.
      </p>
      <p className="kern-body"><a className="kern-link" href={`/${p.tenant.slug}/rat/suche`}>Zur Suche im Ratsinformationssystem</a></p>
    </Fragment>
  );
}
