import jsonLogic from "json-logic-js";
import type { FieldDefinition, Option, ServiceDefinition, StepDefinition } from "../definitions.js";
import { formatGermanDate, formatIban, isValidEmail, isValidIban, isValidPhone, isValidPostalCode, parseDate, resolveDateBound } from "./validators.js";

/**
 * The form engine's rules, without HTTP: which steps and fields apply, how a step's form body
 * becomes typed answers, and what is wrong with them. The server is the only judge: hidden
 * fields' values are dropped, unknown options refused, every rule evaluated here.
 */

export interface Address {
  street: string;
  postalCode: string;
  city: string;
}

/** An uploaded file as the HTTP layer stored it. */
export interface FileRef {
  id: string;
  name: string;
  size: number;
  type: string;
}

export type AnswerValue = string | number | boolean | string[] | Address | FileRef[] | Record<string, unknown>[];
export type Answers = Record<string, AnswerValue>;

/** Error messages keyed by the input name they belong to (the anchor of the error summary). */
export type StepErrors = Record<string, string>;

export interface ReadContext {
  /** today in Europe/Berlin, YYYY-MM-DD (date bounds) */
  today: string;
  /** files the HTTP layer stored for this step, by input name */
  files?: Record<string, FileRef[]>;
}

export function evaluate(rule: Record<string, unknown> | undefined, data: Record<string, unknown>): boolean {
  if (!rule) return true;
  return Boolean(jsonLogic.apply(rule as jsonLogic.RulesLogic, data));
}

export function isStepVisible(step: StepDefinition, answers: Answers): boolean {
  return evaluate(step.visibleIf, answers);
}

export function visibleSteps(def: Pick<ServiceDefinition, "steps">, answers: Answers): StepDefinition[] {
  return def.steps.filter((s) => isStepVisible(s, answers));
}

/** The data a rule sees: all answers, and inside a repeatable group its current item as groupId.fieldId. */
function scopeData(answers: Answers, group?: { id: string; item: Record<string, unknown> }): Record<string, unknown> {
  return group ? { ...answers, [group.id]: group.item } : answers;
}

export function isVisible(field: FieldDefinition, answers: Answers, group?: { id: string; item: Record<string, unknown> }): boolean {
  return evaluate(field.visibleIf, scopeData(answers, group));
}

export function isRequired(field: FieldDefinition, answers: Answers, group?: { id: string; item: Record<string, unknown> }): boolean {
  if (field.required === undefined || field.required === false) return false;
  if (field.required === true) return true;
  return evaluate(field.required, scopeData(answers, group));
}

export function optionsOf(def: Pick<ServiceDefinition, "codeLists">, field: FieldDefinition): Option[] {
  return field.options ?? (field.codeList ? def.codeLists?.[field.codeList] ?? [] : []);
}

const str = (v: unknown): string => (typeof v === "string" ? v.trim() : Array.isArray(v) && typeof v[0] === "string" ? v[0].trim() : "");
const list = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : typeof v === "string" && v !== "" ? [v] : []);

