import { h, Fragment, type SafeHtml } from "../../../platform/ui/jsx.js";
import { RathausText } from "../../../platform/ui/rathaus-text.js";
import { isRequired, isVisible, optionsOf, logicVariables, type Answers, type FieldDefinition, type FileRef, type ServiceDefinition, type StepDefinition } from "../../services/index.js";
import { describeRule } from "../rules-text.js";

/**
 * The inputs of one step, in KERN UX markup. Values come as the raw strings of a form body (what
 * was typed, or the stored answers turned back into a body); errors are keyed by input name.
 * Rules that read answers of other steps decide here; rules that read this step's own inputs
 * cannot be decided before the form is sent, so those fields are shown with the condition in words.
 */
export interface StepView {
  def: ServiceDefinition;
  step: StepDefinition;
  /** answers of the other steps plus this step's values as far as they parse */
  answers: Answers;
  body: Record<string, unknown>;
  errors: Record<string, string>;
  files: Record<string, FileRef[]>;
  prefilled: Set<string>;
  counts: Record<string, number>;
}

const AUTOCOMPLETE: Record<string, string> = { givenName: "given-name", surname: "family-name", birthDate: "bday", email: "email", organisationName: "organization" };

const str = (v: unknown): string => (typeof v === "string" ? v : Array.isArray(v) && typeof v[0] === "string" ? v[0] : "");
const list = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : typeof v === "string" && v ? [v] : []);

function describedBy(name: string, hint: boolean, error: boolean): string | undefined {
  const ids = [hint ? `${name}-hinweis` : "", error ? `${name}-fehler` : ""].filter(Boolean);
  return ids.length ? ids.join(" ") : undefined;
}

function ErrorText(p: { name: string; error: string | undefined }): SafeHtml {
  if (!p.error) return <Fragment />;
  return (
    <p className="kern-error" id={`${p.name}-fehler`} role="alert">
      <span className="kern-icon kern-icon--danger kern-icon--small" aria-hidden="true"></span>
      <span className="kern-body">{p.error}</span>
    </p>
  );
}

function Hint(p: { name: string; text: string | undefined }): SafeHtml {
  return p.text ? <div className="kern-hint" id={`${p.name}-hinweis`}>{p.text}</div> : <Fragment />;
}

function Optional(p: { required: boolean }): SafeHtml {
  return p.required ? <Fragment /> : <span className="kern-label__optional"> – optional</span>;
}

