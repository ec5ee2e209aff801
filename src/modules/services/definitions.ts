import { readFileSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";
import type { ValidateFunction } from "ajv";

/**
 * Service definitions are data (definitions/services/*.json), validated by the JSON Schema we
 * publish (definitions/schema/service-definition.schema.json) plus the checks a schema cannot
 * express: unique ids, rules that name existing fields, code lists that exist.
 */

const require = createRequire(import.meta.url);
const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
export const DEFINITIONS_DIR = join(root, "definitions", "services");
export const SCHEMA_FILE = join(root, "definitions", "schema", "service-definition.schema.json");

export interface Option {
  value: string;
  label: string;
}

export interface FieldDefinition {
  id: string;
  type: "text" | "textarea" | "number" | "date" | "email" | "phone" | "iban" | "address" | "select" | "radio" | "checkboxes" | "yesno" | "file" | "group" | "declaration" | "info";
  label: string;
  hint?: string;
  text?: string;
  required?: boolean | Record<string, unknown>;
  visibleIf?: Record<string, unknown>;
  prefill?: "givenName" | "surname" | "birthDate" | "placeOfBirth" | "address" | "email" | "organisationName";
  options?: Option[];
  codeList?: string;
  autocomplete?: string;
  validation?: Record<string, unknown>;
  file?: { accept: string[]; maxSizeMb: number; maxFiles: number };
  fields?: FieldDefinition[];
  repeat?: { min: number; max: number; itemLabel: string };
}

export interface StepDefinition {
  id: string;
  title: string;
  intro?: string;
  visibleIf?: Record<string, unknown>;
  fields: FieldDefinition[];
}

export interface ServiceDefinition {
  id: string;
  version: number;
  title: string;
  leikaKey: string;
  area: string;
  lifeSituations?: string[];
  keywords?: string[];
  responsibilityKey: string;
  summary: string;
  description: string;
  eligibility: string;
  requiredDocuments: string[];
  fees: { label: string; amountCents: number; note?: string }[];
  processingTime: string;
  legalBasis: { label: string; url?: string }[];
  trustLevel: "none" | "basic" | "substantial" | "high";
  fullyDigital: boolean;
  onlineParts?: string;
  retentionDays?: number;
  provenance: { source: string; reviewedAt: string; reviewedBy?: string };
  codeLists?: Record<string, Option[]>;
  steps: StepDefinition[];
  /** the back office's workflow (cases module); the default applies without it */
  workflow?: {
    initial: string;
    states: { key: string; label: string; deadlineDays?: number; final?: boolean; awaitsCitizen?: boolean }[];
    transitions: { from: string; to: string; label: string; roles?: string[]; withBescheid?: boolean; withMessage?: boolean }[];
  };
  /** Bescheid texts per final state, with placeholders */
  bescheidTemplates?: Record<string, string>;
}

let compiled: ValidateFunction | undefined;
function schemaValidator(): ValidateFunction {
  if (compiled) return compiled;
  const Ajv = require("ajv") as typeof import("ajv").default;
  const ajv = new Ajv({ allErrors: true, strict: true, strictRequired: false, allowUnionTypes: true });
  compiled = ajv.compile(JSON.parse(readFileSync(SCHEMA_FILE, "utf8")));
  return compiled;
}

/** Every field of a definition, groups included (depth first). */
export function allFields(def: Pick<ServiceDefinition, "steps">): FieldDefinition[] {
  const out: FieldDefinition[] = [];
  const walk = (fields: FieldDefinition[]) => {
    for (const f of fields) {
      out.push(f);
      if (f.fields) walk(f.fields);
    }
  };
  for (const s of def.steps) walk(s.fields);
  return out;
}

/** The variables a JSON Logic expression reads ({"var": "x"} or {"var": ["x", default]}). */
export function logicVariables(expr: unknown, out: string[] = []): string[] {
  if (Array.isArray(expr)) for (const e of expr) logicVariables(e, out);
  else if (expr && typeof expr === "object") {
    for (const [op, arg] of Object.entries(expr)) {
      if (op === "var") {
        const name = Array.isArray(arg) ? arg[0] : arg;
        if (typeof name === "string" && name !== "") out.push(name);
      } else logicVariables(arg, out);
    }
  }
  return out;
}

/** German-free, precise problems for authors and the CLI; empty when the definition is valid. */
export function validateDefinition(def: unknown): string[] {
  const validate = schemaValidator();
  if (!validate(def)) {
    return (validate.errors ?? []).map((e) => `${e.instancePath || "(root)"} ${e.message}${e.params && "allowedValues" in e.params ? ` (${(e.params.allowedValues as unknown[]).join(", ")})` : ""}`);
  }
  const d = def as ServiceDefinition;
  const problems: string[] = [];
  const fields = allFields(d);
  const ids = new Map<string, number>();
  for (const f of fields) ids.set(f.id, (ids.get(f.id) ?? 0) + 1);
  for (const [id, n] of ids) if (n > 1) problems.push(`field id "${id}" is used ${n} times`);
  const stepIds = d.steps.map((s) => s.id);
  for (const s of new Set(stepIds)) if (stepIds.filter((x) => x === s).length > 1) problems.push(`step id "${s}" is used twice`);
  const known = new Set(ids.keys());
  // A field inside a repeatable group is read in rules of that group as "groupId.fieldId".
  for (const f of fields) if (f.type === "group") for (const c of f.fields ?? []) known.add(`${f.id}.${c.id}`);
  const checkLogic = (where: string, expr: unknown) => {
    for (const v of logicVariables(expr)) if (!known.has(v)) problems.push(`${where}: rule reads unknown field "${v}"`);
  };
  for (const s of d.steps) if (s.visibleIf) checkLogic(`step ${s.id}`, s.visibleIf);
  for (const f of fields) {
    if (f.visibleIf) checkLogic(`field ${f.id}`, f.visibleIf);
    if (f.required && typeof f.required === "object") checkLogic(`field ${f.id}`, f.required);
    if (f.codeList && !d.codeLists?.[f.codeList]) problems.push(`field ${f.id}: code list "${f.codeList}" is not defined`);
    const options = f.options ?? (f.codeList ? d.codeLists?.[f.codeList] : undefined);
    if (options) {
      const values = options.map((o) => o.value);
      if (new Set(values).size !== values.length) problems.push(`field ${f.id}: option values are not unique`);
    }
    if (f.repeat && f.type !== "group") problems.push(`field ${f.id}: only groups repeat`);
    if (f.prefill === "address" && f.type !== "address") problems.push(`field ${f.id}: prefill "address" needs type "address"`);
    if (f.prefill === "birthDate" && f.type !== "date") problems.push(`field ${f.id}: prefill "birthDate" needs type "date"`);
    if (f.type === "group" && f.fields?.some((c) => c.type === "group")) problems.push(`field ${f.id}: groups do not nest`);
  }
  if (!d.fullyDigital && !d.onlineParts) problems.push("a service that is not fully digital must say what is online (onlineParts)");
  if (d.workflow) {
    const w = d.workflow;
    const keys = new Set(w.states.map((s) => s.key));
    if (keys.size !== w.states.length) problems.push("workflow: state keys are not unique");
    if (!keys.has(w.initial)) problems.push(`workflow: initial state "${w.initial}" is not a state`);
    if (!w.states.some((s) => s.final)) problems.push("workflow: no final state");
    for (const t of w.transitions) {
      if (!keys.has(t.from) || !keys.has(t.to)) problems.push(`workflow: transition ${t.from} → ${t.to} names an unknown state`);
      if (w.states.find((s) => s.key === t.from)?.final) problems.push(`workflow: transition out of the final state "${t.from}"`);
    }
    for (const key of Object.keys(d.bescheidTemplates ?? {})) if (!keys.has(key)) problems.push(`bescheidTemplates: "${key}" is not a workflow state`);
  }
  return problems;
}

export interface LoadedDefinitions {
  definitions: ServiceDefinition[];
  problems: { file: string; problems: string[] }[];
}

/** Reads and checks every definition file; the file name must be the definition's id. */
export function loadDefinitions(dir = DEFINITIONS_DIR): LoadedDefinitions {
  const definitions: ServiceDefinition[] = [];
  const problems: LoadedDefinitions["problems"] = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith(".json")).sort()) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(join(dir, file), "utf8"));
    } catch (err) {
      problems.push({ file, problems: [`not valid JSON: ${(err as Error).message}`] });
      continue;
    }
    const p = validateDefinition(parsed);
    const d = parsed as ServiceDefinition;
    if (p.length === 0 && `${d.id}.json` !== file) p.push(`file name must be ${d.id}.json`);
    if (p.length === 0 && definitions.some((x) => x.id === d.id)) p.push(`id "${d.id}" is defined twice`);
    if (p.length) problems.push({ file, problems: p });
    else definitions.push(d);
  }
  return { definitions, problems };
}
