import { h, Fragment, type Child, type SafeHtml } from "../../../platform/ui/jsx.js";
import { RathausText } from "../../../platform/ui/rathaus-text.js";
import { CsrfField, ErrorSummary, SubmitButton, SuccessAlert, TextArea, TextField, type FieldErrors } from "../../../platform/ui/forms.js";
import type { NavEntry } from "../../../platform/module.js";
import type { Department, TenantProfile } from "../store.js";
import { AddressBlock, ContactList, OpeningHoursTable } from "../../../platform/ui/contact.js";

export function MunicipalityList(p: { tenants: TenantProfile[] }): SafeHtml {
  return (
    <Fragment>
      <h1 className="kern-heading-large">Digitales Rathaus</h1>
      <p className="kern-body kern-body--large">
        Online-Dienste, Ratsinformationen und Bürgerbeteiligung der teilnehmenden Kommunen. Bitte wählen Sie Ihre Kommune.
      </p>
      <ul className="municipality-list">
        {p.tenants.map((t) => (
          <li className="kern-card municipality-card">
            <div className="kern-card__container">
              <div className="kern-card__header municipality-card__header">
                <img src={`/${t.slug}/wappen.svg`} alt="" width="48" height="58" />
                <h2 className="kern-title">
                  <a className="kern-link kern-link--stretched" href={`/${t.slug}/`}>{t.kind} {t.name}</a>
                </h2>
              </div>
              <div className="kern-card__body">
                <p className="kern-body">{t.district ? `${t.district}, ${t.state}` : t.state}</p>
              </div>
            </div>
          </li>
        ))}
      </ul>
      {p.tenants.length === 0 ? <p className="kern-body">Es sind noch keine Kommunen eingerichtet. Mit <code>npx rathaus tenant add</code> legen Sie die erste an.</p> : null}
    </Fragment>
  );
}

export function Home(p: { tenant: TenantProfile; sections: NavEntry[]; current?: { heading: string; body: Child }[] }): SafeHtml {
  const t = p.tenant;
  return (
    <Fragment>
      <h1 className="kern-heading-large">Digitales Rathaus der {t.kind} {t.name}</h1>
      <p className="kern-body kern-body--large">{t.welcome}</p>
      {(p.current ?? []).map((c, i) => (
        <section aria-labelledby={`aktuell-${i}`} className="home-current">
          <h2 className="kern-heading-medium" id={`aktuell-${i}`}>{c.heading}</h2>
          {c.body}
        </section>
      ))}
      {p.sections.length > 0 ? (
        <section aria-labelledby="angebote">
          <h2 className="kern-heading-medium" id="angebote">Unsere Angebote</h2>
          <ul className="tile-list">
            {p.sections.map((s) => (
              <li><a className="kern-link" href={`/${t.slug}/${s.path}`}>{s.label}</a></li>
            ))}
          </ul>
        </section>
      ) : null}
      <section aria-labelledby="barrierefrei" className="home-access">
        <h2 className="kern-heading-medium" id="barrierefrei">Informationen zur Barrierefreiheit</h2>
        <ul className="tile-list">
          <li><a className="kern-link" href={`/${t.slug}/leichte-sprache`}><span className="kern-icon kern-icon--easy-language" aria-hidden="true"></span> Informationen in Leichter Sprache</a></li>
          <li><a className="kern-link" href={`/${t.slug}/gebaerdensprache`}><span className="kern-icon kern-icon--sign-language" aria-hidden="true"></span> Informationen in Deutscher Gebärdensprache</a></li>
          <li><a className="kern-link" href={`/${t.slug}/barrierefreiheit`}>Erklärung zur Barrierefreiheit</a></li>
        </ul>
      </section>
      <section aria-labelledby="rathaus-kontakt" className="home-contact">
        <h2 className="kern-heading-medium" id="rathaus-kontakt">So erreichen Sie das Rathaus</h2>
        <div className="two-columns">
          <div>
            <AddressBlock name={`Rathaus der ${t.kind} ${t.name}`} address={t.address} />
            <ContactList contact={t.contact} />
          </div>
          <div>
            <OpeningHoursTable hours={t.openingHours} caption="Öffnungszeiten" />
          </div>
        </div>
        <p className="kern-body"><a className="kern-link" href={`/${t.slug}/kontakt`}>Alle Ämter und Ansprechstellen</a></p>
      </section>
    </Fragment>
  );
}