function fileHint(f: FieldDefinition): string {
  const spec = f.file!;
  const kinds = spec.accept.map((a) => (a === "application/pdf" ? "PDF" : a === "image/jpeg" ? "JPEG" : a === "image/png" ? "PNG" : a === "image/*" ? "Bilder" : a.replace(/^image\//, "").toUpperCase()));
  const joined = kinds.length > 1 ? `${kinds.slice(0, -1).join(", ")} oder ${kinds.at(-1)}` : kinds[0];
  return `${joined}, höchstens ${spec.maxSizeMb} MB je Datei${spec.maxFiles > 1 ? `, bis zu ${spec.maxFiles} Dateien` : ""}.`;
}

function Field(p: { v: StepView; field: FieldDefinition; name: string; group?: { id: string; item: Record<string, unknown> }; conditional?: string | undefined }): SafeHtml {
  const { v, field: f, name } = p;
  const error = v.errors[name];
  const required = isRequired(f, v.answers, p.group);
  const hintParts = [f.hint, p.conditional, v.prefilled.has(f.id) && !p.group ? "Aus Ihrem Servicekonto übernommen – bitte prüfen." : undefined];
  const value = str(v.body[name]);
  const inputClass = `kern-form-input__input${error ? " kern-form-input__input--error" : ""}`;

  const simple = (type: string, extra: Record<string, unknown> = {}, extraHint?: string) => {
    const hint = [...hintParts, extraHint].filter(Boolean).join(" ") || undefined;
    return (
      <div className={`kern-form-input${error ? " kern-form-input--error" : ""}`}>
        <label className="kern-label" htmlFor={name}>{f.label}<Optional required={required} /></label>
        <Hint name={name} text={hint} />
        <ErrorText name={name} error={error} />
        {f.type === "textarea" ? (
          <textarea className={inputClass} id={name} name={name} rows={6} maxlength={typeof f.validation?.maxLength === "number" ? f.validation.maxLength : 5000} aria-describedby={describedBy(name, !!hint, !!error)} aria-invalid={error ? "true" : undefined}>{value}</textarea>
        ) : (
          <input className={inputClass} id={name} name={name} type={type} value={value} autocomplete={f.autocomplete ?? (f.prefill ? AUTOCOMPLETE[f.prefill] : undefined)} aria-describedby={describedBy(name, !!hint, !!error)} aria-invalid={error ? "true" : undefined} {...extra} />
        )}
      </div>
    );
  };

  /** A question answered by ticking: legend, hint and error, then the boxes. */
  const checkFieldset = (body: SafeHtml) => {
    const hint = hintParts.filter(Boolean).join(" ") || undefined;
    return (
      <fieldset className={`kern-fieldset${error ? " kern-fieldset--error" : ""}`} aria-describedby={describedBy(name, !!hint, !!error)}>
        <legend className="kern-label">{f.label}<Optional required={required} /></legend>
        <Hint name={name} text={hint} />
        <ErrorText name={name} error={error} />
        <div className="kern-fieldset__body">{body}</div>
      </fieldset>
    );
  };

  const choices = (type: "radio" | "checkbox", options: { value: string; label: string }[], selected: string[]) =>
    checkFieldset(
      <Fragment>
          {options.map((o, i) => {
            const id = i === 0 ? name : `${name}-${i + 1}`;
            return (
              <div className={`kern-form-check${error ? " kern-form-check--error" : ""}`}>
                <input className={type === "radio" ? "kern-form-check__radio" : "kern-form-check__checkbox"} type={type} id={id} name={name} value={o.value} checked={selected.includes(o.value)} />
                <label className="kern-label" htmlFor={id}>{o.label}</label>
              </div>
            );
          })}
      </Fragment>,
    );

  switch (f.type) {
    case "info":
      return (
        <div className="form-info">
          {p.conditional ? <p className="kern-hint">{p.conditional.replace(/^Nur nötig, wenn/, "Gilt nur, wenn")}</p> : null}
          <RathausText text={f.text ?? f.label} headingOffset={2} />
        </div>
      );
    case "text":
      return simple("text", { maxlength: typeof f.validation?.maxLength === "number" ? f.validation.maxLength : 500 });
    case "textarea":
      return simple("text");
    case "email":
      return simple("email", { spellcheck: "false" });
    case "phone":
      return simple("tel", { autocomplete: f.autocomplete ?? "tel" });
    case "iban":
      return simple("text", { spellcheck: "false", autocomplete: "off" }, "Zum Beispiel: DE89 3704 0044 0532 0130 00");
    case "number":
      return simple("text", { inputmode: f.validation?.integer ? "numeric" : "decimal" });
    case "date":
      return simple("text", { inputmode: "numeric" }, "Zum Beispiel: 27.11.2026");
    case "select": {
      const hint = hintParts.filter(Boolean).join(" ") || undefined;
      return (
        <div className={`kern-form-input${error ? " kern-form-input--error" : ""}`}>
          <label className="kern-label" htmlFor={name}>{f.label}<Optional required={required} /></label>
          <Hint name={name} text={hint} />
          <ErrorText name={name} error={error} />
          <div className="kern-form-input__select-wrapper">
            <select className={`kern-form-input__select${error ? " kern-form-input__select--error" : ""}`} id={name} name={name} aria-describedby={describedBy(name, !!hint, !!error)} aria-invalid={error ? "true" : undefined}>
              <option value="">Bitte auswählen</option>
              {optionsOf(v.def, f).map((o) => <option value={o.value} selected={o.value === value}>{o.label}</option>)}
            </select>
          </div>
        </div>
      );
    }
    case "radio":
      return choices("radio", optionsOf(v.def, f), [value]);
    case "yesno":
      return choices("radio", [{ value: "ja", label: "Ja" }, { value: "nein", label: "Nein" }], [value]);
    case "checkboxes":
      return choices("checkbox", optionsOf(v.def, f), list(v.body[name]));
    case "declaration":
      return checkFieldset(
        <div className={`kern-form-check${error ? " kern-form-check--error" : ""}`}>
          <input className="kern-form-check__checkbox" type="checkbox" id={name} name={name} value="ja" checked={value === "ja"} />
          <label className="kern-label" htmlFor={name}>{f.text ?? f.label}</label>
        </div>,
      );
    case "address": {
      const hint = hintParts.filter(Boolean).join(" ") || undefined;
      const part = (suffix: string, label: string, extra: Record<string, unknown>) => {
        const n = `${name}.${suffix}`;
        const e = v.errors[n];
        return (
          <div className={`kern-form-input${e ? " kern-form-input--error" : ""}`}>
            <label className="kern-label" htmlFor={n}>{label}</label>
            <ErrorText name={n} error={e} />
            <input className={`kern-form-input__input${e ? " kern-form-input__input--error" : ""}`} id={n} name={n} type="text" value={str(v.body[n])} aria-describedby={e ? `${n}-fehler` : undefined} aria-invalid={e ? "true" : undefined} {...extra} />
          </div>
        );
      };
      return (
        <fieldset className="kern-fieldset address-fieldset" aria-describedby={hint ? `${name}-hinweis` : undefined}>
          <legend className="kern-label">{f.label}<Optional required={required} /></legend>
          <Hint name={name} text={hint} />
          <div className="kern-fieldset__body">
            {part("strasse", "Straße und Hausnummer", { autocomplete: "address-line1", maxlength: 200 })}
            {part("plz", "Postleitzahl", { autocomplete: "postal-code", inputmode: "numeric", maxlength: 5, className: `kern-form-input__input kern-form-input__input--width-5${v.errors[`${name}.plz`] ? " kern-form-input__input--error" : ""}` })}
            {part("ort", "Ort", { autocomplete: "address-level2", maxlength: 100 })}
          </div>
        </fieldset>
      );
    }
    case "file": {
      const have = v.files[name] ?? [];
      const hint = [...hintParts, fileHint(f)].filter(Boolean).join(" ");
      const room = f.file!.maxFiles - have.length;
      return (
        <div className={`kern-form-input${error ? " kern-form-input--error" : ""}`}>
          <label className="kern-label" htmlFor={name}>{f.label}<Optional required={required} /></label>
          <Hint name={name} text={hint} />
          <ErrorText name={name} error={error} />
          {have.length ? (
            <div className="uploaded-files">
              <p className="kern-body">Bereits hochgeladen:</p>
              <ul className="kern-list">
                {have.map((file) => (
                  <li>
                    <div className="kern-form-check">
                      <input className="kern-form-check__checkbox" type="checkbox" id={`entfernen-${file.id}`} name="_entfernen" value={file.id} />
                      <label className="kern-label" htmlFor={`entfernen-${file.id}`}>{file.name} ({formatSize(file.size)}) entfernen</label>
                    </div>
                  </li>
                ))}
              </ul>
            </div>
          ) : null}
          {room > 0 ? (
            <input className={`kern-form-input__input file-input${error ? " kern-form-input__input--error" : ""}`} id={name} name={name} type="file" accept={f.file!.accept.join(",")} multiple={room > 1} aria-describedby={describedBy(name, true, !!error)} aria-invalid={error ? "true" : undefined} />
          ) : (
            <p className="kern-body" id={name} tabindex="-1">Sie haben die höchste Zahl an Dateien hochgeladen. Entfernen Sie eine, um eine andere hochzuladen.</p>
          )}
        </div>
      );
    }
    default:
      return <Fragment />;
  }
}

export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} Byte`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024).toLocaleString("de-DE")} KB`;
  return `${(bytes / 1024 / 1024).toLocaleString("de-DE", { maximumFractionDigits: 1 })} MB`;
}

/** Whether a rule reads inputs of this very step (then it cannot be decided before sending). */
function readsOwnStep(rule: Record<string, unknown> | undefined, own: Set<string>): boolean {
  return !!rule && logicVariables(rule).some((name) => own.has(name) || own.has(name.split(".")[0]!));
}

/**
 * The ids of this step's fields that may still be answered here: a field hidden by answers of
 * other steps cannot be, so a rule that reads only such fields is decided now (it is false).
 */
function ownIds(step: StepDefinition, answers: Answers): Set<string> {
  const all = new Set<string>();
  for (const f of step.fields) {
    all.add(f.id);
    for (const c of f.fields ?? []) all.add(c.id);
  }
  const open = new Set<string>();
  for (const f of step.fields) {
    const mayShow = readsOwnStep(f.visibleIf, all) || isVisible(f, answers);
    if (!mayShow) continue;
    open.add(f.id);
    for (const c of f.fields ?? []) if (readsOwnStep(c.visibleIf, all) || isVisible(c, answers, f.repeat ? { id: f.id, item: {} } : undefined)) open.add(c.id);
  }
  return open;
}

function Placed(p: { v: StepView; field: FieldDefinition; name: string; own: Set<string>; group?: { id: string; item: Record<string, unknown> } }): SafeHtml {
  const { v, field } = p;
  const conditional = readsOwnStep(field.visibleIf, p.own);
  if (!conditional && !isVisible(field, v.answers, p.group)) return <Fragment />;
  const note = conditional ? describeRule(v.def, field.visibleIf!) : undefined;
  return <Field v={v} field={field} name={p.name} {...(p.group ? { group: p.group } : {})} conditional={note} />;
}

export function StepFields(p: { v: StepView }): SafeHtml {
  const { v } = p;
  const own = ownIds(v.step, v.answers);
  return (
    <Fragment>
      {v.step.fields.map((f) => {
        if (f.type !== "group") return <Placed v={v} field={f} name={f.id} own={own} />;
        const conditional = readsOwnStep(f.visibleIf, own);
        if (!conditional && !isVisible(f, v.answers)) return <Fragment />;
        if (!f.repeat) {
          return (
            <fieldset className="kern-fieldset field-group">
              <legend className="kern-heading-small">{f.label}</legend>
              {f.hint || conditional ? <div className="kern-hint">{[f.hint, conditional ? describeRule(v.def, f.visibleIf!) : ""].filter(Boolean).join(" ")}</div> : null}
              {(f.fields ?? []).map((c) => <Placed v={v} field={c} name={c.id} own={own} />)}
            </fieldset>
          );
        }
        const count = v.counts[f.id] ?? 1;
        const repeat = f.repeat;
        const items = Array.from({ length: count }, (_, i) => i);
        return (
          <section className="repeat-group" aria-labelledby={`${f.id}-titel`}>
            <h2 className="kern-heading-small" id={`${f.id}-titel`}>{f.label}</h2>
            {f.hint ? <p className="kern-hint">{f.hint}</p> : null}
            {items.map((i) => {
              const item: Record<string, unknown> = {};
              for (const c of f.fields ?? []) {
                const raw = v.body[`${f.id}[${i}].${c.id}`];
                if (raw !== undefined && raw !== "") item[c.id] = c.type === "yesno" ? raw === "ja" : raw;
              }
              return (
                <fieldset className="kern-fieldset repeat-item">
                  <legend className="kern-label">{repeat.itemLabel} {i + 1}</legend>
                  {(f.fields ?? []).map((c) => <Placed v={v} field={c} name={`${f.id}[${i}].${c.id}`} own={own} group={{ id: f.id, item }} />)}
                  {count > repeat.min ? (
                    <button type="submit" className="kern-btn kern-btn--tertiary" name="_aktion" value={`entfernen:${f.id}:${i}`}>
                      <span className="kern-label">{repeat.itemLabel} {i + 1} entfernen</span>
                    </button>
                  ) : null}
                </fieldset>
              );
            })}
            {v.errors[`${f.id}[${count}]`] ? <ErrorText name={`${f.id}[${count}]`} error={v.errors[`${f.id}[${count}]`]} /> : null}
            {count < repeat.max ? (
              <button type="submit" className="kern-btn kern-btn--secondary" id={`${f.id}[${count}]`} name="_aktion" value={`weitere:${f.id}`}>
                <span className="kern-label">Weitere Angabe hinzufügen: {repeat.itemLabel}</span>
              </button>
            ) : null}
          </section>
        );
      })}
    </Fragment>
  );
}

/** Does the step upload files (then its form is multipart)? */
export function hasFileInput(step: StepDefinition): boolean {
  return step.fields.some((f) => f.type === "file" || (f.fields ?? []).some((c) => c.type === "file"));
}
