import { X509Certificate, createPrivateKey, createPublicKey } from "node:crypto";
import selfsigned from "selfsigned";
import type { Db } from "../../../platform/db/index.js";
// The platform_secrets table is declared (schema augmentation) and created by the platform.
import type {} from "../../../platform/secrets.js";

/** The installation's SAML service-provider keys: one pair for signing requests, one for receiving encrypted assertions. */
export interface SpKeys {
  signingKeyPem: string;
  signingCertPem: string;
  encryptionKeyPem: string;
  encryptionCertPem: string;
}

export const SP_SIGNING_SECRET = "saml-sp-signing";
export const SP_ENCRYPTION_SECRET = "saml-sp-encryption";
export const SP_CERT_COMMON_NAME = "Digitales Rathaus SAML SP";

interface StoredKeyPair {
  keyPem: string;
  certPem: string;
}

/**
 * Loads the SP keys, generating each pair once per installation (RSA 2048, self-signed,
 * valid for 10 years). Safe when several processes start at once: each inserts its own
 * candidate with "on conflict do nothing" and then reads back the one that won, so every
 * process uses the same keys. The keys are published through the SP metadata; replacing them
 * means deleting the rows and re-registering the metadata with every IdP.
 */
export async function loadSpKeys(db: Db): Promise<SpKeys> {
  const signing = await loadOrCreatePair(db, SP_SIGNING_SECRET, "signing");
  const encryption = await loadOrCreatePair(db, SP_ENCRYPTION_SECRET, "encryption");
  return {
    signingKeyPem: signing.keyPem,
    signingCertPem: signing.certPem,
    encryptionKeyPem: encryption.keyPem,
    encryptionCertPem: encryption.certPem,
  };
}

/** Fresh keys without storing them (tests, tooling). */
export function generateSpKeys(): SpKeys {
  const signing = generatePair("signing");
  const encryption = generatePair("encryption");
  return { signingKeyPem: signing.keyPem, signingCertPem: signing.certPem, encryptionKeyPem: encryption.keyPem, encryptionCertPem: encryption.certPem };
}

async function readPair(db: Db, name: string): Promise<StoredKeyPair | undefined> {
  const row = await db.kysely.selectFrom("platform_secrets").select("value").where("name", "=", name).executeTakeFirst();
  return row ? parsePair(name, row.value) : undefined;
}

async function loadOrCreatePair(db: Db, name: string, use: "signing" | "encryption"): Promise<StoredKeyPair> {
  const existing = await readPair(db, name);
  if (existing) return existing;
  const candidate = generatePair(use);
  await db.kysely
    .insertInto("platform_secrets")
    .values({ name, value: JSON.stringify(candidate) })
    .onConflict((oc) => oc.column("name").doNothing())
    .execute();
  const stored = await readPair(db, name);
  if (!stored) throw new Error(`SAML SP key ${name} could not be stored`);
  return stored;
}

/** A stored pair must be complete and match; a damaged row is an operator's problem, never silently replaced. */
function parsePair(name: string, value: string): StoredKeyPair {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw new Error(`platform secret ${name} is not valid JSON`);
  }
  const p = parsed as Partial<StoredKeyPair> | null;
  if (!p || typeof p.keyPem !== "string" || typeof p.certPem !== "string") throw new Error(`platform secret ${name} lacks keyPem/certPem`);
  const fromKey = createPublicKey(createPrivateKey(p.keyPem)).export({ type: "spki", format: "der" });
  const fromCert = new X509Certificate(p.certPem).publicKey.export({ type: "spki", format: "der" });
  if (!fromKey.equals(fromCert)) throw new Error(`platform secret ${name}: key and certificate do not match`);
  return { keyPem: p.keyPem, certPem: p.certPem };
}

function generatePair(use: "signing" | "encryption"): StoredKeyPair {
  const now = new Date();
  const tenYears = new Date(now);
  tenYears.setUTCFullYear(now.getUTCFullYear() + 10);
  const days = Math.round((tenYears.getTime() - now.getTime()) / 86_400_000);
  const generated = selfsigned.generate([{ name: "commonName", value: SP_CERT_COMMON_NAME }], {
    keySize: 2048,
    days,
    algorithm: "sha256",
    extensions: [
      { name: "basicConstraints", cA: false },
      use === "signing" ? { name: "keyUsage", digitalSignature: true } : { name: "keyUsage", keyEncipherment: true, dataEncipherment: true },
    ],
  });
  return { keyPem: normalisePem(generated.private), certPem: normalisePem(generated.cert) };
}

function normalisePem(pem: string): string {
  return `${pem.replace(/\r\n?/g, "\n").trim()}\n`;
}
