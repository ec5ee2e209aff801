/**
 * Online applications ("Online-Anträge") in a real browser (Chromium):
 * - axe (WCAG 2.1 A/AA) on every step of every shipped service definition in Usingen, the first
 *   step's error state, a second item of a repeatable group, a step with an uploaded file, the
 *   check page and the confirmation; plus the saved, resume, fillable-PDF (with its error state)
 *   and "Meine Anträge" pages. The answers are posted over HTTP (fetch, sharing the session cookie
 *   with the browser: anonymous, or Erika logged in once through the test Servicekonto); Chromium
 *   loads each page and axe checks it. Violations and badly linked error summaries are collected
 *   and reported together by the last test of that block, so one run shows everything.
 * - End to end as a person does it: anonymous with a photo upload and the receipt PDF; logged in
 *   through the test Servicekonto with prefilled data and "Meine Anträge"; Fundsache with the
 *   keyboard only, where the first answer decides what the later steps ask, and that answer
 *   changed afterwards; Hund anmelden, where the way of payment adds or removes a whole step
 *   (the SEPA mandate).
 * - The error summary: links to field ids, aria-invalid and aria-describedby, focus on the field.
 * Run with `npm run test:e2e` (scripts/run-e2e.mjs starts the server with the demo data);
 * E2E_CONCURRENCY sets how many definitions the axe sweep drives at once.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import type { Browser, BrowserContext, Locator, Page } from "playwright-core";
import { BASE_URL, HttpSession, axeReportQuick, focused, launchBrowser, newContext, open, submitForm, tabUntil, type Focus, type Upload } from "./support.js";
import { loadDefinitions, type FieldDefinition, type ServiceDefinition } from "../../src/modules/services/definitions.js";
import { exampleInput } from "../../src/test-support/form-filler.js";
import { PERSONAS } from "../../src/modules/testidp/personas.js";

const TENANT = "usingen";
const REFERENCE = /^USI-\d{4}-\d{6}$/;
const OIDC = "Anmelden mit Servicekonto Hessen (Testsystem)";
const ERIKA = PERSONAS.find((p) => p.key === "erika")!;
const { definitions } = loadDefinitions();
/** The calendar day in Europe/Berlin, as the server's date rules see it. */
const TODAY = new Intl.DateTimeFormat("sv-SE", { timeZone: "Europe/Berlin" }).format(new Date());
const german = (iso: string) => iso.split("-").reverse().join(".");

const STEP_TIMEOUT = 20_000;
const FLOW_TIMEOUT = 120_000;
/** How many definitions the axe sweep drives at the same time (E2E_CONCURRENCY, default 2; more helps only with more cores). */
const SWEEP_CONCURRENCY = Math.max(1, Number(process.env.E2E_CONCURRENCY ?? 2) || 2);

let browser: Browser;
/** Real files made by Chromium itself (uploads are checked by their content). */
const samples: { jpeg: Buffer; png: Buffer; pdf: Buffer } = { jpeg: Buffer.alloc(0), png: Buffer.alloc(0), pdf: Buffer.alloc(0) };

before(async () => {
  browser = await launchBrowser();
  const context = await newContext(browser);
  try {
    const page = await context.newPage();
    await page.setContent("<!doctype html><html lang='de'><title>Nachweis</title><h1>Nachweis</h1><p>Beispieldokument aus dem Browsertest.</p></html>");
    samples.pdf = await page.pdf({ format: "A4" });
    const image = async (type: string) => {
      const dataUrl = (await page.evaluate(`(() => {
        const c = document.createElement("canvas");
        c.width = 96; c.height = 64;
        const g = c.getContext("2d");
        g.fillStyle = "#2a7a4a"; g.fillRect(0, 0, 96, 64);
        g.fillStyle = "#f5f0e0"; g.fillRect(24, 16, 40, 28);
        return c.toDataURL(${JSON.stringify(type)}, 0.9);
      })()`)) as string;
      return Buffer.from(dataUrl.slice(dataUrl.indexOf(",") + 1), "base64");
    };
    samples.jpeg = await image("image/jpeg");
    samples.png = await image("image/png");
  } finally {
    await context.close();
  }
  assert.ok(samples.jpeg.subarray(0, 3).equals(Buffer.from([0xff, 0xd8, 0xff])), "Chromium did not produce a JPEG");
  assert.equal(samples.pdf.subarray(0, 5).toString("latin1"), "%PDF-");
});
after(async () => {
  await browser?.close();
});

async function withContext<T>(fn: (context: BrowserContext, page: Page) => Promise<T>, cookies: { name: string; value: string; url: string }[] = []): Promise<T> {
  const context = await newContext(browser);
  context.setDefaultTimeout(STEP_TIMEOUT);
  context.setDefaultNavigationTimeout(STEP_TIMEOUT);
  try {
    if (cookies.length) await context.addCookies(cookies);
    return await fn(context, await context.newPage());
  } finally {
    await context.close();
  }
}

const pathOf = (page: Page) => new URL(page.url()).pathname;
const servicePath = (id: string) => `/${TENANT}/dienste/${id}`;

/** The heading and the "Schritt X von Y" caption of a step page. */
async function stepCaption(page: Page): Promise<{ title: string; index: number; count: number }> {
  // CSS, not role queries: this runs on hundreds of pages.
  const [title, caption] = (await Promise.all([page.locator("main h1").textContent(), page.locator("main .step-caption").textContent()])).map((x) => (x ?? "").trim()) as [string, string];
  const m = /Schritt (\d+) von (\d+)$/.exec(caption);
  assert.ok(m, `no “Schritt X von Y” on ${page.url()}: “${caption}”`);
  return { title, index: Number(m[1]), count: Number(m[2]) };
}

async function expectStep(page: Page, title: string, index: number, count: number): Promise<void> {
  assert.match(pathOf(page), /\/schritt\/[^/]+$/, `not on a step page: ${page.url()}`);
  assert.deepEqual(await stepCaption(page), { title, index, count });
}

/** "Weiter" on a step page: the next page after the redirect. */
async function weiter(page: Page, expectedStatus = 200): Promise<void> {
  const res = await submitForm(page, page.getByRole("button", { name: "Weiter", exact: true }));
  if (res.status() !== expectedStatus) {
    const errors = await page.locator(".error-summary a").allTextContents();
    assert.fail(`“Weiter” on ${page.url()} answered ${res.status()} (expected ${expectedStatus})${errors.length ? `: ${errors.join(" | ")}` : ""}`);
  }
}

/** The text of the elements an element's aria-describedby points to. */
async function description(page: Page, element: Locator): Promise<string> {
  const ids = ((await element.getAttribute("aria-describedby")) ?? "").split(/\s+/).filter(Boolean);
  const parts = await Promise.all(ids.map(async (id) => ((await page.locator(`[id="${id}"]`).textContent()) ?? "").trim()));
  return parts.join(" ");
}