/** Parses one field's raw input; the caller decides visibility and required-ness afterwards. */
function parseField(def: ServiceDefinition, field: FieldDefinition, name: string, body: Record<string, unknown>, ctx: ReadContext): { value?: AnswerValue; error?: string } {
  const label = `„${field.label}“`;
  switch (field.type) {
    case "info":
      return {};
    case "declaration":
      return body[name] === "ja" ? { value: true } : {};
    case "yesno": {
      const v = str(body[name]);
      if (v === "ja") return { value: true };
      if (v === "nein") return { value: false };
      return v ? { error: `Die Antwort bei ${label} ist ungültig.` } : {};
    }
    case "select":
    case "radio": {
      const v = str(body[name]);
      if (!v) return {};
      return optionsOf(def, field).some((o) => o.value === v) ? { value: v } : { error: `Die Auswahl bei ${label} ist ungültig. Bitte wählen Sie eine der angebotenen Möglichkeiten.` };
    }
    case "checkboxes": {
      const values = list(body[name]);
      if (values.length === 0) return {};
      const allowed = new Set(optionsOf(def, field).map((o) => o.value));
      if (values.some((v) => !allowed.has(v))) return { error: `Die Auswahl bei ${label} ist ungültig.` };
      return { value: [...new Set(values)] };
    }
    case "number": {
      const raw = str(body[name]).replace(/\s/g, "").replace(",", ".");
      if (!raw) return {};
      const n = Number(raw);
      if (!Number.isFinite(n)) return { error: `Bitte geben Sie bei ${label} eine Zahl an.` };
      return { value: n };
    }
    case "date": {
      const raw = str(body[name]);
      if (!raw) return {};
      const d = parseDate(raw);
      return d ? { value: d } : { error: `Bitte geben Sie bei ${label} ein gültiges Datum an, z. B. 27.11.2026.` };
    }
    case "address": {
      const street = str(body[`${name}.strasse`]);
      const postalCode = str(body[`${name}.plz`]);
      const city = str(body[`${name}.ort`]);
      if (!street && !postalCode && !city) return {};
      return { value: { street, postalCode, city } };
    }
    case "file": {
      const files = ctx.files?.[name] ?? [];
      return files.length ? { value: files } : {};
    }
    case "iban": {
      const raw = str(body[name]);
      return raw ? { value: formatIban(raw) } : {};
    }
    default: {
      const raw = field.type === "textarea" && typeof body[name] === "string" ? (body[name] as string).replace(/\r\n/g, "\n").trim() : str(body[name]);
      return raw ? { value: raw } : {};
    }
  }
}

/** Checks a parsed, visible field's value against its type and validation rules. */
function checkValue(field: FieldDefinition, value: AnswerValue, ctx: ReadContext): string | undefined {
  const label = `„${field.label}“`;
  const v = field.validation ?? {};
  switch (field.type) {
    case "text":
    case "textarea": {
      const s = value as string;
      if (typeof v.minLength === "number" && s.length < v.minLength) return `${label} muss mindestens ${v.minLength} Zeichen lang sein.`;
      const max = typeof v.maxLength === "number" ? v.maxLength : field.type === "textarea" ? 5000 : 500;
      if (s.length > max) return `${label} darf höchstens ${max.toLocaleString("de-DE")} Zeichen lang sein.`;
      if (typeof v.pattern === "string" && !new RegExp(`^(?:${v.pattern})$`, "u").test(s)) return typeof v.patternMessage === "string" ? v.patternMessage : `Die Angabe bei ${label} hat nicht das erwartete Format.`;
      return undefined;
    }
    case "number": {
      const n = value as number;
      if (v.integer && !Number.isInteger(n)) return `Bitte geben Sie bei ${label} eine ganze Zahl an.`;
      if (typeof v.min === "number" && n < v.min) return `${label} muss mindestens ${v.min.toLocaleString("de-DE")} sein.`;
      if (typeof v.max === "number" && n > v.max) return `${label} darf höchstens ${v.max.toLocaleString("de-DE")} sein.`;
      return undefined;
    }
    case "date": {
      const d = value as string;
      if (typeof v.minDate === "string" && d < resolveDateBound(v.minDate, ctx.today)) return `${label} darf nicht vor dem ${formatGermanDate(resolveDateBound(v.minDate, ctx.today))} liegen.`;
      if (typeof v.maxDate === "string" && d > resolveDateBound(v.maxDate, ctx.today)) return `${label} darf nicht nach dem ${formatGermanDate(resolveDateBound(v.maxDate, ctx.today))} liegen.`;
      return undefined;
    }
    case "email":
      return isValidEmail(value as string) ? undefined : `Bitte geben Sie bei ${label} eine E-Mail-Adresse in der Form name@beispiel.de an.`;
    case "phone":
      return isValidPhone(value as string) ? undefined : `Bitte geben Sie bei ${label} eine Telefonnummer an, nur mit Ziffern, Leerzeichen und + ( ) / -.`;
    case "iban":
      return isValidIban(value as string) ? undefined : `Die IBAN bei ${label} ist nicht gültig. Bitte prüfen Sie sie; eine deutsche IBAN hat 22 Zeichen und beginnt mit DE.`;
    case "checkboxes": {
      const n = (value as string[]).length;
      if (typeof v.minSelected === "number" && n < v.minSelected) return `Bitte wählen Sie bei ${label} mindestens ${v.minSelected} aus.`;
      if (typeof v.maxSelected === "number" && n > v.maxSelected) return `Bitte wählen Sie bei ${label} höchstens ${v.maxSelected} aus.`;
      return undefined;
    }
    case "file": {
      const files = value as FileRef[];
      if (field.file && files.length > field.file.maxFiles) return `Bei ${label} sind höchstens ${field.file.maxFiles} Dateien möglich.`;
      return undefined;
    }
    default:
      return undefined;
  }
}

