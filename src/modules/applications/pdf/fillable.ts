import { optionsOf, type FieldDefinition, type ServiceDefinition, type StepDefinition } from "../../services/index.js";
import { compactRepeats } from "../answers.js";
import { ruleCondition } from "../rules-text.js";
import { buildFillablePdf, type FormFieldSpec, type FormSection } from "../../../platform/pdf/acroform.js";

/**
 * A service definition as a fillable PDF form, for people who prefer to fill in a form offline
 * and upload it. Fields carry the input names of the online form, so the values read from the
 * uploaded PDF (readPdfForm → bodyFromPdfForm) go through the form engine like a posted form.
 */

/** Blocks of a repeatable group in the PDF (a form cannot grow). */
const REPEAT_BLOCKS = 3;

const YES_NO = [
  { value: "ja", label: "Ja" },
  { value: "nein", label: "Nein" },
];

function stepNote(def: ServiceDefinition, step: StepDefinition): string | undefined {
  if (!step.visibleIf) return undefined;
  const when = ruleCondition(def, step.visibleIf);
  return when ? `Nur auszufüllen, wenn ${when}.` : "Dieser Abschnitt gilt nur in bestimmten Fällen; das Online-Formular prüft das.";
}

function hintOf(def: ServiceDefinition, field: FieldDefinition): string | undefined {
  const parts = [field.hint, field.type === "date" ? "Format: TT.MM.JJJJ" : undefined];
  if (field.visibleIf) {
    const when = ruleCondition(def, field.visibleIf);
    parts.push(when ? `Nur auszufüllen, wenn ${when}.` : "Nur in bestimmten Fällen auszufüllen.");
  }
  return parts.filter(Boolean).join(" ") || undefined;
}

/** The PDF fields of one definition field, named like the inputs of the online form. */
function fieldSpecs(def: ServiceDefinition, field: FieldDefinition, name: string): FormFieldSpec[] {
  const optional = field.required ? "" : " – optional";
  const label = field.label + optional;
  const hint = hintOf(def, field);
  const withHint = hint ? { hint } : {};
  const maxLength = typeof field.validation?.maxLength === "number" ? field.validation.maxLength : undefined;
  switch (field.type) {
    case "info":
      return [{ kind: "heading", text: field.label }, ...(field.text ? [{ kind: "info" as const, text: field.text }] : [])];
    case "file":
      return [{ kind: "info", text: `Nachweis „${field.label}“: bitte nach dem Hochladen dieses Formulars online beifügen.` }];
    case "declaration":
      return [{ kind: "checkbox", name, label: field.text ?? field.label, ...withHint }];
    case "yesno":
      return [{ kind: "choice", name, label, ...withHint, options: YES_NO }];
    case "select":
    case "radio":
      return [{ kind: "choice", name, label, ...withHint, options: optionsOf(def, field) }];
    case "checkboxes":
      return [{ kind: "checkboxGroup", name, label, ...withHint, options: optionsOf(def, field) }];
    case "address":
      return [
        { kind: "text", name: `${name}.strasse`, label: `${field.label}: Straße und Hausnummer${optional}`, ...withHint },
        { kind: "text", name: `${name}.plz`, label: `${field.label}: Postleitzahl${optional}`, maxLength: 5 },
        { kind: "text", name: `${name}.ort`, label: `${field.label}: Ort${optional}` },
      ];
    case "group": {
      const children = field.fields ?? [];
      if (!field.repeat) return children.flatMap((c) => fieldSpecs(def, c, c.id));
      const { itemLabel, max } = field.repeat;
      const blocks = Math.min(max, REPEAT_BLOCKS);
      const out: FormFieldSpec[] = [{ kind: "heading", text: field.label }, { kind: "info", text: `Sie können hier bis zu ${blocks}-mal „${itemLabel}“ angeben. Lassen Sie nicht benötigte Blöcke leer.` }];
      for (let i = 0; i < blocks; i++) {
        out.push({ kind: "heading", text: `${itemLabel} ${i + 1}` });
        for (const c of children) out.push(...fieldSpecs(def, c, `${field.id}[${i}].${c.id}`));
      }
      return out;
    }
    default:
      return [{ kind: "text", name, label, multiline: field.type === "textarea", ...withHint, ...(maxLength ? { maxLength } : {}) }];
  }
}

function section(def: ServiceDefinition, step: StepDefinition): FormSection {
  const fields: FormFieldSpec[] = step.intro ? [{ kind: "info", text: step.intro }] : [];
  for (const f of step.fields) fields.push(...fieldSpecs(def, f, f.id));
  const note = stepNote(def, step);
  return { heading: step.title, ...(note ? { note } : {}), fields };
}

export function fillablePdfFor(def: ServiceDefinition, opts: { municipality: string; createdAt: Date }): Promise<Buffer> {
  return buildFillablePdf({
    title: `${def.title} – Formular zum Ausfüllen`,
    header: opts.municipality,
    createdAt: opts.createdAt,
    intro: [
      `Sie können dieses Formular am Computer ausfüllen, speichern und anschließend im Online-Dienst „${def.title}“ hochladen. Nachweise fügen Sie dort online bei.`,
      "Felder ohne den Zusatz „optional“ sind Pflichtangaben.",
    ],
    sections: def.steps.map((s) => section(def, s)),
  });
}

const isEmpty = (v: string | string[] | undefined) => v === undefined || v.length === 0;

/**
 * A form body from the values of an uploaded PDF (readPdfForm): only the definition's input
 * names, checkbox groups as arrays; blocks of a repeatable group left empty are dropped and the
 * others numbered from 0 again, as the online form would have sent them.
 */
export function bodyFromPdfForm(def: ServiceDefinition, values: Record<string, string | string[]>): Record<string, unknown> {
  let body: Record<string, unknown> = {};
  // The input names of one field: an address has three.
  const inputs = (f: FieldDefinition, name: string): string[] => (f.type === "address" ? [`${name}.strasse`, `${name}.plz`, `${name}.ort`] : [name]);
  const copy = (f: FieldDefinition, name: string) => {
    for (const input of inputs(f, name)) if (!isEmpty(values[input])) body[input] = values[input];
  };
  for (const step of def.steps) {
    for (const f of step.fields) {
      if (f.type !== "group") copy(f, f.id);
      else if (!f.repeat) for (const c of f.fields ?? []) copy(c, c.id);
      else for (let i = 0; i < f.repeat.max; i++) for (const c of f.fields ?? []) copy(c, `${f.id}[${i}].${c.id}`);
    }
    // Blocks left empty go, the others are numbered from 0 again — as for the online form.
    body = compactRepeats(step, body).body;
  }
  return body;
}
