import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes, timingSafeEqual } from "node:crypto";
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

  /**
   * AES-256-GCM under a key derived (HKDF) for `purpose`, for small values kept at rest (TOTP
   * secrets). Binding the purpose to the row (e.g. "totp:<account id>") stops a copied value
   * from working elsewhere. Changing SECRET_KEY makes earlier values unreadable.
   */
  encrypt(purpose: string, plaintext: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv("aes-256-gcm", this.encryptionKey(purpose), iv);
    const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
    return `v1.${iv.toString("base64url")}.${body.toString("base64url")}.${cipher.getAuthTag().toString("base64url")}`;
  }

  /** Throws when the value was changed, belongs to another purpose or another key. */
  decrypt(purpose: string, box: string): string {
    const [version, iv, body, tag] = box.split(".");
    if (version !== "v1" || !iv || body === undefined || !tag) throw new Error("not an encrypted value");
    const decipher = createDecipheriv("aes-256-gcm", this.encryptionKey(purpose), Buffer.from(iv, "base64url"), { authTagLength: 16 });
    decipher.setAuthTag(Buffer.from(tag, "base64url"));
    return Buffer.concat([decipher.update(Buffer.from(body, "base64url")), decipher.final()]).toString("utf8");
  }

  private encryptionKey(purpose: string): Buffer {
    return Buffer.from(hkdfSync("sha256", this.key, "rathaus-encryption", purpose, 32));
  }
}
