import { h, Fragment, type SafeHtml } from "../../../platform/ui/jsx.js";
import { CsrfField, ErrorSummary, SubmitButton, TextArea, TextField, type FieldErrors } from "../../../platform/ui/forms.js";
import { formatDateTime } from "../../../platform/clock.js";
import type { BarrierReportRow, Department, TenantProfile } from "../store.js";
import { RESPONSIBILITY_LABELS } from "../responsibilities.js";

export function TenantStaffHome(p: { tenant: TenantProfile; openReports: number; links: { label: string; href: string }[] }): SafeHtml {
  return (
    <Fragment>
      <h1 className="kern-heading-large">Verwaltung: {p.tenant.kind} {p.tenant.name}</h1>
      <ul className="tile-list">
        {p.links.map((l) => <li><a className="kern-link" href={l.href}>{l.label}</a></li>)}
      </ul>
      {p.openReports > 0 ? <p className="kern-body">Offene Meldungen zur Barrierefreiheit: <a className="kern-link" href={`/${p.tenant.slug}/verwaltung/barrieren`}>{p.openReports}</a></p> : null}
    </Fragment>
  );
}

export type SettingsValues = Record<string, string>;

export function SettingsForm(p: { tenant: TenantProfile; values: SettingsValues; errors: FieldErrors; csrf: string; saved: boolean }): SafeHtml {
  const v = p.values;
  const e = p.errors;
  return (
    <Fragment>
      <h1 className="kern-heading-large">Einstellungen der {p.tenant.kind} {p.tenant.name}</h1>
      <ErrorSummary errors={e} />
      {p.saved ? (
        <div className="kern-alert kern-alert--success" role="status">
          <div className="kern-alert__header"><span className="kern-icon kern-icon--success" aria-hidden="true"></span><h2 className="kern-title">Die Einstellungen wurden gespeichert.</h2></div>
        </div>
      ) : null}
      <form method="post" action={`/${p.tenant.slug}/verwaltung/einstellungen`} className="stack-form" novalidate>
        <CsrfField token={p.csrf} />
        <fieldset className="kern-fieldset">
          <legend className="kern-label kern-label--large">Startseite</legend>
          <TextArea name="welcome" label="Begrüßungstext" value={v.welcome} error={e.welcome} required rows={3} maxlength={1000} />
        </fieldset>
        <fieldset className="kern-fieldset">
          <legend className="kern-label kern-label--large">Anschrift und Kontakt des Rathauses</legend>
          <TextField name="street" label="Straße und Hausnummer" value={v.street} error={e.street} required autocomplete="street-address" />
          <TextField name="postalCode" label="Postleitzahl" value={v.postalCode} error={e.postalCode} required inputmode="numeric" maxlength={5} autocomplete="postal-code" />
          <TextField name="city" label="Ort" value={v.city} error={e.city} required autocomplete="address-level2" />
          <TextField name="phone" label="Telefon" value={v.phone} error={e.phone} required type="tel" />
          <TextField name="fax" label="Fax" value={v.fax} error={e.fax} type="tel" />
          <TextField name="email" label="E-Mail-Adresse" value={v.email} error={e.email} required type="email" />
          <TextField name="website" label="Website" value={v.website} error={e.website} type="url" />
          <TextArea name="openingHours" label="Öffnungszeiten" hint="Eine Zeile je Zeitraum, z. B. „Montag bis Freitag: 8:00–12:00 Uhr“" value={v.openingHours} error={e.openingHours} required rows={5} />
          <TextField name="openingNote" label="Hinweis zu den Öffnungszeiten" value={v.openingNote} error={e.openingNote} />
        </fieldset>
        <fieldset className="kern-fieldset">
          <legend className="kern-label kern-label--large">Erscheinungsbild und Domains</legend>
          <TextField name="primaryColor" label="Hauptfarbe" hint="Farbwert wie #1d4f91; weiße Schrift darauf braucht ein Kontrastverhältnis von mindestens 4,5:1" value={v.primaryColor} error={e.primaryColor} required maxlength={7} />
          <TextField name="secondaryColor" label="Zweitfarbe" value={v.secondaryColor} error={e.secondaryColor} required maxlength={7} />
          <TextArea name="hosts" label="Eigene Domains" hint="Eine je Zeile, z. B. rathaus.usingen.de. Diese Domains zeigen direkt die Seiten dieser Kommune." value={v.hosts} error={e.hosts} rows={2} />
        </fieldset>
        <fieldset className="kern-fieldset">
          <legend className="kern-label kern-label--large">Rechtliche Seiten und Barrierefreiheit</legend>
          <p className="kern-hint">Textformat: Leerzeile trennt Absätze, „## “ beginnt eine Überschrift, „- “ einen Listenpunkt, [Linktext](https://…) setzt einen Link.</p>
          <TextField name="accessibilityEmail" label="E-Mail-Adresse für Meldungen zur Barrierefreiheit" value={v.accessibilityEmail} error={e.accessibilityEmail} required type="email" />
          <TextArea name="impressum" label="Impressum" value={v.impressum} error={e.impressum} required rows={10} />
          <TextArea name="datenschutz" label="Datenschutzerklärung" value={v.datenschutz} error={e.datenschutz} required rows={14} />
          <TextArea name="barrierefreiheit" label="Erklärung zur Barrierefreiheit" value={v.barrierefreiheit} error={e.barrierefreiheit} required rows={12} />
          <TextArea name="leichteSprache" label="Informationen in Leichter Sprache" value={v.leichteSprache} error={e.leichteSprache} required rows={12} />
          <TextArea name="gebaerdenspracheHinweis" label="Hinweis für gehörlose Menschen (bis das Gebärdensprachvideo vorliegt)" value={v.gebaerdenspracheHinweis} error={e.gebaerdenspracheHinweis} required rows={6} />
        </fieldset>
        <SubmitButton label="Einstellungen speichern" />
      </form>
    </Fragment>
  );
}

