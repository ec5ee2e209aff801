import type { FieldDefinition, ServiceDefinition } from "../modules/services/definitions.js";
import { optionsOf, readStep, visibleSteps, type Answers, type FileRef } from "../modules/services/form/engine.js";
import { resolveDateBound } from "../modules/services/form/validators.js";

/**
 * Valid example input for any service definition, step by step, as a browser would post it —
 * for tests that every shipped definition can be completed (rules, bounds and patterns satisfiable).
 */
const PATTERN_CANDIDATES = ["10:00", "276098100012345", "T22000129", "KZ-2026/123", "HELADEF1XXX", "12345", "Beispiel"];

export function exampleInput(def: ServiceDefinition, fields: FieldDefinition[], today: string, choice: "first" | "last", prefix = ""): { body: Record<string, unknown>; files: Record<string, FileRef[]> } {
  const body: Record<string, unknown> = {};
  const files: Record<string, FileRef[]> = {};
  for (const f of fields) {
    const name = `${prefix}${f.id}`;
    const v = f.validation ?? {};
    switch (f.type) {
      case "info":
        break;
      case "group": {
        const items = f.repeat ? Math.max(1, f.repeat.min) : 0;
        if (!f.repeat) Object.assign(body, exampleInput(def, f.fields ?? [], today, choice).body);
        for (let i = 0; i < items; i++) {
          const inner = exampleInput(def, f.fields ?? [], today, choice, `${f.id}[${i}].`);
          Object.assign(body, inner.body);
          Object.assign(files, inner.files);
        }
        break;
      }
      case "text":
      case "textarea": {
        let text = "Beispielangabe";
        if (typeof v.pattern === "string") text = PATTERN_CANDIDATES.find((c) => new RegExp(`^(?:${v.pattern})$`, "u").test(c)) ?? text;
        if (typeof v.minLength === "number") text = text.padEnd(v.minLength, "x");
        if (typeof v.maxLength === "number") text = text.slice(0, v.maxLength);
        body[name] = text;
        break;
      }
      case "number":
        body[name] = String(typeof v.min === "number" ? v.min : typeof v.max === "number" ? Math.min(1, v.max) : 1);
        break;
      case "date":
        body[name] = typeof v.minDate === "string" ? resolveDateBound(v.minDate, today) : typeof v.maxDate === "string" ? resolveDateBound(v.maxDate, today) : today;
        break;
      case "email":
        body[name] = "erika.mustermann@example.org";
        break;
      case "phone":
        body[name] = "06081 1024-0";
        break;
      case "iban":
        body[name] = "DE89 3704 0044 0532 0130 00";
        break;
      case "address":
        body[`${name}.strasse`] = "Heidestraße 17";
        body[`${name}.plz`] = "61250";
        body[`${name}.ort`] = "Usingen";
        break;
      case "select":
      case "radio": {
        const options = optionsOf(def, f);
        body[name] = (choice === "first" ? options[0] : options.at(-1))!.value;
        break;
      }
      case "checkboxes": {
        const options = optionsOf(def, f);
        const n = Math.max(1, typeof v.minSelected === "number" ? v.minSelected : 1);
        body[name] = (choice === "first" ? options.slice(0, n) : options.slice(-n)).map((o) => o.value);
        break;
      }
      case "yesno":
        body[name] = choice === "first" ? "ja" : "nein";
        break;
      case "declaration":
        body[name] = "ja";
        break;
      case "file":
        files[name] = [{ id: `${name}-1`, name: "nachweis.pdf", size: 12_000, type: f.file!.accept[0]! }];
        break;
    }
  }
  return { body, files };
}

/** Runs a whole application through the engine; returns the answers and every error found on the way. */
export function completeWithExamples(def: ServiceDefinition, today: string, choice: "first" | "last"): { answers: Answers; errors: { step: string; errors: Record<string, string> }[]; steps: string[] } {
  let answers: Answers = {};
  const errors: { step: string; errors: Record<string, string> }[] = [];
  const done: string[] = [];
  for (let guard = 0; guard < 20; guard++) {
    const step = visibleSteps(def, answers).find((s) => !done.includes(s.id));
    if (!step) break;
    const { body, files } = exampleInput(def, step.fields, today, choice);
    const r = readStep(def, step, body, answers, { today, files });
    if (Object.keys(r.errors).length) errors.push({ step: step.id, errors: r.errors });
    answers = { ...answers, ...r.values };
    done.push(step.id);
  }
  return { answers, errors, steps: done };
}