/**
 * Checks in the page that every link of the error summary points at an element with that id,
 * that the element's error text is tied to it by aria-describedby (on the field itself, or for a
 * group of radio buttons or checkboxes on its fieldset) and that form fields carry
 * aria-invalid="true". Returns the problems found, and the links.
 */
async function errorSummaryProblems(page: Page): Promise<{ links: { id: string; text: string }[]; problems: string[] }> {
  return (await page.evaluate(`(() => {
    const text = (el) => (el && el.textContent || "").replace(/\\s+/g, " ").trim();
    const described = (el) => (el && el.getAttribute("aria-describedby") || "").split(/\\s+/).filter(Boolean).map((id) => document.getElementById(id)).filter(Boolean);
    const problems = [];
    const links = [...document.querySelectorAll(".error-summary a")].map((a) => {
      const href = a.getAttribute("href") || "";
      const message = text(a);
      if (!href.startsWith("#")) { problems.push("summary link “" + message + "” does not point into the page: " + href); return { id: "", text: message }; }
      const id = decodeURIComponent(href.slice(1));
      const el = document.getElementById(id);
      if (!el) { problems.push("summary link “" + message + "” points to #" + id + ", but no element has this id"); return { id, text: message }; }
      const tag = el.tagName.toLowerCase();
      const type = (el.getAttribute("type") || "").toLowerCase();
      const choice = tag === "input" && (type === "radio" || type === "checkbox");
      const field = (tag === "input" || tag === "select" || tag === "textarea") && !choice;
      const owner = choice ? el.closest("fieldset") : el;
      const where = "<" + tag + (type ? " type=" + type : "") + " id=" + id + ">";
      if (field || choice) {
        if (!described(owner).some((d) => text(d) === message)) problems.push(where + (choice ? " (its fieldset)" : "") + ": aria-describedby does not point to the error text “" + message + "”");
        if (field && el.getAttribute("aria-invalid") !== "true") problems.push(where + ": no aria-invalid=\\"true\\" although “" + message + "”");
      }
      return { id, text: message };
    });
    return { links, problems };
  })()`)) as { links: { id: string; text: string }[]; problems: string[] };
}

/** Starts an application as the service page's start form does; returns the first step's path. */
async function startOverHttp(http: HttpSession, def: ServiceDefinition): Promise<string> {
  const page = await http.get(servicePath(def.id));
  assert.equal(page.status, 200, `${servicePath(def.id)} answered ${page.status}`);
  const form = new RegExp(`<form method="post" action="${servicePath(def.id)}/antrag"[\\s\\S]*?</form>`).exec(page.html)?.[0];
  const csrf = form && /name="_csrf" value="([^"]+)"/.exec(form)?.[1];
  assert.ok(csrf, `${def.id}: no start form with a CSRF token on the service page`);
  const res = await http.postForm(`${servicePath(def.id)}/antrag`, { _csrf: csrf });
  assert.equal(res.status, 303, `${def.id}: starting the application answered ${res.status}`);
  assert.match(res.location, /\/schritt\/[^/]+$/, `${def.id}: the start led to ${res.location}, not to the first step`);
  return res.location;
}

const allFields = (def: ServiceDefinition): FieldDefinition[] => def.steps.flatMap((s) => s.fields.flatMap((f) => [f, ...(f.fields ?? [])]));

/** A real file of a type the field accepts. */
function sampleFor(field: FieldDefinition, input: string): Upload {
  const accept = field.file!.accept;
  if (accept.some((a) => a === "image/jpeg" || a === "image/*")) return { field: input, name: "foto.jpg", type: "image/jpeg", data: samples.jpeg };
  if (accept.includes("image/png")) return { field: input, name: "bild.png", type: "image/png", data: samples.png };
  if (accept.includes("application/pdf")) return { field: input, name: "nachweis.pdf", type: "application/pdf", data: samples.pdf };
  throw new Error(`no sample file for ${accept.join(", ")}`);
}

/** The messages of an error summary in an HTML answer. */
const errorsIn = (html: string) => [...html.matchAll(/<a class="kern-link" href="#([^"]+)">([^<]+)<\/a>/g)].map((m) => `${m[1]}: ${m[2]}`);

// Clears what a step form holds (prefilled answers too), so "Weiter" sends it empty.
const CLEAR_FORM = `(() => {
  for (const el of document.querySelectorAll("form.application-form input, form.application-form textarea, form.application-form select")) {
    if (el.type === "hidden" || el.type === "submit") continue;
    if (el.type === "radio" || el.type === "checkbox") el.checked = false;
    else el.value = "";
  }
})()`;

// ---------------------------------------------------------------------------------------------