export function DepartmentsList(p: { tenant: TenantProfile; departments: Department[] }): SafeHtml {
  const covered = new Set(p.departments.flatMap((d) => d.responsibilities));
  const missing = Object.keys(RESPONSIBILITY_LABELS).filter((k) => !covered.has(k));
  return (
    <Fragment>
      <h1 className="kern-heading-large">Ämter und Zuständigkeiten</h1>
      <p className="kern-body">Gemeinsame Online-Dienste nennen eine Zuständigkeit (z. B. „Meldewesen“); hier legen Sie fest, welches Amt sie in Ihrer Kommune bearbeitet.</p>
      {missing.length ? (
        <div className="kern-alert kern-alert--warning" role="note">
          <div className="kern-alert__header"><span className="kern-icon kern-icon--warning" aria-hidden="true"></span><h2 className="kern-title">Zuständigkeiten ohne Amt</h2></div>
          <div className="kern-alert__body"><p className="kern-body">{missing.map((k) => RESPONSIBILITY_LABELS[k as keyof typeof RESPONSIBILITY_LABELS]).join(", ")}</p></div>
        </div>
      ) : null}
      <div className="kern-table-responsive">
        <table className="kern-table kern-table--striped">
          <caption className="kern-sr-only">Ämter</caption>
          <thead><tr className="kern-table__row"><th scope="col" className="kern-table__header">Amt</th><th scope="col" className="kern-table__header">Zuständig für</th></tr></thead>
          <tbody>
            {p.departments.map((d) => (
              <tr className="kern-table__row">
                <td className="kern-table__cell"><a className="kern-link" href={`/${p.tenant.slug}/verwaltung/aemter/${d.id}`}>{d.name}</a></td>
                <td className="kern-table__cell">{d.responsibilities.map((k) => RESPONSIBILITY_LABELS[k as keyof typeof RESPONSIBILITY_LABELS] ?? k).join(", ") || "–"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p className="kern-body"><a className="kern-btn kern-btn--secondary" href={`/${p.tenant.slug}/verwaltung/aemter/neu`}><span className="kern-label">Neues Amt anlegen</span></a></p>
    </Fragment>
  );
}

export function DepartmentForm(p: { tenant: TenantProfile; departmentId: string | null; values: Record<string, string>; responsibilities: string[]; errors: FieldErrors; csrf: string; saved: boolean }): SafeHtml {
  const v = p.values;
  const e = p.errors;
  const action = `/${p.tenant.slug}/verwaltung/aemter/${p.departmentId ?? "neu"}`;
  return (
    <Fragment>
      <h1 className="kern-heading-large">{p.departmentId ? `Amt bearbeiten: ${v.name}` : "Neues Amt"}</h1>
      <ErrorSummary errors={e} />
      {p.saved ? (
        <div className="kern-alert kern-alert--success" role="status">
          <div className="kern-alert__header"><span className="kern-icon kern-icon--success" aria-hidden="true"></span><h2 className="kern-title">Das Amt wurde gespeichert.</h2></div>
        </div>
      ) : null}
      <form method="post" action={action} className="stack-form" novalidate>
        <CsrfField token={p.csrf} />
        <TextField name="name" label="Name" value={v.name} error={e.name} required maxlength={200} />
        <TextField name="key" label="Kurzname für die Adresse" hint="Kleinbuchstaben, Ziffern und Bindestriche, z. B. buergerbuero" value={v.key} error={e.key} required maxlength={50} />
        <TextArea name="description" label="Beschreibung" value={v.description} error={e.description} rows={3} maxlength={2000} />
        <TextField name="street" label="Straße und Hausnummer" value={v.street} error={e.street} required />
        <TextField name="room" label="Raum" value={v.room} error={e.room} />
        <TextField name="postalCode" label="Postleitzahl" value={v.postalCode} error={e.postalCode} required inputmode="numeric" maxlength={5} />
        <TextField name="city" label="Ort" value={v.city} error={e.city} required />
        <TextField name="phone" label="Telefon" value={v.phone} error={e.phone} required type="tel" />
        <TextField name="email" label="E-Mail-Adresse" value={v.email} error={e.email} required type="email" />
        <TextArea name="openingHours" label="Öffnungszeiten" hint="Eine Zeile je Zeitraum, z. B. „Montag bis Freitag: 8:00–12:00 Uhr“" value={v.openingHours} error={e.openingHours} required rows={4} />
        <TextField name="openingNote" label="Hinweis zu den Öffnungszeiten" value={v.openingNote} error={e.openingNote} />
        <fieldset className={`kern-fieldset${e.responsibilities ? " kern-fieldset--error" : ""}`} id="responsibilities">
          <legend className="kern-label">Zuständig für</legend>
          <p className="kern-hint">Eine Zuständigkeit gehört zu genau einem Amt; wählen Sie sie hier, wechselt sie von ihrem bisherigen Amt hierher.</p>
          <div className="kern-fieldset__body">
            {Object.entries(RESPONSIBILITY_LABELS).map(([k, label]) => (
              <div className="kern-form-check">
                <input className="kern-form-check__checkbox" type="checkbox" id={`resp-${k}`} name="responsibilities" value={k} checked={p.responsibilities.includes(k)} />
                <label className="kern-label" htmlFor={`resp-${k}`}>{label}</label>
              </div>
            ))}
          </div>
        </fieldset>
        <SubmitButton label="Amt speichern" />
      </form>
      {p.departmentId ? (
        <form method="post" action={`${action}/loeschen`} className="danger-zone">
          <CsrfField token={p.csrf} />
          <h2 className="kern-heading-small">Amt löschen</h2>
          <p className="kern-body">Seine Zuständigkeiten haben danach kein Amt mehr, bis Sie sie einem anderen Amt zuordnen.</p>
          <button type="submit" className="kern-btn kern-btn--secondary"><span className="kern-label">Amt löschen</span></button>
        </form>
      ) : null}
    </Fragment>
  );
}

export function BarrierReportsPage(p: { tenant: TenantProfile; reports: BarrierReportRow[]; csrf: string }): SafeHtml {
  return (
    <Fragment>
      <h1 className="kern-heading-large">Meldungen zur Barrierefreiheit</h1>
      <p className="kern-body">Eingänge über das Formular „Barriere melden“. Nach BITV 2.0 ist innerhalb von sechs Wochen zu antworten.</p>
      {p.reports.length === 0 ? <p className="kern-body">Keine Meldungen.</p> : null}
      {p.reports.map((r) => (
        <article className="kern-card report-card" aria-labelledby={`r-${r.id}`}>
          <div className="kern-card__container">
            <div className="kern-card__header">
              <h2 className="kern-title" id={`r-${r.id}`}>{r.reference} – {r.status === "neu" ? "offen" : "erledigt"}</h2>
              <p className="kern-body kern-body--small">Eingegangen am {formatDateTime(r.created_at)}{r.resolved_at ? `, erledigt am ${formatDateTime(r.resolved_at)}` : ""}</p>
            </div>
            <div className="kern-card__body">
              <dl className="kern-description-list">
                <div className="kern-description-list-item"><dt className="kern-description-list-item__key">Seite</dt><dd className="kern-description-list-item__value">{r.page_url}</dd></div>
                <div className="kern-description-list-item"><dt className="kern-description-list-item__key">Beschreibung</dt><dd className="kern-description-list-item__value kern-preline">{r.description}</dd></div>
                <div className="kern-description-list-item"><dt className="kern-description-list-item__key">Kontakt</dt><dd className="kern-description-list-item__value">{[r.name, r.email].filter(Boolean).join(", ") || "keine Angabe"}</dd></div>
              </dl>
              {r.status === "neu" ? (
                <form method="post" action={`/${p.tenant.slug}/verwaltung/barrieren/${r.id}/erledigt`}>
                  <CsrfField token={p.csrf} />
                  <button type="submit" className="kern-btn kern-btn--secondary kern-btn--x-small" aria-label={`Als erledigt markieren: ${r.reference}`}><span className="kern-label">Als erledigt markieren</span></button>
                </form>
              ) : null}
            </div>
          </div>
        </article>
      ))}
    </Fragment>
  );
}

export function SignLanguageVideoForm(p: { tenant: TenantProfile; csrf: string; error?: string; saved?: boolean }): SafeHtml {
  const video = p.tenant.gebaerdenspracheVideo;
  return (
    <Fragment>
      <h1 className="kern-heading-large">Video in Gebärdensprache</h1>
      {p.error ? <ErrorSummary errors={{ video: p.error }} /> : null}
      {p.saved ? (
        <div className="kern-alert kern-alert--success" role="status">
          <div className="kern-alert__header"><span className="kern-icon kern-icon--success" aria-hidden="true"></span><h2 className="kern-title">Gespeichert.</h2></div>
        </div>
      ) : null}
      <p className="kern-body">
        {video ? `Aktuell veröffentlicht: ein Video (${Math.round(video.size / 1024 / 1024 * 10) / 10} MB), hochgeladen am ${formatDateTime(video.uploadedAt)}.` : "Noch kein Video hochgeladen: Die Seite „Gebärdensprache“ zeigt bis dahin den Texthinweis aus den Einstellungen."}
      </p>
      <form method="post" action={`/${p.tenant.slug}/verwaltung/gebaerdensprache`} encType="multipart/form-data" className="stack-form">
        <CsrfField token={p.csrf} />
        <div className={`kern-form-input${p.error ? " kern-form-input--error" : ""}`}>
          <label className="kern-label" htmlFor="video">Videodatei (MP4 oder WebM, höchstens 200 MB)</label>
          <input className="kern-form-input__input" type="file" id="video" name="video" accept="video/mp4,video/webm" required />
        </div>
        <SubmitButton label="Video hochladen" />
      </form>
      {video ? (
        <form method="post" action={`/${p.tenant.slug}/verwaltung/gebaerdensprache/entfernen`}>
          <CsrfField token={p.csrf} />
          <button type="submit" className="kern-btn kern-btn--secondary"><span className="kern-label">Video entfernen</span></button>
        </form>
      ) : null}
    </Fragment>
  );
}
