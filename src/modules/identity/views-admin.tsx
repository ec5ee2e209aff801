import { h, Fragment, type SafeHtml } from "../../platform/ui/jsx.js";
import { CsrfField, ErrorSummary, SelectField, SubmitButton, SuccessAlert, TextArea, TextField } from "../../platform/ui/forms.js";
import { TRUST_LABELS, DEFAULT_STORK_MAPPING } from "../../platform/auth/trust.js";
import type { Tenant } from "../../platform/tenancy.js";
import type { IdentityProvider } from "./types.js";

const AUDIENCE: Record<string, string> = { citizen: "Bürgerinnen und Bürger", staff: "Mitarbeitende (SSO)" };

export function ProviderList(p: { tenant: Tenant; providers: IdentityProvider[]; csrf: string; baseUrl: string; saved: boolean }): SafeHtml {
  const base = `/${p.tenant.slug}/verwaltung/anmeldedienste`;
  return (
    <Fragment>
      <h1 className="kern-heading-large">Anmeldedienste</h1>
      {p.saved ? <SuccessAlert title="Gespeichert." /> : null}
      <p className="kern-body">Hier wählen Sie, womit sich Bürgerinnen und Bürger (BundID, Servicekonto des Landes) und Ihre Mitarbeitenden (Single Sign-on) anmelden.</p>
      {p.providers.length === 0 ? <p className="kern-body">Noch kein Anmeldedienst eingerichtet.</p> : (
        <div className="kern-table-responsive">
          <table className="kern-table kern-table--striped">
            <caption className="kern-sr-only">Anmeldedienste der {p.tenant.kind} {p.tenant.name}</caption>
            <thead>
              <tr className="kern-table__row">
                <th scope="col" className="kern-table__header">Bezeichnung</th>
                <th scope="col" className="kern-table__header">Verfahren</th>
                <th scope="col" className="kern-table__header">Für</th>
                <th scope="col" className="kern-table__header">Status</th>
                <th scope="col" className="kern-table__header">Aktion</th>
              </tr>
            </thead>
            <tbody>
              {p.providers.map((pr) => (
                <tr className="kern-table__row">
                  <td className="kern-table__cell">
                    {pr.config.testSystem ? pr.label : <a className="kern-link" href={`${base}/${pr.id}`}>{pr.label}</a>}
                    {pr.config.kind === "saml" ? (
                      <p className="kern-body kern-body--small">SP-Metadaten: <code>{`${p.baseUrl}/saml/${p.tenant.slug}/${pr.key}/metadata`}</code></p>
                    ) : (
                      <p className="kern-body kern-body--small">Redirect-URI: <code>{`${p.baseUrl}/oidc/${p.tenant.slug}/${pr.key}/callback`}</code></p>
                    )}
                  </td>
                  <td className="kern-table__cell">{pr.config.kind === "saml" ? "SAML 2.0" : "OpenID Connect"}{pr.config.testSystem ? " (Testsystem)" : ""}</td>
                  <td className="kern-table__cell">{AUDIENCE[pr.audience]}</td>
                  <td className="kern-table__cell">{pr.enabled ? "aktiv" : "abgeschaltet"}</td>
                  <td className="kern-table__cell">
                    <form method="post" action={`${base}/${pr.id}/${pr.enabled ? "abschalten" : "einschalten"}`}>
                      <CsrfField token={p.csrf} />
                      {/* The accessible name starts with the visible word (WCAG 2.5.3); an sr-only span inside would make KERN draw an icon button. */}
                      <button type="submit" className="kern-btn kern-btn--secondary kern-btn--x-small" aria-label={`${pr.enabled ? "Abschalten" : "Einschalten"}: ${pr.label}`}>
                        <span className="kern-label">{pr.enabled ? "Abschalten" : "Einschalten"}</span>
                      </button>
                    </form>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <ul className="tile-list">
        <li><a className="kern-link" href={`${base}/neu-saml`}>SAML-Dienst einrichten (z. B. BundID)</a></li>
        <li><a className="kern-link" href={`${base}/neu-oidc`}>OpenID-Connect-Dienst einrichten (z. B. Servicekonto des Landes, Keycloak)</a></li>
      </ul>
    </Fragment>
  );
}

const TRUST_OPTIONS = (["basic", "substantial", "high"] as const).map((v) => ({ value: v, label: TRUST_LABELS[v] }));


export function ProviderForm(p: { tenant: Tenant; kind: "saml" | "oidc"; provider?: IdentityProvider | undefined; values: Record<string, string>; errors: Record<string, string>; csrf: string }): SafeHtml {
  const v = p.values;
  const e = p.errors;
  const base = `/${p.tenant.slug}/verwaltung/anmeldedienste`;
  const action = p.provider ? `${base}/${p.provider.id}` : `${base}/neu-${p.kind}`;
  return (
    <Fragment>
      <h1 className="kern-heading-large">{p.provider ? `Anmeldedienst: ${p.provider.label}` : p.kind === "saml" ? "SAML-Dienst einrichten" : "OpenID-Connect-Dienst einrichten"}</h1>
      <ErrorSummary errors={e} />
      <form method="post" action={action} className="stack-form" novalidate>
        <CsrfField token={p.csrf} />
        <TextField name="label" label="Bezeichnung auf der Anmeldeseite" value={v.label} error={e.label} required maxlength={100} />
        {p.provider ? null : (
          <Fragment>
            <TextField name="key" label="Kurzname für die Adresse" hint="Kleinbuchstaben, Ziffern und Bindestriche, z. B. bundid" value={v.key} error={e.key} required maxlength={50} />
            <SelectField name="audience" label="Wer meldet sich damit an?" value={v.audience ?? "citizen"} options={[{ value: "citizen", label: AUDIENCE.citizen! }, { value: "staff", label: AUDIENCE.staff! }]} />
          </Fragment>
        )}
        {p.kind === "saml" ? (
          <Fragment>
            <TextField name="idpEntityId" label="Entity-ID des Identity Providers" value={v.idpEntityId} error={e.idpEntityId} required />
            <TextField name="idpSsoUrl" label="Anmeldeadresse (SSO, HTTP-Redirect)" type="url" value={v.idpSsoUrl} error={e.idpSsoUrl} required />
            <TextField name="idpSloUrl" label="Abmeldeadresse (SLO, HTTP-Redirect)" type="url" value={v.idpSloUrl} error={e.idpSloUrl} />
            <TextArea name="idpCertificate" label="Signaturzertifikat des Identity Providers" hint={p.provider ? "Leer lassen, um das bisherige Zertifikat zu behalten." : "PEM oder Base64 aus den Metadaten des Identity Providers"} value={v.idpCertificate} error={e.idpCertificate} rows={6} required={!p.provider} />
            <TextField name="onlineServiceId" label="Onlinedienst-ID (BundID)" value={v.onlineServiceId} error={e.onlineServiceId} required />
            <TextField name="displayName" label="Angezeigter Name der Behörde (BundID)" value={v.displayName} error={e.displayName} />
            <fieldset className="kern-fieldset">
              <legend className="kern-label">Vertrauensniveaus</legend>
              {Object.keys(DEFAULT_STORK_MAPPING).map((level) => (
                <SelectField name={`trust-${level}`} label={level} value={v[`trust-${level}`] ?? DEFAULT_STORK_MAPPING[level]!} options={TRUST_OPTIONS} error={e[`trust-${level}`]} />
              ))}
            </fieldset>
          </Fragment>
        ) : (
          <Fragment>
            <TextField name="issuer" label="Aussteller (Issuer)" type="url" value={v.issuer} error={e.issuer} required />
            <TextField name="clientId" label="Client-ID" value={v.clientId} error={e.clientId} required />
            <TextField name="clientSecret" label="Client-Secret" type="password" hint={p.provider ? "Leer lassen, um das bisherige Secret zu behalten." : undefined} error={e.clientSecret} required={!p.provider} autocomplete="off" />
            <TextArea name="acrMapping" label="Zuordnung der acr-Werte" hint="Eine Zeile je Wert, z. B. „urn:eidas:loa:high = high“; erlaubt sind basic, substantial und high." value={v.acrMapping} error={e.acrMapping} rows={4} />
            <SelectField name="defaultTrust" label="Vertrauensniveau, wenn kein bekannter acr-Wert kommt" value={v.defaultTrust ?? "basic"} options={TRUST_OPTIONS} error={e.defaultTrust} />
          </Fragment>
        )}
        <SubmitButton label="Speichern" />
      </form>
    </Fragment>
  );
}

/** The form's values of a stored provider — never its secrets. */
export function providerValues(p: IdentityProvider): Record<string, string> {
  const c = p.config;
  if (c.kind === "saml") {
    return {
      label: p.label,
      idpEntityId: c.idpEntityId,
      idpSsoUrl: c.idpSsoUrl,
      idpSloUrl: c.idpSloUrl ?? "",
      onlineServiceId: c.onlineServiceId,
      displayName: c.displayName,
      ...Object.fromEntries(Object.entries(c.trustMapping).map(([k, val]) => [`trust-${k}`, val])),
    };
  }
  return { label: p.label, issuer: c.issuer, clientId: c.clientId, acrMapping: Object.entries(c.acrMapping).map(([k, val]) => `${k} = ${val}`).join("\n"), defaultTrust: c.defaultTrust };
}
