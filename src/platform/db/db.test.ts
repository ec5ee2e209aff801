import { test } from "node:test";
import assert from "node:assert/strict";
import { createTestDatabase } from "../../test-support/db.js";
import { migrate, pendingMigrations } from "./migrate.js";
import { migrationSets } from "../../app.js";

test("migrations apply once, in order, and a second run applies nothing", async () => {
  const { db, dispose } = await createTestDatabase();
  try {
    const sets = migrationSets();
    const all = sets.flatMap((s) => s.migrations.map((m) => `${s.owner}/${m.name}`));
    assert.deepEqual(await pendingMigrations(db, sets), all);
    assert.deepEqual(await migrate(db, sets), all);
    assert.deepEqual(await migrate(db, sets), []);
    assert.deepEqual(await pendingMigrations(db, sets), []);
  } finally {
    await dispose();
  }
});

test("both databases return instants as ISO strings and counts as numbers", async () => {
  const { db, dispose } = await createTestDatabase();
  try {
    await migrate(db, migrationSets());
    await db.kysely.insertInto("rate_limits").values({ bucket: "b", count: 1, expires_at: "2026-11-27T10:00:00.000Z" }).execute();
    const row = await db.kysely.selectFrom("rate_limits").selectAll().executeTakeFirstOrThrow();
    assert.equal(row.expires_at, "2026-11-27T10:00:00.000Z");
    const n = await db.kysely.selectFrom("rate_limits").select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow();
    assert.equal(n.n, 1);
    // Comparing an instant column with an ISO string works on both.
    const later = await db.kysely.selectFrom("rate_limits").select("bucket").where("expires_at", "<", "2026-11-27T10:00:01.000Z").execute();
    assert.equal(later.length, 1);
  } finally {
    await dispose();
  }
});

test("a failing transaction leaves nothing behind", async () => {
  const { db, dispose } = await createTestDatabase();
  try {
    await migrate(db, migrationSets());
    await assert.rejects(
      db.tx(async (trx) => {
        await trx.insertInto("rate_limits").values({ bucket: "half", count: 1, expires_at: "2026-11-27T10:00:00.000Z" }).execute();
        throw new Error("boom");
      }),
      /boom/,
    );
    assert.equal((await db.kysely.selectFrom("rate_limits").selectAll().execute()).length, 0);
  } finally {
    await dispose();
  }
});

test("using db.kysely inside a transaction is an error, not a silent deadlock", async () => {
  const { db, dispose } = await createTestDatabase();
  try {
    await migrate(db, migrationSets());
    await assert.rejects(
      db.tx(async () => {
        await db.kysely.selectFrom("rate_limits").selectAll().execute();
      }),
      /use the transaction passed to the callback/,
    );
    // Afterwards, and from work that outlives the callback, db.kysely works again.
    let late: Promise<unknown> | undefined;
    await db.tx(async () => {
      late = new Promise((resolve) => setTimeout(() => resolve(db.kysely.selectFrom("rate_limits").selectAll().execute()), 10));
    });
    assert.deepEqual(await late, []);
  } finally {
    await dispose();
  }
});

test("locked() serialises concurrent holders of the same name", async () => {
  const { db, dispose } = await createTestDatabase();
  try {
    await migrate(db, migrationSets());
    const events: string[] = [];
    await Promise.all(
      [1, 2, 3].map((i) =>
        db.locked("test-lock", async (trx) => {
          events.push(`start${i}`);
          await trx.selectFrom("rate_limits").selectAll().execute();
          await new Promise((r) => setTimeout(r, 20));
          events.push(`end${i}`);
        }),
      ),
    );
    for (let i = 0; i < events.length; i += 2) assert.equal(events[i]!.replace("start", ""), events[i + 1]!.replace("end", ""), `no interleaving: ${events.join(",")}`);
  } finally {
    await dispose();
  }
});
