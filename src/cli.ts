import { parseArgs } from "node:util";
import { randomBytes } from "node:crypto";
import { loadConfig, ConfigError } from "./config.js";
import { openDatabase, DatabaseUnavailableError, redactUrl } from "./platform/db/index.js";
import { migrate } from "./platform/db/migrate.js";
import { migrationSets } from "./app.js";
import { openPlatform } from "./server.js";
import { TENANT_ADMIN_ROLE, PasswordPolicyError } from "./platform/auth/accounts.js";
import { tenantService } from "./modules/tenants/index.js";

const HELP = `rathaus – Digitales Rathaus

  rathaus serve                         start the web server (migrates, seeds demo data in demo mode)
  rathaus migrate                       apply pending database migrations
  rathaus seed [--demo]                 load seed data (demo municipalities and accounts with --demo)
  rathaus tenant list [--json]          list municipalities
  rathaus tenant add --slug S --name N --ags 12345678 [--kind Stadt|Gemeinde]
  rathaus admin create --email E --name N [--tenant SLUG] [--password P]
                                        create a staff account: platform admin, or the
                                        administration of one municipality with --tenant
  rathaus audit verify                  check the audit log's hash chain and head file
  rathaus services validate [FILE…]     check service definitions (default: definitions/services/)
  rathaus services list --tenant SLUG [--json]
                                        a municipality's catalogue: id, version, title, area, enabled
  rathaus services export ID [--version N] [--out FILE]
                                        one definition as stored, as one JSON file (EfA reuse)
  rathaus services import FILE          store a definition from another installation as a new version
  rathaus services import-xdf FILE [--codelist FILE]… [--area KEY] [--out FILE]
                                        draft definition from an XDatenfelder 2.0/3.0 schema (FIM);
                                        notes for the author on stderr
  rathaus analytics import --tenant SLUG [--prefix /] [--host NAME]… [--replace] [--dry-run] FILE…|-
                                        usage statistics from web-server access logs (Combined
                                        Log Format, .gz too; rotated files oldest first)
  rathaus analytics report --tenant SLUG --from DATE --to DATE [--area NAME] [--funnel] [--json]
                                        page views, visitors, areas, shares, month change and the
                                        German summary; --funnel adds the online services' funnel

Configuration comes from the environment (PORT, HOST, DATABASE_URL, DATA_DIR, BASE_URL, LOG_LEVEL, …; see README).`;

async function main(argv: string[]): Promise<number> {
  const [command, sub, ...rest] = argv;
  switch (command) {
    case "serve":
      return serve();
    case "migrate": {
      const config = loadConfig();
      const db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
      try {
        const applied = await migrate(db, migrationSets());
        console.log(applied.length ? `applied ${applied.length} migrations:\n  ${applied.join("\n  ")}` : "database is up to date");
      } finally {
        await db.close();
      }
      return 0;
    }
    case "seed": {
      const { values } = parseArgs({ args: [sub, ...rest].filter((a): a is string => a !== undefined), options: { demo: { type: "boolean", default: false } } });
      const config = { ...loadConfig(), demo: values.demo || loadConfig().demo };
      const p = await openPlatform({ config, logger: { level: "warn" }, seed: true });
      await p.close();
      console.log(config.demo ? "demo data is in place" : "seed data is in place");
      return 0;
    }
    case "tenant":
      return tenantCommand(sub, rest);
    case "services":
      if (sub === "validate") return validateServices(rest);
      if (sub === "import-xdf") return importXdfCommand(rest);
      return servicesCommand(sub, rest);
    case "admin":
      return adminCommand(sub, rest);
    case "analytics": {
      const { analyticsCli, ANALYTICS_USAGE } = await import("./modules/analytics/cli.js");
      if (sub !== "import" && sub !== "report") {
        console.error(ANALYTICS_USAGE);
        return 2;
      }
      // Only errors on the console: `analytics report --json` writes JSON to stdout.
      const p = await openPlatform({ logger: { level: "error" }, seed: false });
      try {
        return await analyticsCli(p.ctx, sub, rest, { out: (line) => console.log(line), err: (line) => console.error(line), stdin: process.stdin });
      } finally {
        await p.close();
      }
    }
    case "audit": {
      if (sub !== "verify") break;
      const p = await openPlatform({ logger: { level: "warn" }, seed: false });
      try {
        const result = await p.ctx.audit.verify();
        console.log(`audit log: ${result.count} entries, chain ${result.ok ? "intact" : "BROKEN"}${result.headChecked ? ", head file checked" : ", no head file yet"}`);
        for (const problem of result.problems) console.log(`  - ${problem}`);
        return result.ok ? 0 : 1;
      } finally {
        await p.close();
      }
    }
    case undefined:
    case "help":
    case "--help":
    case "-h":
      console.log(HELP);
      return command ? 0 : 2;
  }
  console.error(`unknown command: ${argv.join(" ")}\n\n${HELP}`);
  return 2;
}