export function ContactPage(p: { tenant: TenantProfile; departments: Department[] }): SafeHtml {
  const t = p.tenant;
  return (
    <Fragment>
      <h1 className="kern-heading-large">Kontakt und Öffnungszeiten</h1>
      <section aria-labelledby="rathaus">
        <h2 className="kern-heading-medium" id="rathaus">Rathaus</h2>
        <div className="two-columns">
          <div>
            <AddressBlock name={`${t.kind} ${t.name}`} address={t.address} />
            <ContactList contact={t.contact} />
          </div>
          <OpeningHoursTable hours={t.openingHours} caption="Öffnungszeiten des Rathauses" />
        </div>
      </section>
      <section aria-labelledby="aemter">
        <h2 className="kern-heading-medium" id="aemter">Ämter und Fachbereiche</h2>
        <ul className="department-list">
          {p.departments.map((d) => (
            <li>
              <a className="kern-link" href={`/${t.slug}/aemter/${d.key}`}>{d.name}</a>
              <p className="kern-body kern-body--small">{d.description}</p>
            </li>
          ))}
        </ul>
      </section>
    </Fragment>
  );
}

export function DepartmentPage(p: { tenant: TenantProfile; department: Department; responsibilityLabels: Record<string, string> }): SafeHtml {
  const d = p.department;
  return (
    <Fragment>
      <h1 className="kern-heading-large">{d.name}</h1>
      {d.description ? <p className="kern-body kern-body--large">{d.description}</p> : null}
      <div className="two-columns">
        <section aria-labelledby="anschrift">
          <h2 className="kern-heading-medium" id="anschrift">Anschrift und Kontakt</h2>
          <AddressBlock address={d.address} room={d.room} />
          <ContactList contact={d.contact} />
        </section>
        <section aria-labelledby="zeiten">
          <h2 className="kern-heading-medium" id="zeiten">Öffnungszeiten</h2>
          <OpeningHoursTable hours={d.openingHours} caption={`Öffnungszeiten: ${d.name}`} />
        </section>
      </div>
      {d.responsibilities.length > 0 ? (
        <section aria-labelledby="zustaendig">
          <h2 className="kern-heading-medium" id="zustaendig">Zuständig für</h2>
          <ul className="kern-list">
            {d.responsibilities.map((k) => <li>{p.responsibilityLabels[k] ?? k}</li>)}
          </ul>
        </section>
      ) : null}
    </Fragment>
  );
}

export function TextPage(p: { title: string; text: string; intro?: SafeHtml; lang?: string }): SafeHtml {
  return (
    <article className="text-page">
      <h1 className="kern-heading-large">{p.title}</h1>
      {p.intro ?? null}
      <RathausText text={p.text} />
    </article>
  );
}

export function SignLanguagePage(p: { tenant: TenantProfile }): SafeHtml {
  const t = p.tenant;
  const video = t.gebaerdenspracheVideo;
  return (
    <article className="text-page">
      <h1 className="kern-heading-large">Informationen in Deutscher Gebärdensprache</h1>
      {video ? (
        <section aria-labelledby="video">
          <h2 className="kern-heading-medium" id="video">Video: Die {t.kind} {t.name} stellt sich vor</h2>
          <video controls preload="metadata" className="sign-video" aria-describedby="video-inhalt">
            <source src={`/${t.slug}/gebaerdensprache/video`} type={video.contentType} />
            <a className="kern-link" href={`/${t.slug}/gebaerdensprache/video`}>Video herunterladen</a>
          </video>
          <p className="kern-body" id="video-inhalt">
            Im Video erklären wir in Deutscher Gebärdensprache, was Sie auf dieser Website finden, wie Sie das Rathaus erreichen und wie Sie uns eine Barriere melden.
          </p>
        </section>
      ) : (
        <div className="kern-alert kern-alert--info" role="note">
          <div className="kern-alert__header">
            <span className="kern-icon kern-icon--info" aria-hidden="true"></span>
            <h2 className="kern-title">Das Video in Gebärdensprache folgt</h2>
          </div>
          <div className="kern-alert__body">
            <p className="kern-body">Bis dahin finden Sie hier in Textform, wie Sie die {t.kind} {t.name} erreichen.</p>
          </div>
        </div>
      )}
      <RathausText text={t.gebaerdenspracheHinweis} />
      <h2 className="kern-heading-medium">Kontakt</h2>
      <AddressBlock name={`Rathaus der ${t.kind} ${t.name}`} address={t.address} />
      <ContactList contact={t.contact} />
    </article>
  );
}