describe(`axe: jeder Schritt jedes Online-Antrags (${definitions.length} Dienste, ${TENANT})`, () => {
  const found = { violations: [] as string[], errorSummary: [] as string[], notes: [] as string[], pages: 0, axeMs: 0, started: 0, done: 0 };
  let started = 0;
  let erika: HttpSession;

  async function axe(page: Page, label: string): Promise<void> {
    const t0 = performance.now();
    const report = await axeReportQuick(page);
    found.axeMs += performance.now() - t0;
    found.pages++;
    if (report) found.violations.push(`[${label}] ${report}`);
  }

  async function checkErrorState(page: Page, label: string): Promise<void> {
    await page.locator(".error-summary").waitFor();
    await axe(page, label);
    const { links, problems } = await errorSummaryProblems(page);
    if (links.length === 0) found.errorSummary.push(`[${label}] ${page.url()}: the error summary has no links`);
    for (const p of problems) found.errorSummary.push(`[${label}] ${page.url()}: ${p}`);
  }

  before(async () => {
    started = performance.now();
    // One real login (OpenID Connect through the test Servicekonto); its cookie serves every logged-in definition.
    const cookies = await withContext(async (context, page) => {
      await open(page, `/${TENANT}/anmelden?${new URLSearchParams({ weiter: `/${TENANT}/mein-rathaus/`, niveau: "high" })}`);
      await loginWithServicekonto(page, `/${TENANT}/mein-rathaus/`);
      return context.cookies();
    });
    erika = HttpSession.fromBrowser(cookies);
  });

  async function sweep(def: ServiceDefinition): Promise<void> {
    found.started++;
    const http = def.trustLevel === "none" ? new HttpSession() : HttpSession.fromBrowser([...erika.cookies].map(([name, value]) => ({ name, value })));
    const first = await startOverHttp(http, def);
    await withContext(async (_context, page) => {
      const label = (what: string) => `${def.id}: ${what}`;
      await open(page, first);
      await axe(page, label("Schritt 1"));
      // Path of each step → its "Schritt X von Y", in the order the steps came.
      const captions = new Map<string, [number, number]>();
      const caption = async (path: string) => {
        const { index, count } = await stepCaption(page);
        captions.set(path, [index, count]);
        return index;
      };
      await caption(first);

      // The error state: the first step sent empty (prefilled answers removed) with "Weiter".
      await page.evaluate(CLEAR_FORM);
      const empty = await submitForm(page, page.locator('form.application-form .form-actions button[value="weiter"]'));
      let at = first;
      if (empty.status() === 422) await checkErrorState(page, label("Fehlerzustand Schritt 1"));
      else {
        found.notes.push(`${def.id}: the first step sent empty was accepted (${empty.status()}), so it has no error state`);
        at = pathOf(page);
      }

      let repeatDone = false;
      let uploadDone = false;
      for (let guard = 0; guard < 25 && /\/schritt\//.test(at); guard++) {
        if (pathOf(page) !== at) await open(page, at);
        const seen = captions.has(at);
        const index = await caption(at);
        if (!seen) await axe(page, label(`Schritt ${index}`));
        const stepId = at.slice(at.lastIndexOf("/") + 1);
        const step = def.steps.find((s) => s.id === stepId);
        assert.ok(step, `${def.id}: unknown step ${stepId}`);

        // A repeatable group with a second item (the button posts the form and shows the step again).
        const group = step.fields.find((f) => f.repeat && f.repeat.max > Math.max(1, f.repeat.min));
        if (group && !repeatDone) {
          const res = await submitForm(page, page.getByRole("button", { name: `Weitere Angabe hinzufügen: ${group.repeat!.itemLabel}` }));
          assert.equal(res.status(), 200, `${def.id}: “Weitere Angabe hinzufügen” answered ${res.status()}`);
          await axe(page, label(`Schritt ${index} mit zwei Angaben „${group.repeat!.itemLabel}“`));
          repeatDone = true;
        }

        const form = page.locator("form.application-form");
        const csrf = await form.locator('input[name="_csrf"]').inputValue();
        const { body, files } = exampleInput(def, step.fields, TODAY, "first");
        const uploads = Object.keys(files).map((input) => sampleFor(allFields(def).find((f) => f.id === input.replace(/^.*\]\./, ""))!, input));
        const fields = { _csrf: csrf, ...body, _aktion: "weiter" };
        const res = (await form.getAttribute("enctype")) === "multipart/form-data" ? await http.postMultipart(at, fields, uploads) : await http.postForm(at, fields);
        assert.equal(res.status, 303, `${def.id}: step ${stepId} with example answers → ${res.status}: ${errorsIn(res.html).join(" | ")}`);

        // The step again, now listing the uploaded file with its "entfernen" checkbox.
        if (uploads.length && !uploadDone) {
          await open(page, at);
          await page.getByText("Bereits hochgeladen:").first().waitFor();
          await axe(page, label(`Schritt ${index} mit hochgeladener Datei`));
          uploadDone = true;
        }
        at = res.location;
      }
      assert.match(at, /\/pruefen$/, `${def.id}: the steps did not end on the check page but at ${at}`);
      // Numbered 1…N; the total may change on the way when an answer adds a step (a step-level rule), and is N at the end.
      const counted = [...captions.values()];
      assert.deepEqual(counted.map(([i]) => i), counted.map((_, i) => i + 1), `${def.id}: the captions “Schritt X von Y” do not number the steps 1…${counted.length}`);
      assert.equal(counted.at(-1)?.[1], counted.length, `${def.id}: the last step's caption does not say “von ${counted.length}”`);
      for (const [i, total] of counted) assert.ok(total >= i, `${def.id}: “Schritt ${i} von ${total}”`);

      await open(page, at);
      assert.equal(await page.locator("main h1").textContent(), "Angaben prüfen");
      await axe(page, label("Angaben prüfen"));
      const sent = await submitForm(page, page.locator('form[action$="/absenden"] button[type="submit"]'));
      assert.equal(sent.status(), 200, `${def.id}: submitting answered ${sent.status()} at ${page.url()}`);
      assert.match(page.url(), /\/eingang\?neu=1$/);
      assert.match(((await page.locator(".reference").first().textContent()) ?? "").trim(), REFERENCE);
      await axe(page, label("Eingangsbestätigung"));
    }, http.forBrowser());
    found.done++;
  }

  // Several definitions at once: the server, Chromium and axe share the machine's cores.
  describe("Schritte, Fehlerzustand, Prüfen, Eingangsbestätigung", { concurrency: SWEEP_CONCURRENCY }, () => {
    for (const def of definitions) test(`${def.id} (${def.trustLevel === "none" ? "ohne Anmeldung" : "angemeldet"})`, { timeout: FLOW_TIMEOUT }, () => sweep(def));
  });

  test("gespeichert und mit dem Link fortgesetzt (ohne Anmeldung)", { timeout: FLOW_TIMEOUT }, async () => {
    const def = definitions.find((d) => d.trustLevel === "none")!;
    const http = new HttpSession();
    const first = await startOverHttp(http, def);
    const resumeUrl = await withContext(async (_context, page) => {
      await open(page, first);
      const res = await submitForm(page, page.getByRole("button", { name: "Speichern und später fortsetzen" }));
      assert.equal(res.status(), 200);
      assert.match(pathOf(page), /\/gespeichert$/);
      await page.getByRole("heading", { level: 1, name: "Ihr Antrag ist gespeichert" }).waitFor();
      await axe(page, `${def.id}: Gespeichert`);
      return ((await page.locator(".resume-link code").textContent()) ?? "").trim();
    }, http.forBrowser());
    assert.ok(resumeUrl.startsWith(`${BASE_URL}/${TENANT}/antrag/fortsetzen/`), `no resume link on the saved page: “${resumeUrl}”`);

    // Another browser, without the session: the link alone opens the draft.
    await withContext(async (_context, page) => {
      await open(page, new URL(resumeUrl).pathname);
      await page.getByRole("heading", { level: 1, name: "Antrag fortsetzen" }).waitFor();
      await axe(page, `${def.id}: Antrag fortsetzen`);
      await submitForm(page, page.getByRole("button", { name: "Antrag fortsetzen" }));
      assert.equal(pathOf(page), first, `the resume link led to ${page.url()}, not back to the first step`);
    });
  });

  test("gespeichert (angemeldet) und „Meine Anträge“", { timeout: FLOW_TIMEOUT }, async () => {
    const def = definitions.find((d) => d.trustLevel !== "none")!;
    const http = HttpSession.fromBrowser([...erika.cookies].map(([name, value]) => ({ name, value })));
    const first = await startOverHttp(http, def);
    await withContext(async (_context, page) => {
      await open(page, first);
      await submitForm(page, page.getByRole("button", { name: "Speichern und später fortsetzen" }));
      assert.match(pathOf(page), /\/gespeichert$/);
      await page.getByRole("link", { name: "Mein Rathaus – Meine Anträge" }).waitFor();
      await axe(page, `${def.id}: Gespeichert (angemeldet)`);

      await open(page, `/${TENANT}/mein-rathaus/antraege`);
      await page.getByRole("heading", { level: 1, name: "Meine Anträge" }).waitFor();
      await page.getByRole("button", { name: `Entwurf „${def.title}“ löschen` }).first().waitFor();
      await axe(page, "Meine Anträge");
    }, http.forBrowser());
  });

  test("ausfüllbares PDF: Seite und Fehlerzustand ohne Datei", { timeout: FLOW_TIMEOUT }, async () => {
    for (const def of [definitions.find((d) => d.trustLevel === "none")!, definitions.find((d) => d.trustLevel !== "none")!]) {
      await withContext(async (_context, page) => {
        await open(page, `${servicePath(def.id)}/pdf-formular`);
        await page.getByRole("link", { name: `Formular „${def.title}“ als ausfüllbares PDF herunterladen` }).waitFor();
        await axe(page, `${def.id}: ausfüllbares PDF`);
        const res = await submitForm(page, page.getByRole("button", { name: "PDF hochladen und Angaben übernehmen" }));
        assert.equal(res.status(), 422, `uploading nothing answered ${res.status()}`);
        await checkErrorState(page, `${def.id}: ausfüllbares PDF, Fehlerzustand`);
      });
    }
  });

  test("Ergebnis: keine axe-Verstöße, Fehlerübersicht richtig verknüpft", (t) => {
    if (found.started === 0) return t.skip("no definition was checked in this run (--test-name-pattern)");
    const seconds = (performance.now() - started) / 1000;
    const summary = `${found.done} of ${found.started} definitions completed, ${found.pages} pages checked with axe in ${seconds.toFixed(1)} s (axe itself ${(found.axeMs / 1000).toFixed(1)} s, ${(found.axeMs / Math.max(1, found.pages)).toFixed(0)} ms a page)`;
    console.log(`# ${summary}`);
    t.diagnostic(summary);
    for (const n of found.notes) t.diagnostic(n);
    const problems = [
      ...(found.violations.length ? [`${found.violations.length} pages with axe violations:`, ...found.violations] : []),
      ...(found.errorSummary.length ? [`${found.errorSummary.length} error summary problems:`, ...found.errorSummary.map((p) => `  - ${p}`)] : []),
    ];
    assert.equal(found.done, found.started, `only ${found.done} of ${found.started} definitions went through (see the failed tests above)`);
    if (problems.length) assert.fail(problems.join("\n"));
  });
});

