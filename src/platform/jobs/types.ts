import type { AppContext } from "../context.js";

export interface JobContext {
  ctx: AppContext;
  jobId: string;
  attempt: number;
  tenantId: string | null;
}

export type JobSchedule =
  /** every N milliseconds, aligned to multiples of N since the epoch */
  | { everyMs: number }
  /** once a day at a Europe/Berlin wall time "HH:MM" */
  | { dailyAt: string };

export interface JobDefinition {
  /** unique job type, "<module>.<what>", e.g. "mail.send", "audit.writeHead" */
  type: string;
  handler(payload: unknown, job: JobContext): Promise<void>;
  /** attempts before the job is marked failed (default 5) */
  maxAttempts?: number;
  /** recurring: the scheduler enqueues exactly one job per slot across all processes */
  schedule?: JobSchedule;
  /** bulk work that may wait: claimed only when no other job is due (e.g. PDF text extraction) */
  background?: boolean;
}