export interface BarrierFormValues {
  pageUrl?: string;
  description?: string;
  name?: string;
  email?: string;
}

export function BarrierReportForm(p: { tenant: TenantProfile; csrf: string; values: BarrierFormValues; errors: FieldErrors }): SafeHtml {
  const t = p.tenant;
  return (
    <Fragment>
      <h1 className="kern-heading-large">Barriere melden</h1>
      <ErrorSummary errors={p.errors} />
      <p className="kern-body kern-body--large">
        Sie sind auf dieser Website auf eine Barriere gestoßen? Zum Beispiel ein Inhalt, den Sie nicht lesen, hören oder bedienen können? Bitte teilen Sie es uns mit. Wir antworten innerhalb von sechs Wochen.
      </p>
      <p className="kern-body">
        Sie können uns auch eine E-Mail schreiben: <a className="kern-link" href={`mailto:${t.accessibilityEmail}`}>{t.accessibilityEmail}</a>
      </p>
      <form method="post" action={`/${t.slug}/barrierefreiheit/melden`} className="stack-form" novalidate>
        <CsrfField token={p.csrf} />
        <TextField name="pageUrl" label="Auf welcher Seite ist die Barriere?" hint="Die Adresse der Seite oder ihr Titel" value={p.values.pageUrl} error={p.errors.pageUrl} required maxlength={500} />
        <TextArea name="description" label="Beschreiben Sie die Barriere" hint="Was wollten Sie tun? Was hat nicht funktioniert? Welche Hilfsmittel nutzen Sie, z. B. einen Screenreader?" value={p.values.description} error={p.errors.description} required maxlength={5000} rows={8} />
        <TextField name="name" label="Ihr Name" value={p.values.name} error={p.errors.name} autocomplete="name" maxlength={200} />
        <TextField name="email" label="Ihre E-Mail-Adresse" hint="Nur wenn Sie eine Antwort möchten." type="email" value={p.values.email} error={p.errors.email} autocomplete="email" maxlength={254} />
        <p className="kern-body kern-body--small">
          Ihre Angaben verwenden wir nur, um die Barriere zu beseitigen und Ihnen zu antworten. Mehr dazu in der <a className="kern-link" href={`/${t.slug}/datenschutz`}>Datenschutzerklärung</a>.
        </p>
        <SubmitButton label="Meldung absenden" />
      </form>
    </Fragment>
  );
}

export function BarrierReportThanks(p: { tenant: TenantProfile; reference: string; withEmail: boolean }): SafeHtml {
  return (
    <Fragment>
      <h1 className="kern-heading-large">Vielen Dank für Ihre Meldung</h1>
      <SuccessAlert title={`Ihre Vorgangsnummer: ${p.reference}`}>
        <p className="kern-body">
          Wir haben Ihre Meldung erhalten{p.withEmail ? " und Ihnen eine Bestätigung per E-Mail geschickt" : ""}. Bitte nennen Sie die Vorgangsnummer, wenn Sie uns dazu kontaktieren.
        </p>
      </SuccessAlert>
      <p className="kern-body">
        Wenn Sie innerhalb von sechs Wochen keine zufriedenstellende Antwort erhalten, können Sie sich an die Durchsetzungsstelle wenden. Wie das geht, steht in der <a className="kern-link" href={`/${p.tenant.slug}/barrierefreiheit`}>Erklärung zur Barrierefreiheit</a>.
      </p>
      <p className="kern-body"><a className="kern-link" href={`/${p.tenant.slug}/`}>Zur Startseite</a></p>
    </Fragment>
  );
}