/** On the login chooser: the test Servicekonto (OpenID Connect), persona Erika, back at `target`. */
async function loginWithServicekonto(page: Page, target: string): Promise<void> {
  await page.getByRole("button", { name: OIDC }).click();
  await page.waitForURL((u) => u.pathname.startsWith("/idp/"), { waitUntil: "load" });
  await page.getByRole("radio", { name: new RegExp(`^${ERIKA.label}`) }).check();
  await page.getByRole("button", { name: "Anmelden", exact: true }).click();
  await page.waitForURL((u) => u.pathname === target, { waitUntil: "load" }).catch((err: Error) => {
    throw new Error(`the login did not return to ${target} but to ${page.url()}: ${err.message.split("\n")[0]}`);
  });
}

// ---------------------------------------------------------------------------------------------

/** Presses a key that sends a form or follows a link; returns the final answer after redirects, once that page has loaded. */
async function pressAndLoad(page: Page, key: string): Promise<import("playwright-core").Response> {
  // waitForNavigation (not waitForResponse): an answer at the same URL (422 after a POST) must be committed too.
  const [res] = await Promise.all([page.waitForNavigation({ waitUntil: "load" }), page.keyboard.press(key)]);
  assert.ok(res, `pressing ${key} on ${page.url()} did not load a page`);
  return res;
}

/** After a page load: the first Tab reaches the skip link, Enter puts the focus into the main content. */
async function skipToContent(page: Page): Promise<void> {
  await page.keyboard.press("Tab");
  const skip = await focused(page);
  assert.equal(skip.text, "Zum Inhalt springen", `the first Tab on ${page.url()} reached “${skip.text}”, not the skip link`);
  await page.keyboard.press("Enter");
  assert.equal((await focused(page)).id, "inhalt", "the skip link did not move the focus to main#inhalt");
}

/** Tab once; the focus must land on the element with this id. */
async function tabTo(page: Page, id: string): Promise<void> {
  await page.keyboard.press("Tab");
  const f = await focused(page);
  assert.equal(f.id, id, `Tab on ${page.url()} moved the focus to <${f.tag} id="${f.id}"> ${f.text.slice(0, 40)}, expected #${id}`);
}

const isWeiter = (f: Focus) => f.tag === "button" && f.text === "Weiter";

const FUNDSACHE = "fundsache-melden";
const SUBMIT = "Antrag verbindlich absenden";
const isSubmit = (f: Focus) => f.tag === "button" && f.text === SUBMIT;

/** Fundsache, step 1 with the keyboard from the error state: "gefunden", "Schlüssel", a description; on to step 2. */
async function fundsacheStep1(page: Page): Promise<void> {
  await page.keyboard.press("ArrowDown");
  const f = await focused(page);
  assert.ok(f.id === "meldungsart-2" && f.checked && f.value === "gefunden", `ArrowDown did not choose “gefunden”: ${JSON.stringify(f)}`);
  await tabTo(page, "kategorie");
  await page.keyboard.type("Schl");
  assert.equal((await focused(page)).value, "schluessel", "typing “Schl” on the select did not choose “Schlüssel”");
  await tabTo(page, "beschreibung");
  await page.keyboard.type("Schlüsselbund mit drei Schlüsseln und einem roten Anhänger.");
  // The optional fields, in order (the frame number is asked only for bicycles: shown with its condition).
  for (const id of ["rahmennummer", "wert", "foto"]) await tabTo(page, id);
  await page.keyboard.press("Tab");
  assert.ok(isWeiter(await focused(page)), "after the last field Tab does not reach “Weiter”");
  assert.equal((await pressAndLoad(page, "Enter")).status(), 200);
}

