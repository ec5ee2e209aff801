import { test } from "node:test";
import assert from "node:assert/strict";
import { createTestDatabase } from "../test-support/db.js";
import { migrate } from "./db/migrate.js";
import { migrationSets } from "../app.js";
import { Secrets } from "./secrets.js";

test("encrypt/decrypt: AES-256-GCM bound to its purpose and key; tampering is detected", async () => {
  const database = await createTestDatabase();
  try {
    await migrate(database.db, migrationSets());
    const secrets = await Secrets.load(database.db, "a-configured-key-for-this-test");
    const box = secrets.encrypt("totp:account-1", "JBSWY3DPEHPK3PXP");
    assert.match(box, /^v1\.[\w-]+\.[\w-]+\.[\w-]+$/);
    assert.ok(!box.includes("JBSWY3DPEHPK3PXP"));
    assert.notEqual(secrets.encrypt("totp:account-1", "JBSWY3DPEHPK3PXP"), box, "a fresh IV each time");
    assert.equal(secrets.decrypt("totp:account-1", box), "JBSWY3DPEHPK3PXP");
    assert.throws(() => secrets.decrypt("totp:account-2", box), "another purpose (another account) cannot read it");
    const [v, iv, body, tag] = box.split(".");
    const flipped = Buffer.from(body!, "base64url");
    flipped[0] = flipped[0]! ^ 1;
    assert.throws(() => secrets.decrypt("totp:account-1", [v, iv, flipped.toString("base64url"), tag].join(".")));
    assert.throws(() => secrets.decrypt("totp:account-1", [v, iv, body, tag!.slice(0, 8)].join(".")), "a shortened tag is refused");
    const other = await Secrets.load(database.db, "another-key");
    assert.throws(() => other.decrypt("totp:account-1", box));
    assert.throws(() => secrets.decrypt("totp:account-1", "plain text"));
  } finally {
    await database.dispose();
  }
});
