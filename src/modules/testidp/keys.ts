import { generateKeyPair, randomUUID, X509Certificate } from "node:crypto";
import { promisify } from "node:util";
import selfsigned from "selfsigned";
import type { AppContext } from "../../platform/context.js";

/**
 * The test identity provider's key material: an RSA key with a self-signed certificate for
 * SAML and a JWKS for OIDC. Generated once per installation and kept in `platform_secrets`
 * (like the platform's signing key), so every process signs with the same keys and the
 * service providers' configuration stays valid across restarts.
 */
export interface TestIdpKeys {
  saml: { privateKeyPem: string; certificatePem: string };
  oidcJwks: { keys: Record<string, unknown>[] };
}

const SAML_KEY = "testidp.saml-signing";
const OIDC_KEY = "testidp.oidc-jwks";

const loaded = new WeakMap<AppContext, Promise<TestIdpKeys>>();

export function testIdpKeys(ctx: AppContext): Promise<TestIdpKeys> {
  let keys = loaded.get(ctx);
  if (!keys) {
    keys = loadKeys(ctx);
    loaded.set(ctx, keys);
    // a failure (database down) must not stick: the next request tries again
    keys.catch(() => loaded.delete(ctx));
  }
  return keys;
}

async function loadKeys(ctx: AppContext): Promise<TestIdpKeys> {
  const saml = JSON.parse(await loadOrCreate(ctx, SAML_KEY, createSamlKey)) as TestIdpKeys["saml"];
  const oidcJwks = JSON.parse(await loadOrCreate(ctx, OIDC_KEY, createOidcJwks)) as TestIdpKeys["oidcJwks"];
  return { saml, oidcJwks };
}

/** Generate-once: the first process to insert wins; everyone reads what is stored. */
async function loadOrCreate(ctx: AppContext, name: string, create: () => Promise<string>): Promise<string> {
  const read = () => ctx.db.kysely.selectFrom("platform_secrets").select("value").where("name", "=", name).executeTakeFirst();
  const existing = await read();
  if (existing) return existing.value;
  const candidate = await create();
  await ctx.db.kysely
    .insertInto("platform_secrets")
    .values({ name, value: candidate })
    .onConflict((oc) => oc.column("name").doNothing())
    .execute();
  const row = await read();
  if (!row) throw new Error(`testidp: could not store ${name}`);
  return row.value;
}

async function createSamlKey(): Promise<string> {
  const attrs = [
    { name: "commonName", value: "Servicekonto-Simulator (Testsystem)" },
    { name: "organizationName", value: "Digitales Rathaus" },
    { name: "countryName", value: "DE" },
  ];
  const pems = await new Promise<selfsigned.GenerateResult>((resolve, reject) =>
    selfsigned.generate(
      attrs,
      {
        keySize: 2048,
        days: 3650,
        algorithm: "sha256",
        extensions: [
          { name: "basicConstraints", cA: false },
          { name: "keyUsage", digitalSignature: true, keyEncipherment: true },
        ],
      },
      (err, result) => (err ? reject(err) : resolve(result)),
    ),
  );
  // sanity check: node can read what node-forge wrote
  new X509Certificate(pems.cert);
  return JSON.stringify({ privateKeyPem: pems.private, certificatePem: pems.cert });
}

async function createOidcJwks(): Promise<string> {
  const { privateKey } = await promisify(generateKeyPair)("rsa", { modulusLength: 2048 });
  const jwk = privateKey.export({ format: "jwk" });
  return JSON.stringify({ keys: [{ ...jwk, kid: randomUUID(), alg: "RS256", use: "sig" }] });
}

/** The base64 body of a PEM certificate (what SAML metadata and configurations carry). */
export function certificateBody(pem: string): string {
  return pem.replace(/-----(BEGIN|END) CERTIFICATE-----/g, "").replace(/\s+/g, "");
}