function missingMessage(field: FieldDefinition): string {
  const label = `„${field.label}“`;
  switch (field.type) {
    case "select":
    case "radio":
    case "yesno":
      return `Bitte wählen Sie bei ${label} eine Antwort aus.`;
    case "checkboxes":
      return `Bitte wählen Sie bei ${label} mindestens eine Möglichkeit aus.`;
    case "declaration":
      return `Bitte bestätigen Sie: ${field.text ?? field.label}`;
    case "file":
      return `Bitte laden Sie ${label} hoch.`;
    case "address":
      return `Bitte geben Sie bei ${label} Straße, Postleitzahl und Ort an.`;
    default:
      return `Bitte füllen Sie das Feld ${label} aus.`;
  }
}

/** Reads a flat field (not a group) into `values`/`errors`, applying visibility and required-ness. */
function readField(def: ServiceDefinition, field: FieldDefinition, name: string, body: Record<string, unknown>, ctx: ReadContext, answers: Answers, group: { id: string; item: Record<string, unknown> } | undefined, out: { values: Record<string, unknown>; errors: StepErrors }): void {
  if (!isVisible(field, answers, group)) return;
  const { value, error } = parseField(def, field, name, body, ctx);
  if (error) {
    out.errors[name] = error;
    return;
  }
  if (value === undefined) {
    if (isRequired(field, answers, group)) out.errors[field.type === "address" ? `${name}.strasse` : name] = missingMessage(field);
    return;
  }
  if (field.type === "address") {
    const a = value as Address;
    if (!a.street || !a.postalCode || !a.city) out.errors[`${name}.strasse`] = missingMessage(field);
    else if (!isValidPostalCode(a.postalCode)) out.errors[`${name}.plz`] = `Die Postleitzahl bei „${field.label}“ muss aus 5 Ziffern bestehen.`;
  }
  const problem = checkValue(field, value, ctx);
  if (problem) out.errors[name] = problem;
  out.values[field.id] = value;
}

/** How many items of a repeatable group the body carries (names "groupId[i].fieldId"). */
export function groupItemCount(group: FieldDefinition, body: Record<string, unknown>): number {
  let max = -1;
  const re = new RegExp(`^${group.id}\\[(\\d+)\\]\\.`);
  for (const key of Object.keys(body)) {
    const m = re.exec(key);
    if (m) max = Math.max(max, Number(m[1]));
  }
  return max + 1;
}

/**
 * Turns a step's form body into answers. Values of fields hidden by rules are dropped; every
 * error is keyed by the input's name. `answers` are the answers of the other steps.
 */
