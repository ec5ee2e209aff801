import { existsSync, readFileSync, readdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import AjvModule, { type Ajv as AjvInstance, type Options, type ValidateFunction } from "ajv";

/**
 * Validation of OParl output against the official OParl 1.1 JSON schemas (the shared folder:
 * ../shared/standards/oparl-1.1/schema). For tests. The schemas need:
 * - `strict: false` (they carry keywords of their own: references, backreference, cardinality);
 * - `unicodeRegExp: false` (their patterns escape characters the u flag rejects, e.g. "\:");
 * - a `url` format (and OParl's date / date-time formats, spec 2-04);
 * - their custom `schema` keyword ("schema": "File.json" = an embedded object of that type)
 *   turned into `$ref` — with strict off Ajv would silently ignore it, and embedded objects
 *   would never be checked. The tests prove with broken objects that validation really fails.
 */

// ajv is CommonJS: under NodeNext its class is the default export's `default`
const Ajv = ((AjvModule as unknown as { default?: unknown }).default ?? AjvModule) as new (o: Options) => AjvInstance;
const BASE = "https://schema.oparl.org/1.1/";

export function oparlSchemaDir(): string {
  if (process.env.OPARL_SCHEMA_DIR) return resolve(process.env.OPARL_SCHEMA_DIR);
  const repo = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "..");
  return join(repo, "..", "shared", "standards", "oparl-1.1", "schema");
}

/** Replaces every `{ …, "schema": "X.json" }` by `{ "$ref": "https://schema.oparl.org/1.1/X.json" }`, recursively. */
export function convertSchemaKeyword(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(convertSchemaKeyword);
  if (!node || typeof node !== "object") return node;
  const o = node as Record<string, unknown>;
  if (typeof o.schema === "string") return { $ref: BASE + o.schema };
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) out[k] = k === "description" ? v : convertSchemaKeyword(v);
  return out;
}

export interface OparlValidator {
  /** type name ("Paper") → validate function */
  validate(typeName: string, obj: unknown): { ok: true } | { ok: false; errors: string };
  /** the type names with a schema */
  types: string[];
}

export function createOparlValidator(dir = oparlSchemaDir()): OparlValidator {
  if (!existsSync(dir)) throw new Error(`OParl schemas not found in ${dir} (set OPARL_SCHEMA_DIR)`);
  const ajv = new Ajv({ strict: false, unicodeRegExp: false, allErrors: true });
  ajv.addFormat("url", /^https?:\/\/[^\s/?#]+[^\s]*$/);
  // spec 2-04: yyyy-mm-dd and yyyy-mm-ddThh:mm:ss±hh:mm
  ajv.addFormat("date", /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/);
  ajv.addFormat("date-time", /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:[0-5]\d[+-]\d{2}:\d{2}$/);
  const types: string[] = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith(".json")).sort()) {
    const schema = convertSchemaKeyword(JSON.parse(readFileSync(join(dir, file), "utf8"))) as Record<string, unknown>;
    ajv.addSchema({ ...schema, $id: BASE + file });
    types.push(file.replace(/\.json$/, ""));
  }
  const compiled = new Map<string, ValidateFunction>();
  return {
    types,
    validate(typeName, obj) {
      let fn = compiled.get(typeName);
      if (!fn) {
        fn = ajv.getSchema(`${BASE}${typeName}.json`);
        if (!fn) throw new Error(`no OParl schema for ${typeName}`);
        compiled.set(typeName, fn);
      }
      if (fn(obj)) return { ok: true };
      return { ok: false, errors: ajv.errorsText(fn.errors, { separator: "; " }) };
    },
  };
}

/** The schema name of an object from its `type` URL ("https://schema.oparl.org/1.1/Paper" → "Paper"). */
export function typeNameOf(obj: unknown): string | undefined {
  const t = (obj as { type?: unknown } | null)?.type;
  if (typeof t !== "string") return undefined;
  const m = /^https:\/\/schema\.oparl\.org\/1\.1\/([A-Za-z]+)$/.exec(t);
  return m?.[1];
}
