import { resolve } from "node:path";
import { parseClamdAddress } from "./platform/storage/virus-scan.js";

/** Typed configuration from the environment, validated once at start (see README, "Konfiguration"). */
export interface Config {
  port: number;
  host: string;
  /** undefined = SQLite file in dataDir */
  databaseUrl: string | undefined;
  dataDir: string;
  /** absolute base for links in feeds, e-mails and APIs; never taken from the Host header */
  baseUrl: string;
  logLevel: string;
  /** demo data, demo admin, demo outbox, embedded test identity provider */
  demo: boolean;
  /** secret for CSRF tokens and signatures; generated and kept in the database when unset */
  secretKey: string | undefined;
  /** POST requests per client and minute; benchmarks raise it */
  rateLimitPerMinute: number;
  smtpUrl: string | undefined;
  mailFrom: string;
  /** run the job worker and scheduler in this process */
  runJobs: boolean;
  /** how often the audit chain head is written outside the database (ms) */
  auditHeadIntervalMs: number;
  /** the embedded test identity provider (Servicekonto simulator): on in demo mode, off otherwise unless TEST_IDP=true */
  testIdp: boolean;
  /** Secure cookies, HSTS */
  https: boolean;
  trustProxy: boolean;
  /** ClamAV daemon that scans uploads: unix socket path or tcp://host:port; undefined = no virus scan */
  clamd: string | undefined;
  /** days an anonymous application draft is kept before it is deleted (ANONYMOUS_DRAFT_DAYS, default 30) */
  anonymousDraftDays: number;
  /**
   * how much demo content the seeds create (DEMO_SIZE): "full" (default; e.g. 40+ council meetings
   * and 200+ papers per town) or "small" (a few of each: the test suite's apps)
   */
  demoSize: "full" | "small";
  /**
   * FEDIVERSE_ALLOW_PRIVATE_ADDRESS (default false): let the Fediverse part fetch from and deliver
   * to loopback and private addresses, and accept http:// Mastodon servers — for tests with two
   * instances on 127.0.0.1. Off in production: a remote server could otherwise make ours request
   * internal addresses (SSRF).
   */
  fediverseAllowPrivateAddress: boolean;
  /** count public page views for the usage statistics (ANALYTICS_COUNTING, default on) */
  analyticsCounting: boolean;
}

export class ConfigError extends Error {}

function int(env: NodeJS.ProcessEnv, name: string, fallback: number, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw new ConfigError(`${name} must be an integer between ${min} and ${max}, got "${raw}"`);
  return n;
}

function bool(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  if (/^(1|true|yes|on)$/i.test(raw)) return true;
  if (/^(0|false|no|off)$/i.test(raw)) return false;
  throw new ConfigError(`${name} must be true or false, got "${raw}"`);
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const port = int(env, "PORT", 3000, 0, 65535);
  const databaseUrl = env.DATABASE_URL || undefined;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new ConfigError(`DATABASE_URL must start with postgres:// (unset it to use the embedded SQLite database)`);
  }
  const baseUrl = (env.BASE_URL || `http://localhost:${port}`).replace(/\/+$/, "");
  try {
    const u = new URL(baseUrl);
    if (u.protocol !== "http:" && u.protocol !== "https:") throw new Error();
  } catch {
    throw new ConfigError(`BASE_URL must be an absolute http(s) URL, got "${env.BASE_URL}"`);
  }
  const https = baseUrl.startsWith("https://");
  const demo = bool(env, "DEMO", env.NODE_ENV !== "production");
  const clamd = env.CLAMD || undefined;
  if (clamd && !parseClamdAddress(clamd)) {
    throw new ConfigError(`CLAMD must be a unix socket path (e.g. /run/clamav/clamd.ctl) or tcp://host:port, got "${clamd}"`);
  }
  const demoSize = env.DEMO_SIZE || "full";
  if (demoSize !== "full" && demoSize !== "small") throw new ConfigError(`DEMO_SIZE must be "full" or "small", got "${demoSize}"`);
  return {
    demoSize,
    fediverseAllowPrivateAddress: bool(env, "FEDIVERSE_ALLOW_PRIVATE_ADDRESS", false),
    analyticsCounting: bool(env, "ANALYTICS_COUNTING", true),
    port,
    host: env.HOST || "0.0.0.0",
    databaseUrl,
    dataDir: resolve(env.DATA_DIR || "./data"),
    baseUrl,
    logLevel: env.LOG_LEVEL || "info",
    demo,
    secretKey: env.SECRET_KEY || undefined,
    rateLimitPerMinute: int(env, "RATE_LIMIT_PER_MINUTE", 60, 1),
    smtpUrl: env.SMTP_URL || undefined,
    mailFrom: env.MAIL_FROM || "Digitales Rathaus <no-reply@localhost>",
    runJobs: bool(env, "RUN_JOBS", true),
    auditHeadIntervalMs: int(env, "AUDIT_HEAD_INTERVAL_MS", 60_000, 100),
    testIdp: bool(env, "TEST_IDP", demo),
    https,
    anonymousDraftDays: int(env, "ANONYMOUS_DRAFT_DAYS", 30, 1, 365),
    trustProxy: bool(env, "TRUST_PROXY", false),
    clamd,
  };
}
