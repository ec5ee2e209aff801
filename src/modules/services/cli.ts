import { readFileSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import type { AppContext } from "../../platform/context.js";
import { tenantService } from "../tenants/index.js";
import { serviceCatalogue } from "./index.js";

export interface CliIo {
  out(line: string): void;
  err(line: string): void;
}

export const SERVICES_USAGE = `usage: rathaus services list --tenant SLUG [--json]
       rathaus services export ID [--version N] [--out FILE]
       rathaus services import FILE
       rathaus services validate [FILE…]`;

/** `rathaus services list|export|import` on an opened platform; returns the exit code. */
export async function servicesCli(ctx: AppContext, sub: string | undefined, args: string[], io: CliIo): Promise<number> {
  const catalogue = serviceCatalogue(ctx);
  if (sub === "list") {
    const { values } = parseArgs({ args, options: { tenant: { type: "string" }, json: { type: "boolean", default: false } } });
    if (!values.tenant) {
      io.err(SERVICES_USAGE);
      return 2;
    }
    const tenant = await tenantService(ctx).store.bySlug(values.tenant);
    if (!tenant) {
      io.err(`Fehler: Es gibt keine Kommune mit dem Kurznamen „${values.tenant}“.`);
      return 1;
    }
    const rows = (await catalogue.municipalServices(tenant.id)).map((s) => ({ id: s.id, version: s.version, title: s.definition.title, area: s.definition.area, enabled: s.enabled, source: s.source }));
    if (values.json) io.out(JSON.stringify(rows, null, 2));
    else {
      for (const r of rows) io.out(`${r.id.padEnd(40)} v${String(r.version).padEnd(4)} ${r.enabled ? "aktiv " : "      "} ${r.area.padEnd(16)} ${r.title}`);
      io.out(`${rows.filter((r) => r.enabled).length} of ${rows.length} services enabled in ${tenant.slug}`);
    }
    return 0;
  }
  if (sub === "export") {
    const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { version: { type: "string" }, out: { type: "string" } } });
    const id = positionals[0];
    const version = values.version === undefined ? undefined : Number(values.version);
    if (!id || positionals.length > 1 || (version !== undefined && !Number.isInteger(version))) {
      io.err(SERVICES_USAGE);
      return 2;
    }
    const text = await catalogue.definitionText(id, version);
    if (!text) {
      io.err(`error: service "${id}"${version !== undefined ? ` version ${version}` : ""} is not installed`);
      return 1;
    }
    const file = `${JSON.stringify(JSON.parse(text), null, 2)}\n`;
    if (values.out) {
      writeFileSync(values.out, file);
      io.out(`exported ${id} version ${(JSON.parse(text) as { version: number }).version} to ${values.out}`);
    } else io.out(file.trimEnd());
    return 0;
  }
  if (sub === "import") {
    const { positionals } = parseArgs({ args, allowPositionals: true, options: {} });
    const file = positionals[0];
    if (!file || positionals.length > 1) {
      io.err(SERVICES_USAGE);
      return 2;
    }
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(file, "utf8"));
    } catch (err) {
      io.err(`error: cannot read ${file}: ${(err as Error).message}`);
      return 1;
    }
    const result = await catalogue.importDefinition(raw);
    switch (result.status) {
      case "invalid":
        io.err(`${file}: not imported, the definition is invalid:`);
        for (const p of result.problems) io.err(`  - ${p}`);
        return 1;
      case "conflict":
        io.err(`${file}: not imported: ${result.id} version ${result.version} is already installed with different content; raise the version`);
        return 1;
      case "unchanged":
        io.out(`${result.id} version ${result.version} is already installed with the same content; nothing changed`);
        return 0;
      case "inserted":
        io.out(`imported ${result.id} version ${result.version}${result.current === result.version ? " (now the current version)" : ` (the current version stays ${result.current})`}`);
        io.out("municipalities enable it under Verwaltung → Online-Dienste");
        return 0;
    }
  }
  io.err(SERVICES_USAGE);
  return 2;
}
