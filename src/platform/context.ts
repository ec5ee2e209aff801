import type { FastifyBaseLogger } from "fastify";
import type { Config } from "../config.js";
import type { Clock } from "./clock.js";
import type { Db } from "./db/index.js";
import type { ModuleManifest } from "./module.js";
import type { JobQueue } from "./jobs/queue.js";
import type { AuditLog } from "./audit/audit.js";
import type { Mailer } from "./mail/mailer.js";
import type { FileStorage } from "./storage/storage.js";
import type { ContentVersions } from "./cache/versions.js";
import type { RenderCache } from "./cache/render-cache.js";
import type { TenantDirectory } from "./tenancy.js";
import type { Secrets } from "./secrets.js";
import type { StaffAccounts } from "./auth/accounts.js";
import type { PageViewSink } from "./page-views.js";

/** Everything a module may use, passed in (not imported), so tests can build the app with their own clock and database. */
export interface AppContext {
  config: Config;
  db: Db;
  clock: Clock;
  log: FastifyBaseLogger;
  modules: ModuleManifest[];
  secrets: Secrets;
  versions: ContentVersions;
  cache: RenderCache;
  jobs: JobQueue;
  audit: AuditLog;
  mail: Mailer;
  storage: FileStorage;
  accounts: StaffAccounts;
  /** provided by the tenants module's init() */
  tenants: TenantDirectory;
  /** provided by the analytics module's init(): counts public page views (never blocks a page) */
  pageViews?: PageViewSink;
}
