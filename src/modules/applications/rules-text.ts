import { allFields, optionsOf, type FieldDefinition, type ServiceDefinition } from "../services/index.js";

/**
 * A JSON Logic rule in German words, for fields whose condition depends on answers of the same
 * step: without JavaScript the page cannot hide them, so it says when they apply. Covers the
 * forms definitions use (==, !=, in, and, or, !, truthy variables, comparisons); anything else
 * gets a general sentence.
 */
export function describeRule(def: ServiceDefinition, rule: Record<string, unknown>): string {
  const text = phrase(def, rule);
  return text ? `Nur nötig, wenn ${text}.` : "Nur nötig, wenn es auf Sie zutrifft.";
}

/** The condition alone ("bei „Zweck“ „Sonstiges“ gewählt ist"), undefined for rules it cannot put in words. */
export function ruleCondition(def: ServiceDefinition, rule: Record<string, unknown>): string | undefined {
  return phrase(def, rule);
}

function fieldOf(def: ServiceDefinition, name: unknown): FieldDefinition | undefined {
  const n = Array.isArray(name) ? name[0] : name;
  if (typeof n !== "string") return undefined;
  const id = n.includes(".") ? n.split(".").pop()! : n;
  return allFields(def).find((f) => f.id === id);
}

function valueLabel(def: ServiceDefinition, field: FieldDefinition, value: unknown): string {
  if (field.type === "yesno") return value === true || value === "ja" ? "„Ja“" : "„Nein“";
  const o = optionsOf(def, field).find((x) => x.value === value);
  return `„${o?.label ?? String(value)}“`;
}

function phrase(def: ServiceDefinition, rule: unknown): string | undefined {
  if (!rule || typeof rule !== "object" || Array.isArray(rule)) return undefined;
  const [op, arg] = Object.entries(rule as Record<string, unknown>)[0] ?? [];
  const args = Array.isArray(arg) ? arg : [arg];
  const varOf = (x: unknown) => (x && typeof x === "object" && "var" in (x as object) ? fieldOf(def, (x as { var: unknown }).var) : undefined);
  switch (op) {
    case "var": {
      const f = fieldOf(def, arg);
      return f ? (f.type === "yesno" || f.type === "declaration" ? `Sie bei „${f.label}“ „Ja“ angeben` : `Sie „${f.label}“ angeben`) : undefined;
    }
    case "==":
    case "===":
    case "!=":
    case "!==": {
      const f = varOf(args[0]);
      if (!f) return undefined;
      const neg = op.startsWith("!");
      return `bei „${f.label}“ ${neg ? "nicht " : ""}${valueLabel(def, f, args[1])} gewählt ist`;
    }
    case "in": {
      const f = varOf(args[0]);
      if (f && Array.isArray(args[1])) return `bei „${f.label}“ ${(args[1] as unknown[]).map((v) => valueLabel(def, f, v)).join(" oder ")} gewählt ist`;
      const g = varOf(args[1]);
      if (g) return `bei „${g.label}“ ${valueLabel(def, g, args[0])} ausgewählt ist`;
      return undefined;
    }
    case "!": {
      const f = varOf(args[0]);
      return f ? (f.type === "yesno" ? `Sie bei „${f.label}“ „Nein“ angeben` : `„${f.label}“ leer bleibt`) : undefined;
    }
    case ">":
    case ">=":
    case "<":
    case "<=": {
      const f = varOf(args[0]);
      const words: Record<string, string> = { ">": "größer als", ">=": "mindestens", "<": "kleiner als", "<=": "höchstens" };
      return f && typeof args[1] !== "object" ? `„${f.label}“ ${words[op]} ${String(args[1])} ist` : undefined;
    }
    case "and":
    case "or": {
      const parts = args.map((a) => phrase(def, a));
      if (parts.some((x) => !x)) return undefined;
      return parts.join(op === "and" ? " und " : " oder ");
    }
    default:
      return undefined;
  }
}