/** Fundsache, the keyboard way to the check page after "gefunden": found today, no finder's rights, anonymous. */
async function fundsacheFoundSteps(page: Page): Promise<void> {
  await expectStep(page, "Ort und Zeit", 2, 3);
  const counts = await Promise.all(["#fundDatum", "#verbleib", "#verlustDatum", "#verlustOrt"].map((sel) => page.locator(sel).count()));
  assert.deepEqual(counts, [1, 1, 0, 0], "step 2 after “gefunden” must ask about the find, not about a loss");
  await skipToContent(page);
  await tabTo(page, "fundDatum");
  await page.keyboard.type(german(TODAY));
  await tabTo(page, "fundOrt");
  await page.keyboard.type("An der Bushaltestelle am Marktplatz, auf der Bank.");
  await tabTo(page, "fundInBehoerde");
  await page.keyboard.press("ArrowDown");
  let f = await focused(page);
  assert.ok(f.id === "fundInBehoerde-2" && f.checked, `ArrowDown did not choose “Nein”: ${JSON.stringify(f)}`);
  await tabTo(page, "verbleib");
  await page.keyboard.press("Space");
  assert.ok((await focused(page)).checked, "Space did not choose the first option of “Wo ist die Fundsache jetzt?”");
  await tabTo(page, "finderrechte");
  await page.keyboard.press("ArrowDown");
  f = await focused(page);
  assert.ok(f.id === "finderrechte-2" && f.checked, "ArrowDown did not choose “Nein” for the finder's rights");
  await tabUntil(page, isWeiter, "“Weiter”", 3);
  assert.equal((await pressAndLoad(page, "Enter")).status(), 200);

  // "Found, no finder's rights" adds the question whether to stay anonymous.
  await expectStep(page, "Kontakt", 3, 3);
  assert.equal(await page.locator("#anonym").count(), 1, "“Möchten Sie den Fund anonym melden?” is not asked after “gefunden” without finder's rights");
  await skipToContent(page);
  await tabTo(page, "anonym");
  await page.keyboard.press("Space");
  assert.ok((await focused(page)).checked, "Space did not choose “Ja” for “anonym”");
  await tabUntil(page, (x) => x.id === "richtigkeit", "the declaration", 15);
  await page.keyboard.press("Space");
  assert.ok((await focused(page)).checked, "Space did not tick the declaration");
  await tabUntil(page, isWeiter, "“Weiter”", 3);
  assert.equal((await pressAndLoad(page, "Enter")).status(), 200);
  assert.match(pathOf(page), /\/pruefen$/, `after the last step: ${page.url()}`);
}

/** Starts Fundsache from its service page with the keyboard; sends step 1 empty; returns on the error state. */
async function fundsacheStartWithError(page: Page): Promise<{ href: string; message: string }[]> {
  await open(page, servicePath(FUNDSACHE));
  await tabUntil(page, (f) => f.tag === "button" && f.text.startsWith("Antrag „Fundsache melden"), "the start button", 30);
  await pressAndLoad(page, "Enter");
  await expectStep(page, "Was möchten Sie melden?", 1, 3);
  await tabUntil(page, isWeiter, "“Weiter”", 30);
  assert.equal((await pressAndLoad(page, "Enter")).status(), 422, "“Weiter” with nothing filled in was accepted");
  assert.match(await page.title(), /^Fehler: /, "the page title does not start with “Fehler:”");
  return page.locator(".error-summary a").evaluateAll((as) => as.map((a) => ({ href: a.getAttribute("href") ?? "", message: (a.textContent ?? "").trim() })));
}

/** The label/value rows of the check page. */
async function checkRows(page: Page): Promise<{ label: string; value: string }[]> {
  return page.locator(".check-section .kern-description-list-item").evaluateAll((items) =>
    items.map((i) => ({ label: (i.querySelector("dt")?.textContent ?? "").trim(), value: (i.querySelector("dd")?.textContent ?? "").trim() })));
}

