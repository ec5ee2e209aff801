/**
 * Throughput of complete online applications over HTTP: a logged-in citizen (Erika, through the
 * real OIDC flow of the embedded test IdP) starts a 5-step service, posts every step and submits;
 * receipt PDF, confirmation mail and the back-office event are queued as jobs in the submitting
 * transaction. `concurrency` applicants run at once, each application strictly in sequence, on
 * keep-alive connections. An application counts when its submit answered 303 to the confirmation.
 * Used by `npm run bench` (throughput) and test/durability.test.ts (a killed process loses none).
 */
import { Agent, request } from "node:http";
import { performance } from "node:perf_hooks";
import { loadDefinitions } from "../modules/services/definitions.js";
import { exampleInput } from "./form-filler.js";
import { loginCitizen, cookieOf } from "./citizen-login.js";
import { berlinDateTime } from "../platform/clock.js";

export const APPLICATION_SERVICE = "vorlaeufiger-personalausweis";

export interface ApplicationRun {
  applicationsPerSec: number;
  requestsPerSec: number;
  /** latency of one whole application (7 requests), ms */
  p50Ms: number;
  p99Ms: number;
  completed: number;
  failures: number;
  firstFailure?: string;
}

function post(agent: Agent, base: string, path: string, cookie: string, body: string): Promise<{ status: number; location: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${base}${path}`, { method: "POST", agent, headers: { cookie, "content-type": "application/x-www-form-urlencoded", "content-length": Buffer.byteLength(body), origin: base } }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, location: String(res.headers.location ?? ""), body: Buffer.concat(chunks).toString() }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

const encode = (fields: Record<string, unknown>) => {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(fields)) for (const x of Array.isArray(v) ? v : [v]) p.append(k, String(x));
  return p.toString();
};

export type PreparedApplications = { cookie: string; csrf: string; bodies: Map<string, string>; steps: number };

export async function prepareApplications(base: string): Promise<PreparedApplications> {
  const def = loadDefinitions().definitions.find((d) => d.id === APPLICATION_SERVICE);
  if (!def) throw new Error(`definition ${APPLICATION_SERVICE} missing`);
  if (def.steps.length !== 5) throw new Error(`${APPLICATION_SERVICE} has ${def.steps.length} steps, the benchmark needs 5`);
  const browser = await loginCitizen(base, "usingen", "erika");
  const cookie = cookieOf(browser);
  const start = await browser.get(`/usingen/dienste/${APPLICATION_SERVICE}/antrag`);
  const html = await start.text();
  const csrf = /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
  if (start.status !== 200 || !csrf) throw new Error(`start page answered ${start.status}`);
  const today = berlinDateTime(new Date()).date;
  const bodies = new Map<string, string>();
  for (const step of def.steps) {
    const { body, files } = exampleInput(def, step.fields, today, "first");
    if (Object.keys(files).length) throw new Error(`step ${step.id} uploads files; the benchmark is without uploads`);
    bodies.set(step.id, encode({ _csrf: csrf, ...body, _aktion: "weiter" }));
  }
  return { cookie, csrf, bodies, steps: def.steps.length };
}

/** One application, start to confirmation; returns an error text or undefined. */
async function applyOnce(agent: Agent, base: string, p: PreparedApplications): Promise<{ requests: number; error?: string; confirmation?: string }> {
  let res = await post(agent, base, `/usingen/dienste/${APPLICATION_SERVICE}/antrag`, p.cookie, encode({ _csrf: p.csrf }));
  let requests = 1;
  for (let guard = 0; guard < 10 && /\/schritt\/([^/?]+)$/.test(res.location); guard++) {
    const stepId = /\/schritt\/([^/?]+)$/.exec(res.location)![1]!;
    const path = new URL(res.location, base).pathname;
    res = await post(agent, base, path, p.cookie, p.bodies.get(stepId)!);
    requests++;
    if (res.status !== 303) return { requests, error: `step ${stepId}: ${res.status} ${res.body.slice(0, 200)}` };
  }
  if (!res.location.endsWith("/pruefen")) return { requests, error: `expected the check page, got ${res.status} ${res.location}` };
  res = await post(agent, base, new URL(res.location, base).pathname.replace(/\/pruefen$/, "/absenden"), p.cookie, encode({ _csrf: p.csrf }));
  requests++;
  if (res.status !== 303 || !/\/eingang\?neu=1$/.test(res.location)) return { requests, error: `submit: ${res.status} ${res.location}` };
  return { requests, confirmation: res.location };
}

export async function runApplications(base: string, p: PreparedApplications, seconds: number, concurrency: number, opts: { acknowledged?: string[]; stopOnError?: boolean } = {}): Promise<ApplicationRun> {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const latencies: number[] = [];
  let requests = 0;
  let failures = 0;
  let firstFailure: string | undefined;
  const t0 = performance.now();
  const until = t0 + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < until) {
        const a0 = performance.now();
        const r: { requests: number; error?: string; confirmation?: string } = await applyOnce(agent, base, p).catch((err: Error) => ({ requests: 1, error: err.message }));
        requests += r.requests;
        if (r.error) {
          failures++;
          firstFailure ??= r.error;
          if (opts.stopOnError) return;
        } else {
          latencies.push(performance.now() - a0);
          if (r.confirmation) opts.acknowledged?.push(r.confirmation);
        }
      }
    }),
  );
  const elapsed = (performance.now() - t0) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const pct = (q: number) => (latencies.length ? Math.round(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]! * 10) / 10 : 0);
  return {
    applicationsPerSec: Math.round(latencies.length / elapsed),
    requestsPerSec: Math.round(requests / elapsed),
    p50Ms: pct(0.5),
    p99Ms: pct(0.99),
    completed: latencies.length,
    failures,
    ...(firstFailure ? { firstFailure } : {}),
  };
}
