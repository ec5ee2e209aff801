import { formatGermanDate, isVisible, readStep, visibleSteps, type Address, type Answers, type AnswerValue, type FieldDefinition, type FileRef, type ServiceDefinition, type StepDefinition, type StepErrors } from "../services/index.js";

/**
 * Between stored answers and form bodies. A step page shows a body (the raw strings of its
 * inputs); the engine turns a body into answers. Going back from answers to a body lets the
 * server re-read every step at submit time with the same rules — the only validation there is.
 */

type Body = Record<string, unknown>;

function fieldBody(field: FieldDefinition, name: string, value: AnswerValue | undefined, out: Body): void {
  if (value === undefined) return;
  switch (field.type) {
    case "info":
    case "file":
    case "group":
      return;
    case "yesno":
      out[name] = value ? "ja" : "nein";
      return;
    case "declaration":
      if (value) out[name] = "ja";
      return;
    case "checkboxes":
      out[name] = value as string[];
      return;
    case "date":
      out[name] = formatGermanDate(value as string);
      return;
    case "number":
      out[name] = String(value).replace(".", ",");
      return;
    case "address": {
      const a = value as Address;
      out[`${name}.strasse`] = a.street;
      out[`${name}.plz`] = a.postalCode;
      out[`${name}.ort`] = a.city;
      return;
    }
    default:
      out[name] = String(value);
  }
}

/** The form body that shows `answers` in the inputs of `step`. */
export function bodyFromAnswers(step: StepDefinition, answers: Answers): Body {
  const out: Body = {};
  for (const f of step.fields) {
    if (f.type !== "group") fieldBody(f, f.id, answers[f.id], out);
    else if (!f.repeat) for (const c of f.fields ?? []) fieldBody(c, c.id, answers[c.id], out);
    else {
      const items = (answers[f.id] as Record<string, AnswerValue>[] | undefined) ?? [];
      items.forEach((item, i) => {
        for (const c of f.fields ?? []) fieldBody(c, `${f.id}[${i}].${c.id}`, item[c.id], out);
      });
    }
  }
  return out;
}

const isEmpty = (v: unknown) => v === undefined || v === "" || (typeof v === "string" && v.trim() === "") || (Array.isArray(v) && v.length === 0);

/**
 * Drops items of repeatable groups that were left completely empty (an optional person nobody
 * entered) and numbers the rest from 0 again. `hasFile(prefix)` says whether files were
 * uploaded for an item; `renamed` reports the items that moved (old prefix → new prefix).
 */
export function compactRepeats(step: StepDefinition, body: Body, hasFile: (prefix: string) => boolean = () => false): { body: Body; renamed: [string, string][] } {
  let out: Body = { ...body };
  const renamed: [string, string][] = [];
  for (const g of step.fields) {
    if (g.type !== "group" || !g.repeat) continue;
    const re = new RegExp(`^${g.id}\\[(\\d+)\\]\\.(.+)$`);
    const items = new Map<number, Body>();
    const rest: Body = {};
    for (const [k, v] of Object.entries(out)) {
      const m = re.exec(k);
      if (!m) {
        rest[k] = v;
        continue;
      }
      const i = Number(m[1]);
      if (!items.has(i)) items.set(i, {});
      items.get(i)![m[2]!] = v;
    }
    let next = 0;
    for (const i of [...items.keys()].sort((a, b) => a - b)) {
      const item = items.get(i)!;
      if (Object.values(item).every(isEmpty) && !hasFile(`${g.id}[${i}].`)) continue;
      for (const [k, v] of Object.entries(item)) rest[`${g.id}[${next}].${k}`] = v;
      if (next !== i) renamed.push([`${g.id}[${i}].`, `${g.id}[${next}].`]);
      next++;
    }
    out = rest;
  }
  return { body: out, renamed };
}

/** How many items of each repeatable group a step page shows (at least one, at least the minimum). */
export function itemCounts(step: StepDefinition, body: Body): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const g of step.fields) {
    if (g.type !== "group" || !g.repeat) continue;
    let max = -1;
    const re = new RegExp(`^${g.id}\\[(\\d+)\\]\\.`);
    for (const k of Object.keys(body)) {
      const m = re.exec(k);
      if (m) max = Math.max(max, Number(m[1]));
    }
    counts[g.id] = Math.min(g.repeat.max, Math.max(max + 1, g.repeat.min, 1));
  }
  return counts;
}

/**
 * Re-reads every step that applies to the answers, as the engine reads a posted form. The
 * result holds only the answers of applicable steps (a tampered or hidden value is gone);
 * the first step with a problem is reported.
 */
