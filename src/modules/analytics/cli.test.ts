import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { Readable } from "node:stream";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createTestApp, type TestApp } from "../../test-support/app.js";
import { analyticsCli } from "./cli.js";
import type { Report } from "./report.js";

let t: TestApp;
let dir: string;
before(async () => {
  t = await createTestApp();
  dir = mkdtempSync(join(tmpdir(), "rathaus-analytics-cli-"));
});
after(async () => {
  rmSync(dir, { recursive: true, force: true });
  await t?.close();
});

const FIREFOX = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0";
const ANDROID = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36";
const line = (ip: string, stamp: string, path: string, ua: string, status = 200, referer = "-") => `${ip} - - [${stamp}] "GET ${path} HTTP/1.1" ${status} 2048 "${referer}" "${ua}"`;

async function cli(args: string[], stdin?: Readable): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const [sub, ...rest] = args;
  const code = await analyticsCli(t.ctx, sub, rest, { out: (l) => out.push(l), err: (l) => err.push(l), ...(stdin ? { stdin } : {}) });
  return { code, out: out.join("\n"), err: err.join("\n") };
}

/**
 * October and November 2025 in Usingen. October: 4 views of the home page, 2 of Meldebescheinigung
 * (from duckduckgo.com); November: 3 home, 4 Meldebescheinigung, 1 council; one broken line.
 */
function octoberNovember(): string[] {
  const lines: string[] = [];
  for (let i = 0; i < 4; i++) lines.push(line(`10.0.0.${i}`, `0${i + 1}/Oct/2025:10:00:00 +0200`, "/usingen/", FIREFOX));
  lines.push(line("10.0.1.1", "10/Oct/2025:11:00:00 +0200", "/usingen/dienste/meldebescheinigung", ANDROID, 200, "https://duckduckgo.com/"));
  lines.push(line("10.0.1.1", "10/Oct/2025:11:05:00 +0200", "/usingen/dienste/meldebescheinigung", ANDROID, 304, "https://duckduckgo.com/"));
  lines.push(`10.0.1.1 - - [10/Oct/2025:11:06:00 +0200] "GET /usingen/ HTTP/1.1" 200 512`);
  for (let i = 0; i < 3; i++) lines.push(line(`10.0.2.${i}`, `0${i + 1}/Nov/2025:10:00:00 +0100`, "/usingen/", FIREFOX));
  for (let i = 0; i < 4; i++) lines.push(line(`10.0.3.${i}`, `1${i}/Nov/2025:10:00:00 +0100`, "/usingen/dienste/meldebescheinigung", FIREFOX));
  lines.push(line("10.0.4.1", "20/Nov/2025:18:00:00 +0100", "/usingen/rat/sitzungen", FIREFOX));
  return lines;
}

