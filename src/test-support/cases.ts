import assert from "node:assert/strict";
import type { FastifyInstance } from "fastify";
import type { AppContext } from "../platform/context.js";
import type { ManualClock } from "../platform/clock.js";
import { berlinDateTime } from "../platform/clock.js";
import { loadDefinitions } from "../modules/services/definitions.js";
import { caseService, type Case } from "../modules/cases/index.js";
import { ApplicationClient } from "./applications.js";

const definitions = loadDefinitions().definitions;

/**
 * An anonymous application of `serviceId` in Usingen, filled with example answers over HTTP,
 * submitted, and (after running the due jobs) turned into a case. Returns the case, the
 * submission row, the applicant's status page path and the client.
 */
export async function submittedCase(t: { app: FastifyInstance; ctx: AppContext; clock: ManualClock }, serviceId: string) {
  const client = new ApplicationClient(t.app, "usingen");
  await client.start(serviceId);
  await client.fillAll(definitions.find((d) => d.id === serviceId)!, berlinDateTime(t.clock.now()).date);
  await client.submit();
  const confirmation = await client.get(client.location);
  const statusPath = new URL(/<code>(https?:\/\/[^<]+\/antrag\/status\/[^<]+)<\/code>/.exec(confirmation.body)![1]!).pathname;
  await t.ctx.jobs.runDue(100);
  const draftId = /\/antrag\/([^/]+)\/eingang/.exec(client.location)![1]!;
  const submission = await t.ctx.db.kysely.selectFrom("submissions").selectAll().where("draft_id", "=", draftId).executeTakeFirstOrThrow();
  const kase: Case | undefined = await caseService(t.ctx).store.caseOfSubmission(submission.tenant_id, submission.id);
  assert.ok(kase, "the submission became a case");
  return { client, statusPath, kase, submission };
}