export function validateAll(def: ServiceDefinition, answers: Answers, files: Record<string, FileRef[]>, today: string): { ok: true; answers: Answers } | { ok: false; stepId: string; errors: StepErrors } {
  const result: Answers = {};
  for (const step of visibleSteps(def, answers)) {
    const r = readStep(def, step, bodyFromAnswers(step, answers), answers, { today, files });
    if (Object.keys(r.errors).length) return { ok: false, stepId: step.id, errors: r.errors };
    Object.assign(result, r.values);
  }
  return { ok: true, answers: result };
}

/** The input names of a step (for files: which uploads belong to this step). */
export function stepOwnsInput(step: StepDefinition, inputName: string): FieldDefinition | undefined {
  for (const f of step.fields) {
    if (f.type !== "group") {
      if (f.id === inputName) return f;
    } else if (!f.repeat) {
      const c = f.fields?.find((x) => x.id === inputName);
      if (c) return c;
    } else {
      const m = new RegExp(`^${f.id}\\[(\\d+)\\]\\.(.+)$`).exec(inputName);
      if (m && Number(m[1]) < f.repeat.max) {
        const c = f.fields?.find((x) => x.id === m[2]);
        if (c) return c;
      }
    }
  }
  return undefined;
}

export interface PrefillSource {
  givenName?: string | undefined;
  surname?: string | undefined;
  birthDate?: string | undefined;
  placeOfBirth?: string | undefined;
  address?: { street?: string | undefined; postalCode?: string | undefined; city?: string | undefined } | undefined;
  email?: string | undefined;
  organisationName?: string | undefined;
}

/** Answers taken from the Servicekonto for fields that ask for them; the citizen sees and may change them. */
export function prefillAnswers(def: ServiceDefinition, source: PrefillSource): { answers: Answers; fields: string[] } {
  const answers: Answers = {};
  const fields: string[] = [];
  const visit = (f: FieldDefinition) => {
    if (!f.prefill) return;
    let v: AnswerValue | undefined;
    if (f.prefill === "address") {
      const a = source.address;
      if (a?.street && a.postalCode && a.city) v = { street: a.street, postalCode: a.postalCode, city: a.city };
    } else if (f.prefill === "birthDate") {
      v = source.birthDate && /^\d{4}-\d{2}-\d{2}$/.test(source.birthDate) ? source.birthDate : undefined;
    } else {
      const s = source[f.prefill];
      v = typeof s === "string" && s.trim() ? s.trim() : undefined;
    }
    if (v !== undefined) {
      answers[f.id] = v;
      fields.push(f.id);
    }
  };
  for (const s of def.steps) for (const f of s.fields) (f.type === "group" && !f.repeat ? f.fields ?? [] : [f]).forEach(visit);
  return { answers, fields };
}

/** Whom the confirmation mail goes to: the first e-mail answer, and a name if the form asks for one. */
export function contactOf(def: ServiceDefinition, answers: Answers): { email?: string; name?: string } {
  const out: { email?: string; name?: string } = {};
  let given: string | undefined;
  let sur: string | undefined;
  for (const s of visibleSteps(def, answers)) {
    for (const f of s.fields.flatMap((x) => (x.type === "group" && !x.repeat ? x.fields ?? [] : [x]))) {
      const v = answers[f.id];
      if (typeof v !== "string") continue;
      if (f.type === "email" && !out.email) out.email = v;
      if (!given && (f.prefill === "givenName" || f.id === "vorname")) given = v;
      if (!sur && (f.prefill === "surname" || f.id === "nachname" || f.id === "familienname")) sur = v;
    }
  }
  const name = [given, sur].filter(Boolean).join(" ");
  if (name) out.name = name;
  return out;
}

/**
 * Drops answers that no longer apply: fields of steps that do not apply, and fields whose rule no
 * longer holds (an earlier answer changed). A stale answer must neither be shown nor steer rules.
 */
export function pruneHidden(def: ServiceDefinition, answers: Answers): Answers {
  let out: Answers = { ...answers };
  for (let pass = 0; pass < 3; pass++) {
    const applicable = new Set(visibleSteps(def, out).map((s) => s.id));
    const next: Answers = { ...out };
    for (const step of def.steps) {
      for (const f of step.fields) {
        const children = f.type === "group" && !f.repeat ? f.fields ?? [] : [f];
        for (const c of children) {
          if (!applicable.has(step.id) || (f !== c && !isVisible(f, out)) || !isVisible(c, out)) delete next[c.id];
        }
        if (f.type === "group" && f.repeat && Array.isArray(next[f.id])) {
          next[f.id] = (next[f.id] as Record<string, unknown>[]).map((item) => Object.fromEntries(Object.entries(item).filter(([k]) => {
            const c = f.fields?.find((x) => x.id === k);
            return c ? isVisible(c, out, { id: f.id, item }) : false;
          }))) as Record<string, unknown>[];
        }
      }
    }
    const same = JSON.stringify(next) === JSON.stringify(out);
    out = next;
    if (same) break;
  }
  return out;
}