export function readStep(def: ServiceDefinition, step: StepDefinition, body: Record<string, unknown>, answers: Answers, ctx: ReadContext): { values: Answers; errors: StepErrors } {
  // Fields of this step may depend on each other: evaluate rules against this step's raw values first.
  const provisional: Answers = { ...answers };
  const flat = step.fields.flatMap((f) => (f.type !== "group" ? [f] : f.repeat ? [] : f.fields ?? []));
  // A hidden field's raw value must not steer other rules (a tampered or stale input): only
  // values of fields visible under the values so far count. Two passes settle rules that read later fields.
  for (let pass = 0; pass < 2; pass++) {
    for (const f of flat) {
      const { value } = parseField(def, f, f.id, body, ctx);
      if (value !== undefined && isVisible(f, provisional)) provisional[f.id] = value;
      else delete provisional[f.id];
    }
  }
  const out = { values: {} as Record<string, unknown>, errors: {} as StepErrors };
  for (const field of step.fields) {
    if (field.type !== "group") {
      readField(def, field, field.id, body, ctx, provisional, undefined, out);
      continue;
    }
    if (!isVisible(field, provisional)) continue;
    if (!field.repeat) {
      // A plain group only bundles fields: its fields are answers of their own.
      for (const child of field.fields ?? []) readField(def, child, child.id, body, ctx, provisional, undefined, out);
      continue;
    }
    const count = Math.min(groupItemCount(field, body), field.repeat.max);
    const items: Record<string, unknown>[] = [];
    for (let i = 0; i < count; i++) {
      const itemOut = { values: {} as Record<string, unknown>, errors: {} as StepErrors };
      const rawItem: Record<string, unknown> = {};
      for (const child of field.fields ?? []) {
        const { value } = parseField(def, child, `${field.id}[${i}].${child.id}`, body, ctx);
        if (value !== undefined) rawItem[child.id] = value;
      }
      for (const child of field.fields ?? []) readField(def, child, `${field.id}[${i}].${child.id}`, body, ctx, provisional, { id: field.id, item: rawItem }, itemOut);
      Object.assign(out.errors, itemOut.errors);
      items.push(itemOut.values);
    }
    if (items.length < field.repeat.min) out.errors[`${field.id}[${items.length}]`] = `Bitte geben Sie mindestens ${field.repeat.min}-mal „${field.repeat.itemLabel}“ an.`;
    out.values[field.id] = items;
  }
  return { values: out.values as Answers, errors: out.errors };
}

export interface SummaryRow {
  label: string;
  value: string;
}

/** The answers as label/value rows per visible step: the check-your-answers page and the receipt. */
export function summarise(def: ServiceDefinition, answers: Answers): { step: StepDefinition; rows: SummaryRow[] }[] {
  const display = (field: FieldDefinition, value: AnswerValue): string => {
    switch (field.type) {
      case "yesno":
        return value ? "Ja" : "Nein";
      case "declaration":
        return value ? "Bestätigt" : "Nicht bestätigt";
      case "select":
      case "radio":
        return optionsOf(def, field).find((o) => o.value === value)?.label ?? String(value);
      case "checkboxes":
        return (value as string[]).map((v) => optionsOf(def, field).find((o) => o.value === v)?.label ?? v).join(", ");
      case "date":
        return formatGermanDate(value as string);
      case "number":
        return (value as number).toLocaleString("de-DE");
      case "address": {
        const a = value as Address;
        return `${a.street}, ${a.postalCode} ${a.city}`;
      }
      case "file":
        return (value as FileRef[]).map((f) => f.name).join(", ");
      default:
        return String(value);
    }
  };
  return visibleSteps(def, answers).map((step) => {
    const rows: SummaryRow[] = [];
    // Only what applies: an answer kept from before a rule changed is not shown.
    const add = (field: FieldDefinition, prefix = "") => {
      if (field.type === "info" || field.type === "group" || !isVisible(field, answers)) return;
      const value = answers[field.id];
      if (value !== undefined) rows.push({ label: `${prefix}${field.label}`, value: display(field, value) });
    };
    for (const f of step.fields) {
      if (f.type !== "group") add(f);
      else if (!isVisible(f, answers)) continue;
      else if (!f.repeat) for (const c of f.fields ?? []) add(c);
      else {
        const items = (answers[f.id] as Record<string, AnswerValue>[] | undefined) ?? [];
        items.forEach((item, i) => {
          for (const c of f.fields ?? []) {
            if (c.type === "info" || item[c.id] === undefined || !isVisible(c, answers, { id: f.id, item })) continue;
            rows.push({ label: `${f.repeat!.itemLabel} ${i + 1}: ${c.label}`, value: display(c, item[c.id]!) });
          }
        });
      }
    }
    return { step, rows };
  });
}