describe("Ende zu Ende im Browser", () => {
  test("Fundsache melden nur mit der Tastatur: Fehlerübersicht, Fokus, Folgefragen je nach Antwort, Absenden", { timeout: FLOW_TIMEOUT }, () =>
    withContext(async (_context, page) => {
      const errors = await fundsacheStartWithError(page);
      assert.deepEqual(errors.map((e) => e.href), ["#meldungsart", "#kategorie", "#beschreibung"]);

      // From the top of the page the error summary comes before any form field; its link moves the focus to the field.
      const first = errors[0]!;
      const reached = await tabUntil(page, (f) => f.text === first.message || ["input", "select", "textarea"].includes(f.tag), "the error summary", 30);
      assert.equal(reached.tag, "a", `Tab reached the form field #${reached.id} before the error summary`);
      await page.keyboard.press("Enter");
      await page.waitForURL((u) => u.hash === first.href);
      assert.equal(`#${(await focused(page)).id}`, first.href, `the summary link ${first.href} did not move the focus to its field`);

      await fundsacheStep1(page);
      await fundsacheFoundSteps(page);
      assert.deepEqual((await checkRows(page)).find((r) => r.label === "Möchten Sie den Fund anonym melden?")?.value, "Ja");

      await tabUntil(page, isSubmit, `“${SUBMIT}”`, 60);
      assert.equal((await pressAndLoad(page, "Enter")).status(), 200);
      assert.match(page.url(), /\/eingang\?neu=1$/);
      await page.getByRole("heading", { level: 1, name: "Ihr Antrag ist eingegangen" }).waitFor();
      assert.match(((await page.locator(".reference").textContent()) ?? "").trim(), REFERENCE);
    }),
  );

  test("Fundsache, Antwort geändert („gefunden“ → „verloren“): die Folgeschritte fragen neu, die Prüfseite zeigt keine alten Antworten (nur Tastatur)", { timeout: FLOW_TIMEOUT }, (t) =>
    withContext(async (_context, page) => {
      // Note: no shipped definition has a step-level rule (step "visibleIf"), so no answer adds or
      // removes a whole step; here an answer of step 1 decides what steps 2 and 3 ask.
      const problems: string[] = [];
      const problem = (p: string) => {
        if (!problems.includes(p)) problems.push(p);
      };
      const errors = await fundsacheStartWithError(page);
      await tabUntil(page, (f) => f.text === errors[0]!.message, "the first link of the error summary", 30);
      await page.keyboard.press("Enter");
      await page.waitForURL((u) => u.hash === errors[0]!.href);
      await fundsacheStep1(page);
      await fundsacheFoundSteps(page);

      // "Angaben ändern" for step 1, then "verloren" instead of "gefunden".
      await tabUntil(page, (x) => x.tag === "a" && x.text === "Angaben ändern: Was möchten Sie melden?", "“Angaben ändern” of step 1", 40);
      assert.equal((await pressAndLoad(page, "Enter")).status(), 200);
      await expectStep(page, "Was möchten Sie melden?", 1, 3);
      await skipToContent(page);
      await page.keyboard.press("Tab");
      let f = await focused(page);
      assert.ok(f.id === "meldungsart-2" && f.checked, `Tab into the radio group did not land on the chosen answer “gefunden”: ${JSON.stringify(f)}`);
      await page.keyboard.press("ArrowUp");
      f = await focused(page);
      assert.ok(f.id === "meldungsart" && f.checked && f.value === "verloren", `ArrowUp did not choose “verloren”: ${JSON.stringify(f)}`);
      await tabUntil(page, isWeiter, "“Weiter”", 10);
      assert.equal((await pressAndLoad(page, "Enter")).status(), 200);

      // Follow the application wherever it leads, as a person would, until it is submitted.
      const visited: string[] = [];
      const staleLabels = ["Wann haben Sie die Sache gefunden?", "Wo genau haben Sie die Sache gefunden?", "Wo ist die Fundsache jetzt?", "Möchten Sie den Fund anonym melden?"];
      for (let guard = 0; guard < 8 && !/\/eingang$/.test(pathOf(page)); guard++) {
        const where = /\/pruefen$|\/absenden$/.test(pathOf(page)) && (await page.locator("main h1").textContent()) === "Angaben prüfen" ? "Angaben prüfen" : (await stepCaption(page)).title;
        visited.push(`${where}${(await page.locator(".error-summary").count()) ? " (mit Fehlern)" : ""}`);
        if (where === "Angaben prüfen") {
          if (visited.length === 1) problem("after changing step 1 to “verloren”, “Weiter” led to the check page, although step 2 “Ort und Zeit” now lacks its required answers (Wann/Wo verloren) and step 3 no longer applies as answered");
          const stale = (await checkRows(page)).filter((r) => staleLabels.includes(r.label));
          if (stale.length) problem(`the check page (visit ${visited.filter((v) => v === "Angaben prüfen").length}) shows answers to questions that no longer apply after “verloren”: ${stale.map((r) => `„${r.label}“ = ${r.value}`).join("; ")}`);
          await tabUntil(page, isSubmit, `“${SUBMIT}”`, 60);
          await pressAndLoad(page, "Enter");
        } else if (where === "Ort und Zeit") {
          assert.deepEqual(await Promise.all(["#verlustDatum", "#verlustOrt", "#fundDatum", "#verbleib"].map((sel) => page.locator(sel).count())), [1, 1, 0, 0], "step 2 after “verloren” must ask about the loss");
          // The note for finds in offices and buses belongs to "fundInBehoerde", which a loss report does not ask.
          if (await page.getByText("Sachen, die in Räumen einer Behörde").count()) problem("step 2 “Ort und Zeit” after “verloren” shows the info „Bitte dort abgeben“ (Sachen, die in Räumen einer Behörde … gefunden werden …), whose rule reads “fundInBehoerde”, a question this branch does not ask; info fields with a rule on their own step are shown without the condition that other fields get");
          await skipToContent(page);
          await tabUntil(page, (x) => x.id === "verlustDatum", "“Wann … verloren?”", 10);
          await page.keyboard.type(german(TODAY));
          await tabTo(page, "verlustOrt");
          await page.keyboard.type("Im Bus der Linie 50 zwischen Bahnhof und Marktplatz.");
          await tabUntil(page, isWeiter, "“Weiter”", 3);
          await pressAndLoad(page, "Enter");
        } else if (where === "Kontakt") {
          assert.equal(await page.locator("#anonym").count(), 0, "after “verloren” the anonymous report is no longer possible");
          // A field the page says is wrong because it is empty must not be labelled "optional".
          for (const id of ["vorname", "nachname", "email"]) {
            const error = await page.locator(`[id="${id}-fehler"]`).count();
            const label = ((await page.locator(`label[for="${id}"]`).textContent()) ?? "").trim();
            if (error && /optional/.test(label)) problem(`step 3 “Kontakt” shows the error “Bitte füllen Sie das Feld … aus” for #${id} while its label says „${label.replace(/\s+/g, " ")}“ (required is decided with the stale answer “anonym: Ja”)`);
          }
          await skipToContent(page);
          await tabUntil(page, (x) => x.id === "vorname", "“Vorname(n)” (after the error summary)", 8);
          await page.keyboard.type("Erika");
          await tabTo(page, "nachname");
          await page.keyboard.type("Mustermann");
          await tabUntil(page, (x) => x.id === "email", "“E-Mail-Adresse”", 6);
          await page.keyboard.type("erika.mustermann@example.org");
          const declaration = await tabUntil(page, (x) => x.id === "richtigkeit", "the declaration", 5);
          if (!declaration.checked) await page.keyboard.press("Space");
          await tabUntil(page, isWeiter, "“Weiter”", 3);
          await pressAndLoad(page, "Enter");
        } else {
          assert.fail(`unexpected page “${where}” at ${page.url()}`);
        }
      }
      t.diagnostic(`after the change: ${visited.join(" → ")}`);
      assert.match(page.url(), /\/eingang\?neu=1$/, `not submitted; pages after the change: ${visited.join(" → ")}`);
      assert.match(((await page.locator(".reference").textContent()) ?? "").trim(), REFERENCE);
      if (problems.length) assert.fail([`Changing an answer that later steps depend on (pages after the change: ${visited.join(" → ")}):`, ...problems.map((p) => `  - ${p}`)].join("\n"));
    }),
  );

  test("Wilde Müllablagerung melden ohne Anmeldung, mit Foto: Prüfseite, Aktenzeichen, Eingangsbestätigung als PDF", { timeout: FLOW_TIMEOUT }, (t) =>
    withContext(async (_context, page) => {
      const photo = "ablagerung-waldweg.jpg";
      await open(page, servicePath("wilde-muellablagerung-melden"));
      await submitForm(page, page.getByRole("button", { name: "Antrag „Wilde Müllablagerung melden“ online stellen" }));
      await expectStep(page, "Wo liegt der Abfall?", 1, 3);
      await page.getByLabel("Art des Ortes").selectOption({ label: "Wald oder Waldweg" });
      await page.getByLabel("Genaue Ortsbeschreibung").fill("Waldweg hinter dem Sportplatz, etwa 200 m nach der Schranke, rechts im Graben.");
      await page.getByLabel("Wann haben Sie den Abfall bemerkt?").fill(german(TODAY));
      await weiter(page);

      await expectStep(page, "Was wurde abgeladen?", 2, 3);
      await page.getByRole("group", { name: "Art des Abfalls" }).getByLabel("Sperrmüll, zum Beispiel Möbel oder Matratzen").check();
      await page.getByRole("group", { name: "Art des Abfalls" }).getByLabel("Elektrogeräte").check();
      await page.getByRole("group", { name: "Geschätzte Menge" }).getByLabel(/^Mittel/).check();
      await page.getByLabel("Fotos der Ablagerung").setInputFiles({ name: photo, mimeType: "image/jpeg", buffer: samples.jpeg });
      await page.getByRole("group", { name: "Haben Sie Hinweise auf die Verursacher?" }).getByLabel("Nein", { exact: true }).check();
      await weiter(page);

      await expectStep(page, "Kontakt (freiwillig)", 3, 3);
      await page.getByRole("group", { name: "Möchten Sie eine Rückmeldung erhalten" }).getByLabel("Ja", { exact: true }).check();
      await page.getByLabel("Ihr Name").fill("Erika Mustermann");
      await page.getByLabel("E-Mail-Adresse").fill("erika.mustermann@example.org");
      await page.getByRole("group", { name: "Bestätigung" }).getByRole("checkbox").check();
      await weiter(page);

      assert.match(pathOf(page), /\/pruefen$/);
      await page.getByRole("heading", { level: 1, name: "Angaben prüfen" }).waitFor();
      const rows = await checkRows(page);
      assert.match(rows.find((r) => r.label === "Fotos der Ablagerung")?.value ?? "", new RegExp(photo.replace(/\./g, "\\.")), `the check page does not list the photo: ${JSON.stringify(rows)}`);
      assert.equal(rows.find((r) => r.label === "Art des Abfalls")?.value, "Sperrmüll, zum Beispiel Möbel oder Matratzen, Elektrogeräte");
      const sent = await submitForm(page, page.getByRole("button", { name: SUBMIT }));
      assert.equal(sent.status(), 200);
      assert.match(page.url(), /\/eingang\?neu=1$/);
      await page.getByRole("heading", { level: 1, name: "Ihr Antrag ist eingegangen" }).waitFor();
      const reference = ((await page.locator(".reference").textContent()) ?? "").trim();
      assert.match(reference, REFERENCE);
      const attached = page.locator(".kern-description-list-item").filter({ has: page.locator("dt", { hasText: "Beigefügte Dateien" }) }).locator("dd");
      assert.match((await attached.textContent()) ?? "", new RegExp(`^${photo.replace(/\./g, "\\.")} \\(`));

      // The receipt PDF is made by a job: reload until the link is there (a few seconds at most).
      const link = page.getByRole("link", { name: "Eingangsbestätigung als PDF herunterladen" });
      const waitStarted = Date.now();
      while (!(await link.count())) {
        assert.ok(Date.now() - waitStarted < 15_000, `no receipt link after ${Date.now() - waitStarted} ms on ${page.url()}`);
        await page.waitForTimeout(250);
        await page.reload({ waitUntil: "load" });
      }
      t.diagnostic(`receipt ready after ${Date.now() - waitStarted} ms`);
      const [download] = await Promise.all([page.waitForEvent("download"), link.click()]);
      assert.equal(download.suggestedFilename(), `Eingangsbestaetigung-${reference}.pdf`);
      const pdf = await readFile((await download.path())!);
      assert.equal(pdf.subarray(0, 5).toString("latin1"), "%PDF-", "the receipt is no PDF");
      assert.ok(pdf.length > 1000, `the receipt is suspiciously small: ${pdf.length} bytes`);
    }),
  );

  test("Meldebescheinigung mit Servicekonto (Erika): Anmeldung im Browser, übernommene Angaben, Absenden, „Meine Anträge“", { timeout: FLOW_TIMEOUT }, () =>
    withContext(async (_context, page) => {
      const def = definitions.find((d) => d.id === "meldebescheinigung")!;
      await open(page, servicePath(def.id));
      await submitForm(page, page.getByRole("button", { name: `Antrag „${def.title}“ online stellen` }));
      assert.equal(pathOf(page), `/${TENANT}/anmelden`, `starting without a login did not lead to the login page: ${page.url()}`);
      assert.equal(new URL(page.url()).searchParams.get("niveau"), def.trustLevel);
      await loginWithServicekonto(page, `${servicePath(def.id)}/antrag`);
      await page.getByText(`Sie sind als ${ERIKA.givenName} ${ERIKA.surname} angemeldet`).waitFor();
      await submitForm(page, page.getByRole("button", { name: "Antrag beginnen" }));

      await expectStep(page, "Angaben zur Person", 1, 3);
      const fromAccount = "Aus Ihrem Servicekonto übernommen";
      const prefilled: [string, string][] = [["Vorname(n)", ERIKA.givenName], ["Familienname", ERIKA.surname], ["Geburtsdatum", german(ERIKA.birthDate!)]];
      for (const [label, value] of prefilled) {
        const input = page.getByLabel(label, { exact: true });
        assert.equal(await input.inputValue(), value, `„${label}“ is not prefilled with Erika's data`);
        assert.match(await description(page, input), new RegExp(fromAccount), `„${label}“ is not marked “${fromAccount}”`);
      }
      const address = page.getByRole("group", { name: "Anschrift, unter der Sie gemeldet sind" });
      assert.deepEqual(
        await Promise.all(["Straße und Hausnummer", "Postleitzahl", "Ort"].map((l) => address.getByLabel(l, { exact: true }).inputValue())),
        [ERIKA.address.street, ERIKA.address.postalCode, ERIKA.address.city],
        "the address is not prefilled with Erika's address",
      );
      assert.match(await description(page, address), new RegExp(fromAccount), `the address is not marked “${fromAccount}”`);
      await weiter(page);

      await expectStep(page, "Art der Bescheinigung", 2, 3);
      await page.getByRole("group", { name: "Welche Bescheinigung brauchen Sie?" }).getByLabel("Einfache Meldebescheinigung (8,00 Euro)").check();
      await page.getByLabel("Wofür brauchen Sie die Bescheinigung?").selectOption({ label: "Vorlage bei einer Behörde" });
      await page.getByRole("group", { name: "Beantragen Sie die Bescheinigung für eine andere Person Ihres Haushalts?" }).getByLabel("Nein", { exact: true }).check();
      await weiter(page);

      await expectStep(page, "Zustellung", 3, 3);
      await page.getByRole("group", { name: "Wie möchten Sie die Bescheinigung erhalten?" }).getByLabel("Als PDF in mein Postfach in „Mein Rathaus“").check();
      await page.getByLabel("Ich versichere, dass meine Angaben richtig und vollständig sind.").check();
      await weiter(page);

      assert.match(pathOf(page), /\/pruefen$/);
      const rows = await checkRows(page);
      const row = (label: string) => rows.find((r) => r.label === label)?.value;
      assert.equal(row("Vorname(n)"), ERIKA.givenName);
      assert.equal(row("Familienname"), ERIKA.surname);
      assert.equal(row("Anschrift, unter der Sie gemeldet sind"), `${ERIKA.address.street}, ${ERIKA.address.postalCode} ${ERIKA.address.city}`);
      assert.equal(row("Welche Bescheinigung brauchen Sie?"), "Einfache Meldebescheinigung (8,00 Euro)");
      await submitForm(page, page.getByRole("button", { name: SUBMIT }));
      assert.match(page.url(), /\/eingang\?neu=1$/);
      const reference = ((await page.locator(".reference").textContent()) ?? "").trim();
      assert.match(reference, REFERENCE);

      await page.getByRole("link", { name: "Mein Rathaus – Meine Anträge" }).click();
      await page.waitForURL((u) => u.pathname === `/${TENANT}/mein-rathaus/antraege`, { waitUntil: "load" });
      const mine = page.getByRole("table", { name: "Ihre abgesendeten Anträge" }).getByRole("row").filter({ hasText: reference });
      assert.equal(await mine.count(), 1, `“Meine Anträge” does not list ${reference}`);
      assert.deepEqual((await mine.getByRole("cell").allTextContents()).map((c) => c.trim()).filter((_, i) => i !== 2), [def.title, reference, "Eingegangen"]);
      await mine.getByRole("link", { name: def.title }).click();
      await page.waitForURL((u) => /\/eingang$/.test(u.pathname), { waitUntil: "load" });
      await page.getByText(`Aktenzeichen: ${reference}`).waitFor();
    }),
  );

  test("Hund anmelden mit Servicekonto: die Zahlweise „Lastschrift“ fügt den Schritt „SEPA-Lastschriftmandat“ hinzu, „Überweisung“ nimmt ihn wieder heraus", { timeout: FLOW_TIMEOUT }, () =>
    withContext(async (_context, page) => {
      const def = definitions.find((d) => d.id === "hund-anmelden")!;
      const sepa = def.steps.find((s) => s.id === "lastschrift")!;
      assert.ok(sepa.visibleIf, "the SEPA step has a step-level rule");
      await open(page, servicePath(def.id));
      await submitForm(page, page.getByRole("button", { name: `Antrag „${def.title}“ online stellen` }));
      await loginWithServicekonto(page, `${servicePath(def.id)}/antrag`);
      await submitForm(page, page.getByRole("button", { name: "Antrag beginnen" }));
      /** Types and ticks a step's example answers into the page, by the inputs' names, as a user would. */
      const fill = async (stepId: string, choice: "first" | "last") => {
        const step = def.steps.find((s) => s.id === stepId)!;
        const { body } = exampleInput(def, step.fields, TODAY, choice);
        for (const [name, value] of Object.entries(body)) {
          const inputs = page.locator(`[name="${name}"]`);
          const kind = await inputs.first().evaluate((el) => (el.tagName === "SELECT" ? "select" : (el as HTMLInputElement).type));
          if (kind === "select") await inputs.first().selectOption(String(value));
          else if (kind === "radio" || kind === "checkbox") for (const v of Array.isArray(value) ? value : [value]) await page.locator(`[name="${name}"][value="${v}"]`).check();
          else await inputs.first().fill(String(value));
        }
      };
      await expectStep(page, def.steps[0]!.title, 1, 4);
      await fill("halter", "first");
      await weiter(page);
      await expectStep(page, def.steps[1]!.title, 2, 4);
      await fill("hunde", "last"); // not a dangerous dog: no permits to upload
      await weiter(page);
      await expectStep(page, def.steps[2]!.title, 3, 4);
      await fill("steuer", "last"); // no reduction (no proof to upload) …
      await page.locator('[name="zahlweise"][value="lastschrift"]').check(); // … paid by direct debit
      assert.equal(await page.locator('[name="zahlweise"]:checked').getAttribute("value"), "lastschrift");
      await weiter(page);
      // The rule adds a step: now five.
      await expectStep(page, sepa.title, 4, 5);
      await fill("lastschrift", "first");
      await weiter(page);
      await expectStep(page, def.steps.at(-1)!.title, 5, 5);
      // Back to the tax step, pay by transfer: the SEPA step is gone again.
      await page.goto(new URL(page.url().replace(/schritt\/[^/]+$/, "schritt/steuer")).href);
      await page.locator('[name="zahlweise"][value="ueberweisung"]').check();
      await weiter(page);
      await expectStep(page, def.steps.at(-1)!.title, 4, 4);
      await fill("abschluss", "first");
      await weiter(page);
      assert.match(pathOf(page), /\/pruefen$/);
      assert.equal(await page.getByRole("heading", { name: sepa.title }).count(), 0, "the check page has no SEPA section");
      assert.equal(await page.getByText("IBAN", { exact: true }).count(), 0, "no IBAN from the removed step");
      await submitForm(page, page.getByRole("button", { name: SUBMIT }));
      assert.match(page.url(), /\/eingang\?neu=1$/);
      assert.match(((await page.locator(".reference").textContent()) ?? "").trim(), REFERENCE);
    }),
  );

  test("Fehlerübersicht: Links auf die Feld-ids, aria-invalid und aria-describedby an den Feldern, Fokus auf das Feld", { timeout: FLOW_TIMEOUT }, () =>
    withContext(async (_context, page) => {
      for (const id of ["wilde-muellablagerung-melden", FUNDSACHE]) {
        await open(page, servicePath(id));
        await submitForm(page, page.locator(`form[action="${servicePath(id)}/antrag"] button`));
        const res = await submitForm(page, page.getByRole("button", { name: "Weiter", exact: true }));
        assert.equal(res.status(), 422);
        const summary = page.getByRole("alert").filter({ has: page.getByRole("heading", { name: "Bitte prüfen Sie Ihre Angaben" }) });
        await summary.waitFor();
        const { links, problems } = await errorSummaryProblems(page);
        assert.ok(links.length >= 3, `${id}: expected an error per required field of step 1, got ${JSON.stringify(links)}`);
        assert.deepEqual(problems, [], `${id}: the error summary and its fields are not tied together`);
        for (const l of links) {
          const field = page.locator(`[id="${l.id}"]`);
          const tag = await field.evaluate((el) => el.tagName.toLowerCase());
          const choice = ["radio", "checkbox"].includes((await field.getAttribute("type")) ?? "");
          if (!choice) {
            assert.equal(await field.getAttribute("aria-invalid"), "true", `${id}: #${l.id} has no aria-invalid`);
            assert.match(await description(page, field), new RegExp(l.text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")), `${id}: #${l.id} is not described by its error`);
          }
          await summary.getByRole("link", { name: l.text }).click();
          await page.waitForURL((u) => u.hash === `#${l.id}`);
          assert.equal((await focused(page)).id, l.id, `${id}: the summary link to #${l.id} (${tag}) did not move the focus there`);
        }
      }
    }),
  );
});