test("analytics import: the operator's report of the import; a second run is refused (exit 1) and says so", async () => {
  const file = join(dir, "access.log");
  writeFileSync(file, `${octoberNovember().join("\n")}\n`);
  const first = await cli(["import", "--tenant", "usingen", file]);
  assert.equal(first.code, 0, first.err);
  assert.match(first.out, /lines read\s+15\n/);
  assert.match(first.out, /counted views\s+14\n/);
  assert.match(first.out, /skipped\s+0 \(/);
  assert.match(first.out, /malformed\s+1\n/);
  assert.match(first.out, new RegExp(`${file.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}:7: no referrer and user agent`));
  assert.match(first.out, /days\s+13 \(2025-10-01 to 2025-11-20\): 13 written, 0 refused\n/);
  const again = await cli(["import", "--tenant", "usingen", file]);
  assert.equal(again.code, 1);
  assert.match(again.out, /days\s+13 \(2025-10-01 to 2025-11-20\): 0 written, 13 refused\n/);
  assert.match(again.out, /REFUSED 13 day\(s\): 2025-10-01, .*2025-11-20 — not written/);
  assert.match(again.out, /2025-10-10 +2 views +1 visitors +refused — the day already has statistics \(use --replace to overwrite them\)/);
});

test("analytics report --json: the Report and the summary; dates also as TT.MM.JJJJ", async () => {
  const res = await cli(["report", "--tenant", "usingen", "--from", "01.10.2025", "--to", "2025-11-30", "--json"]);
  assert.equal(res.code, 0, res.err);
  const r = JSON.parse(res.out) as Report & { summary: string; area: string };
  assert.equal(r.views, 14);
  assert.equal(r.visitors, 13, "the Android visitor's two views on one day are one visitor");
  assert.deepEqual(
    r.areas.map((a) => [a.area, a.rank, a.views, a.share, a.visitors]),
    [
      ["Startseite", 1, 7, 500, 7],
      ["Digitales Rathaus", 2, 6, 429, 5],
      ["Ratsinformation", 3, 1, 71, 1],
    ],
  );
  assert.deepEqual(r.monthly.byArea["Digitales Rathaus"], { month: "2025-11", previousMonth: "2025-10", views: 4, previousViews: 2, change: 2, changePermille: 1000 });
  assert.deepEqual(r.referrers, [{ value: "duckduckgo.com", views: 2 }]);
  assert.equal(r.area, "Digitales Rathaus");
  assert.equal(
    r.summary,
    "Vom 01.10.2025 bis 30.11.2025 wurde der Bereich „Digitales Rathaus“ 6-mal aufgerufen (5 Besuche). " +
      "Das sind 42,9 % aller 14 Seitenaufrufe der Website der Stadt Usingen. " +
      "Damit ist „Digitales Rathaus“ nach „Startseite“ der am häufigsten besuchte Bereich (Rang 2 von 3). " +
      "Am meisten genutzt wurden Meldewesen. " +
      "Im November 2025 wurde der Bereich 4-mal aufgerufen, 2-mal häufiger als im Oktober 2025 (+100,0 %).",
  );
  const council = JSON.parse((await cli(["report", "--tenant", "usingen", "--from", "2025-10-01", "--to", "2025-11-30", "--area", "Ratsinformation", "--json"])).out) as { summary: string };
  assert.match(council.summary, /^Vom 01\.10\.2025 bis 30\.11\.2025 wurde der Bereich „Ratsinformation“ 1-mal aufgerufen/);
});

test("analytics report as text: aligned columns, German numbers, the month change and the summary", async () => {
  const res = await cli(["report", "--tenant", "usingen", "--from", "2025-10-01", "--to", "2025-11-30"]);
  assert.equal(res.code, 0, res.err);
  const lines = res.out.split("\n");
  assert.equal(lines[0], "Statistik Stadt Usingen: 01.10.2025 bis 30.11.2025");
  assert.equal(lines[1], "Seitenaufrufe 14 · Besuche 13 · gezählt seit 01.10.2025");
  const head = lines.findIndex((l) => l.startsWith("Bereich "));
  assert.deepEqual(lines.slice(head, head + 6), [
    "Bereich            Rang  Aufrufe  Anteil  Besuche",
    "-----------------  ----  -------  ------  -------",
    "Startseite            1        7  50,0 %        7",
    "Digitales Rathaus     2        6  42,9 %        5",
    "  Meldewesen                   6  42,9 %        5",
    "Ratsinformation       3        1   7,1 %        1",
  ]);
  assert.ok(lines.includes("  Digitales Rathaus: 4 gegenüber 2 im Oktober 2025: +2 (+100,0 %)"), res.out);
  assert.ok(lines.some((l) => /^duckduckgo\.com\s+2$/.test(l)), res.out);
  assert.match(lines.at(-1)!, /^Vom 01\.10\.2025 bis 30\.11\.2025 wurde der Bereich „Digitales Rathaus“ 6-mal aufgerufen/);
});

test("analytics import from standard input and from a .gz file; --dry-run writes nothing", async () => {
  const lines = [line("10.9.0.1", "03/Feb/2025:09:00:00 +0100", "/neu-anspach/", FIREFOX), line("10.9.0.2", "03/Feb/2025:09:30:00 +0100", "/neu-anspach/aktuelles/", ANDROID)];
  const gz = join(dir, "access.log.1.gz");
  writeFileSync(gz, gzipSync(`${lines.join("\n")}\n`));
  const dry = await cli(["import", "--tenant", "neu-anspach", "--dry-run", gz]);
  assert.equal(dry.code, 0, dry.err);
  assert.match(dry.out, /dry run, nothing written/);
  assert.match(dry.out, /days\s+1 \(2025-02-03 to 2025-02-03\): 1 counted only \(dry run\), 0 refused/);
  assert.match(dry.out, /2025-02-03 +2 views +2 visitors +dry-run/);
  const before = JSON.parse((await cli(["report", "--tenant", "neu-anspach", "--from", "2025-02-03", "--to", "2025-02-03", "--json"])).out) as Report;
  assert.equal(before.views, 0);
  const piped = await cli(["import", "--tenant", "neu-anspach", "-"], Readable.from([`${lines[0]}\n${lines[1]}`, "\n"]));
  assert.equal(piped.code, 0, piped.err);
  const after = JSON.parse((await cli(["report", "--tenant", "neu-anspach", "--from", "2025-02-03", "--to", "2025-02-03", "--json"])).out) as Report;
  assert.deepEqual([after.views, after.visitors], [2, 2]);
});

test("bad input: unknown town, bad dates, unknown area, missing file → stderr and exit code 2 (unreadable file: 1)", async () => {
  const cases: [string[], RegExp][] = [
    [["report", "--tenant", "gibt-es-nicht", "--from", "2025-10-01", "--to", "2025-10-31"], /keine Kommune mit dem Kurznamen „gibt-es-nicht“/],
    [["report", "--tenant", "usingen", "--from", "31.02.2025", "--to", "2025-10-31"], /--from und --to als Datum/],
    [["report", "--tenant", "usingen", "--from", "2025-10-01"], /--from und --to als Datum/],
    [["report", "--tenant", "usingen", "--from", "2025-11-01", "--to", "2025-10-31"], /Beginn \(--from\) liegt nach dem Ende/],
    [["report", "--tenant", "usingen", "--from", "2025-10-01", "--to", "2025-10-31", "--area", "Gibt es nicht"], /Bereich „Gibt es nicht“ gibt es nicht. Bereiche: .*Digitales Rathaus/],
    [["report", "--tenant", "usingen", "--from", "2025-10-01", "--to", "2025-10-31", "--bogus"], /Unknown option '--bogus'/],
    [["import", "--tenant", "usingen"], /Protokolldatei/],
    [["import", "--tenant", "usingen", "--prefix", "alt", "x.log"], /--prefix muss mit \/ beginnen/],
    [["rollup"], /usage: rathaus analytics/],
  ];
  for (const [args, message] of cases) {
    const res = await cli(args);
    assert.equal(res.code, 2, args.join(" "));
    assert.equal(res.out, "", `${args.join(" ")}: nothing on stdout`);
    assert.match(res.err, message);
  }
  const missing = await cli(["import", "--tenant", "usingen", join(dir, "fehlt.log")]);
  assert.equal(missing.code, 1);
  assert.match(missing.err, /Das Protokoll kann nicht gelesen werden \(ENOENT\)/);
});