async function validateServices(files: string[]): Promise<number> {
  const { loadDefinitions, validateDefinition } = await import("./modules/services/definitions.js");
  const { readFileSync } = await import("node:fs");
  const results: { file: string; problems: string[] }[] = [];
  let count = 0;
  if (files.length === 0) {
    const loaded = loadDefinitions();
    count = loaded.definitions.length + loaded.problems.length;
    results.push(...loaded.problems);
  } else {
    for (const file of files) {
      count++;
      try {
        const p = validateDefinition(JSON.parse(readFileSync(file, "utf8")));
        if (p.length) results.push({ file, problems: p });
      } catch (err) {
        results.push({ file, problems: [`cannot read: ${(err as Error).message}`] });
      }
    }
  }
  for (const r of results) {
    console.error(`${r.file}:`);
    for (const p of r.problems) console.error(`  - ${p}`);
  }
  console.log(`${count - results.length} of ${count} service definitions valid`);
  return results.length ? 1 : 0;
}

async function importXdfCommand(args: string[]): Promise<number> {
  const usage = "usage: rathaus services import-xdf FILE [--codelist FILE]… [--area KEY] [--out FILE]";
  let parsed;
  try {
    parsed = parseArgs({ args, allowPositionals: true, options: { codelist: { type: "string", multiple: true }, area: { type: "string" }, out: { type: "string" } } });
  } catch (err) {
    console.error(`${(err as Error).message}\n${usage}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (positionals.length !== 1) {
    console.error(usage);
    return 2;
  }
  const { readFileSync, writeFileSync } = await import("node:fs");
  const { basename } = await import("node:path");
  const { importXdf } = await import("./modules/services/xdf.js");
  const read = (file: string): string | undefined => {
    try {
      return readFileSync(file, "utf8");
    } catch (err) {
      console.error(`Fehler: Die Datei ${file} kann nicht gelesen werden (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}).`);
      return undefined;
    }
  };
  const file = positionals[0]!;
  const xml = read(file);
  if (xml === undefined) return 1;
  const codelists: string[] = [];
  for (const c of values.codelist ?? []) {
    const text = read(c);
    if (text === undefined) return 1;
    codelists.push(text);
  }
  let result;
  try {
    result = importXdf(xml, { codelists, fileName: basename(file), area: values.area });
  } catch (err) {
    console.error(`Fehler: ${(err as Error).message}`);
    return 1;
  }
  for (const note of result.notes) console.error(`Hinweis: ${note}`);
  const json = `${JSON.stringify(result.definition, null, 2)}\n`;
  if (values.out) {
    writeFileSync(values.out, json);
    console.error(`Entwurf ${result.definition.id} geschrieben: ${values.out}`);
  } else process.stdout.write(json);
  return 0;
}

async function servicesCommand(sub: string | undefined, args: string[]): Promise<number> {
  const { servicesCli, SERVICES_USAGE } = await import("./modules/services/cli.js");
  if (sub !== "list" && sub !== "export" && sub !== "import") {
    console.error(SERVICES_USAGE);
    return 2;
  }
  // Only errors on the console: `services export` writes the definition to stdout.
  const p = await openPlatform({ logger: { level: "error" }, seed: false });
  try {
    return await servicesCli(p.ctx, sub, args, { out: (line) => console.log(line), err: (line) => console.error(line) });
  } finally {
    await p.close();
  }
}

async function tenantCommand(sub: string | undefined, args: string[]): Promise<number> {
  if (sub === "list") {
    const { values } = parseArgs({ args, options: { json: { type: "boolean", default: false } } });
    const p = await openPlatform({ logger: { level: "warn" }, seed: false });
    try {
      const all = await tenantService(p.ctx).store.listAll();
      if (values.json) console.log(JSON.stringify(all.map((t) => ({ id: t.id, slug: t.slug, name: t.name, kind: t.kind, ags: t.ags, hosts: t.hosts })), null, 2));
      else for (const t of all) console.log(`${t.slug.padEnd(20)} ${t.ags}  ${t.kind} ${t.name}${t.hosts.length ? `  (${t.hosts.join(", ")})` : ""}`);
      return 0;
    } finally {
      await p.close();
    }
  }
  if (sub === "add") {
    const { values } = parseArgs({ args, options: { slug: { type: "string" }, name: { type: "string" }, ags: { type: "string" }, kind: { type: "string" } } });
    if (!values.slug || !values.name || !values.ags) {
      console.error("usage: rathaus tenant add --slug S --name N --ags 12345678 [--kind Stadt|Gemeinde]");
      return 2;
    }
    const p = await openPlatform({ logger: { level: "warn" }, seed: false });
    try {
      const result = await tenantService(p.ctx).createTenant({ slug: values.slug, name: values.name, ags: values.ags, kind: values.kind }, { type: "system" });
      if (!result.ok) {
        for (const message of Object.values(result.errors)) console.error(`Fehler: ${message}`);
        return 1;
      }
      console.log(`created municipality ${values.slug} (${result.value}); its pages are at /${values.slug}/`);
      return 0;
    } finally {
      await p.close();
    }
  }
  console.error("usage: rathaus tenant list [--json] | rathaus tenant add …");
  return 2;
}

async function adminCommand(sub: string | undefined, args: string[]): Promise<number> {
  if (sub !== "create") {
    console.error("usage: rathaus admin create --email E --name N [--tenant SLUG] [--password P]");
    return 2;
  }
  const { values } = parseArgs({ args, options: { email: { type: "string" }, name: { type: "string" }, tenant: { type: "string" }, password: { type: "string" } } });
  if (!values.email || !values.name) {
    console.error("usage: rathaus admin create --email E --name N [--tenant SLUG] [--password P]");
    return 2;
  }
  const generated = !values.password && !process.env.RATHAUS_ADMIN_PASSWORD;
  const password = values.password ?? process.env.RATHAUS_ADMIN_PASSWORD ?? randomBytes(15).toString("base64url");
  const p = await openPlatform({ logger: { level: "warn" }, seed: false });
  try {
    const tenant = values.tenant ? (await tenantService(p.ctx).store.bySlug(values.tenant)) : undefined;
    if (values.tenant && !tenant) {
      console.error(`Fehler: Es gibt keine Kommune mit dem Kurznamen „${values.tenant}“.`);
      return 1;
    }
    if (await p.ctx.accounts.exists(values.email)) {
      console.error(`Fehler: Ein Konto mit der E-Mail-Adresse ${values.email} gibt es bereits.`);
      return 1;
    }
    // A password shown on the console is changed at the first login.
    const id = await p.ctx.accounts.create({ email: values.email, name: values.name, password, platformAdmin: !tenant, mustChangePassword: generated });
    if (tenant) await p.ctx.accounts.grantRole(id, tenant.id, TENANT_ADMIN_ROLE);
    await p.ctx.audit.record({ tenantId: tenant?.id ?? null, actor: { type: "system" }, action: "staff.create", object: { type: "staff-account", id }, fields: ["email", "name", "roles"] });
    console.log(`created ${tenant ? `administration account for ${tenant.name}` : "platform administrator"} ${values.email}`);
    if (generated) console.log(`initial password (shown once; it must be changed at the first login): ${password}`);
    return 0;
  } catch (err) {
    if (err instanceof PasswordPolicyError) {
      console.error(`Fehler: ${err.message}`);
      return 1;
    }
    throw err;
  } finally {
    await p.close();
  }
}

async function serve(): Promise<number> {
  const config = loadConfig();
  const platform = await openPlatform({ config });
  const { app, ctx } = platform;
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.log.info({ signal }, "shutting down: finishing in-flight requests");
    const force = setTimeout(() => {
      app.log.error("shutdown took longer than 20 s, exiting");
      process.exit(1);
    }, 20_000);
    force.unref();
    try {
      await platform.close();
      app.log.info("stopped");
      process.exit(0);
    } catch (err) {
      app.log.error({ err }, "error during shutdown");
      process.exit(1);
    }
  };
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));
  await app.listen({ port: config.port, host: config.host });
  if (config.runJobs) ctx.jobs.start();
  app.log.info({ baseUrl: config.baseUrl, database: config.databaseUrl ? redactUrl(config.databaseUrl) : `sqlite:${config.dataDir}/rathaus.db`, demo: config.demo }, "Digitales Rathaus is ready");
  return -1; // keep running
}

main(process.argv.slice(2))
  .then((code) => {
    if (code >= 0) process.exit(code);
  })
  .catch((err: unknown) => {
    if (err instanceof ConfigError) console.error(`configuration error: ${err.message}`);
    else if (err instanceof DatabaseUnavailableError) console.error(JSON.stringify({ level: 50, time: Date.now(), msg: `cannot start: ${err.message}` }));
    else console.error(err);
    process.exit(1);
  });
