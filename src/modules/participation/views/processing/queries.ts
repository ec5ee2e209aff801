import type { Db } from "../../../../platform/db/index.js";

/**
 * A query the statement processing needs and the module's store does not offer yet. It belongs in
 * store.ts (ParticipationStore.feedbackProgress); it lives here only while the store is edited by
 * someone else, and is tenant-scoped like every store query.
 */

/** Per weighing: how many of its statements the feedback job has processed (mail sent, or nothing to send). */
export async function feedbackProgress(db: Db, tenantId: string, weighingIds: string[]): Promise<Map<string, { sent: number; total: number }>> {
  const out = new Map<string, { sent: number; total: number }>();
  if (!weighingIds.length) return out;
  const rows = await db.kysely
    .selectFrom("participation_statements")
    .select((eb) => ["weighing_id", eb.fn.countAll().as("total"), eb.fn.count("feedback_sent_at").as("sent")])
    .where("tenant_id", "=", tenantId)
    .where("weighing_id", "in", weighingIds)
    .groupBy("weighing_id")
    .execute();
  for (const r of rows) if (r.weighing_id) out.set(r.weighing_id, { sent: Number(r.sent), total: Number(r.total) });
  return out;
}
