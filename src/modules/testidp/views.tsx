import { h, Fragment, raw, type SafeHtml } from "../../platform/ui/jsx.js";
import { CsrfField, ErrorSummary } from "../../platform/ui/forms.js";
import { PERSONAS, type Persona } from "./personas.js";

/** Every page of the simulator starts with this notice. */
export const TEST_SYSTEM_TITLE = "Testsystem – keine echte Anmeldung";
export const PAGE_TITLE = "Servicekonto-Simulator";

export function TestSystemNotice(): SafeHtml {
  return (
    <div className="kern-alert kern-alert--warning testidp-notice" role="note" aria-labelledby="testsystem-titel">
      <div className="kern-alert__header">
        <span className="kern-icon kern-icon--warning" aria-hidden="true"></span>
        <p className="kern-title" id="testsystem-titel">{TEST_SYSTEM_TITLE}</p>
      </div>
      <div className="kern-alert__body">
        <p className="kern-body">
          Dies ist der Servicekonto-Simulator des Digitalen Rathauses. Er ersetzt BundID und die Servicekonten der Länder in der
          Demo und in Tests. Angemeldet werden nur ausgedachte Testpersonen; echte Ausweis- oder Kontodaten werden weder abgefragt
          noch verarbeitet.
        </p>
      </div>
    </div>
  );
}

const LEVEL_WORDS: Record<Persona["trust"], string> = { basic: "niedrig", substantial: "substanziell", high: "hoch" };

export interface ChooserProps {
  /** "BundID (SAML 2.0)" or "Servicekonto (OpenID Connect)" */
  protocol: string;
  /** who asked for the login, e.g. "Stadt Usingen" */
  serviceName: string;
  action: string;
  csrf: string;
  hidden: Record<string, string>;
  /** the level the service asked for, in the protocol's own words; undefined = none */
  required?: { text: string; meets(persona: Persona): boolean } | undefined;
  /** how a persona's level is named in this protocol */
  levelName(persona: Persona): string;
  /** the personas to offer (default: the citizens) */
  personas?: readonly Persona[] | undefined;
  error?: string | undefined;
}

/** The persona chooser: works without JavaScript; "Abbrechen" answers the service with a refusal. */
export function PersonaChooser(p: ChooserProps): SafeHtml {
  const personas = p.personas ?? PERSONAS;
  const first = personas[0]!.key;
  return (
    <Fragment>
      <TestSystemNotice />
      {p.error ? <ErrorSummary errors={{ [`persona-${first}`]: p.error }} /> : null}
      <h1 className="kern-heading-large">Anmelden mit einer Testperson</h1>
      <p className="kern-body kern-body--large">
        {p.serviceName} bittet um eine Anmeldung über {p.protocol}. Wählen Sie, als wer Sie sich anmelden möchten.
      </p>
      {p.required ? (
        <p className="kern-body">
          Verlangtes Vertrauensniveau: <strong>{p.required.text}</strong>. Wählen Sie eine Testperson mit niedrigerem Niveau, lehnt der
          Simulator die Anmeldung ab – so wie das echte Servicekonto.
        </p>
      ) : null}
      <form method="post" action={p.action} className="stack-form">
        <CsrfField token={p.csrf} />
        {Object.entries(p.hidden).map(([name, value]) => (
          <input type="hidden" name={name} value={value} />
        ))}
        <fieldset className={`kern-fieldset${p.error ? " kern-fieldset--error" : ""}`}>
          <legend className="kern-label">Testperson</legend>
          <div className="kern-fieldset__body">
            {personas.map((persona) => {
              const id = `persona-${persona.key}`;
              const insufficient = p.required !== undefined && !p.required.meets(persona);
              return (
                <div className="kern-form-check">
                  <input
                    className={`kern-form-check__radio${p.error ? " kern-form-check__radio--error" : ""}`}
                    type="radio"
                    id={id}
                    name="persona"
                    value={persona.key}
                    required
                  />
                  {/* KERN's radio grid has no slot for a per-option hint: the details go into the label */}
                  <label className="kern-label" htmlFor={id}>
                    <strong>{persona.label}</strong>
                    <br />
                    {persona.method}, Vertrauensniveau {LEVEL_WORDS[persona.trust]} ({p.levelName(persona)})
                    {insufficient ? " – reicht für diese Anmeldung nicht aus" : ""}
                  </label>
                </div>
              );
            })}
          </div>
        </fieldset>
        <div className="kern-btn-wrapper">
          <button type="submit" name="aktion" value="anmelden" className="kern-btn kern-btn--primary">
            <span className="kern-label">Anmelden</span>
          </button>
          <button type="submit" name="aktion" value="abbrechen" formnovalidate className="kern-btn kern-btn--secondary">
            <span className="kern-label">Abbrechen</span>
          </button>
        </div>
      </form>
      <PersonaData personas={personas} />
    </Fragment>
  );
}

