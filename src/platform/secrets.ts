import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { Db } from "./db/index.js";

declare module "./db/schema.js" {
  interface Database {
    platform_secrets: { name: string; value: string };
  }
}

/**
 * The installation's signing key. From SECRET_KEY when set; otherwise generated once and
 * kept in the database, so every process of an installation signs alike.
 */
export class Secrets {
  private constructor(private readonly key: Buffer) {}

  static async load(db: Db, configured: string | undefined): Promise<Secrets> {
    if (configured) return new Secrets(Buffer.from(configured, "utf8"));
    const candidate = randomBytes(32).toString("base64url");
    await db.kysely
      .insertInto("platform_secrets")
      .values({ name: "signing-key", value: candidate })
      .onConflict((oc) => oc.column("name").doNothing())
      .execute();
    const row = await db.kysely.selectFrom("platform_secrets").select("value").where("name", "=", "signing-key").executeTakeFirstOrThrow();
    return new Secrets(Buffer.from(row.value, "utf8"));
  }

  /** HMAC-SHA256 of `purpose` and `message`, base64url. */
  sign(purpose: string, message: string): string {
    return createHmac("sha256", this.key).update(purpose).update("\0").update(message).digest("base64url");
  }

  verify(purpose: string, message: string, signature: string): boolean {
    const expected = Buffer.from(this.sign(purpose, message));
    const given = Buffer.from(signature);
    return expected.length === given.length && timingSafeEqual(expected, given);
  }
}