/** What each persona's account would transmit, so testers know what to expect. */
function PersonaData(p: { personas: readonly Persona[] }): SafeHtml {
  return (
    <details className="testidp-persona-data">
      <summary className="kern-body">Welche Daten die Testpersonen übermitteln</summary>
      <div className="kern-table-responsive">
        <table className="kern-table kern-table--small">
          <caption className="kern-body">Daten der Testpersonen</caption>
          <thead className="kern-table__header">
            <tr>
              <th scope="col">Testperson</th>
              <th scope="col">Geburt</th>
              <th scope="col">Anschrift</th>
              <th scope="col">E-Mail</th>
            </tr>
          </thead>
          <tbody className="kern-table__body">
            {p.personas.map((persona) => (
              <tr>
                <th scope="row">{persona.organisationName ? `${persona.givenName} ${persona.surname} (${persona.organisationName})` : `${persona.givenName} ${persona.surname}`}</th>
                <td>{persona.birthDate ? `${persona.birthDate.split("-").reverse().join(".")} in ${persona.placeOfBirth ?? "–"}` : "keine Angabe"}</td>
                <td>{`${persona.address.street}, ${persona.address.postalCode} ${persona.address.city}`}</td>
                <td>{persona.email}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </details>
  );
}

/**
 * The SAML HTTP-POST binding: a form the browser posts to the service. The button works without
 * JavaScript; /static/testidp.js submits it on its own (no inline script under our CSP).
 */
export function ResponseFormPage(p: { heading: string; text: string; action: string; fields: Record<string, string> }): SafeHtml {
  return (
    <Fragment>
      <TestSystemNotice />
      <h1 className="kern-heading-large">{p.heading}</h1>
      <p className="kern-body kern-body--large">{p.text}</p>
      <form method="post" action={p.action} data-testidp-autosubmit="true">
        {Object.entries(p.fields).map(([name, value]) => (
          <input type="hidden" name={name} value={value} />
        ))}
        <button type="submit" className="kern-btn kern-btn--primary">
          <span className="kern-label">Weiter zum Dienst</span>
        </button>
      </form>
      <script src="/static/testidp.js?v=1" defer></script>
    </Fragment>
  );
}

/** A message page (protocol errors, logout); `detail` is the technical reason — this is a test system. */
export function MessagePage(p: { heading: string; text: string; detail?: string | undefined; children?: unknown }): SafeHtml {
  return (
    <Fragment>
      <TestSystemNotice />
      <h1 className="kern-heading-large">{p.heading}</h1>
      <p className="kern-body kern-body--large">{p.text}</p>
      {p.detail ? (
        <p className="kern-body">
          Technischer Grund: <code>{p.detail}</code>
        </p>
      ) : null}
      {(p.children as SafeHtml | undefined) ?? null}
    </Fragment>
  );
}

/**
 * RP-initiated logout confirmation. `form` is oidc-provider's own form (id "op.logoutForm",
 * action and xsrf token); the buttons submit it from outside.
 */
export function LogoutConfirmPage(p: { form: string; serviceName: string }): SafeHtml {
  return (
    <MessagePage heading="Abmelden" text={`${p.serviceName} möchte Sie auch beim Servicekonto-Simulator abmelden.`}>
      {raw(p.form)}
      <div className="kern-btn-wrapper">
        <button type="submit" form="op.logoutForm" name="logout" value="yes" className="kern-btn kern-btn--primary">
          <span className="kern-label">Ja, abmelden</span>
        </button>
        <button type="submit" form="op.logoutForm" className="kern-btn kern-btn--secondary">
          <span className="kern-label">Nein, angemeldet bleiben</span>
        </button>
      </div>
    </MessagePage>
  );
}
