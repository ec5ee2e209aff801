/**
 * The IdP's peers: service providers known by their metadata (handed over by the identity
 * module, or fetched from this installation's BASE_URL), and the HTTP-Redirect binding by
 * which their signed requests arrive.
 */
import { verify as verifySignature, X509Certificate } from "node:crypto";
import { inflateRawSync } from "node:zlib";
import samlify from "samlify";
import type { AppContext } from "../../platform/context.js";
import { RSA_SHA256, SamlRequestError, wallClock } from "./saml-idp.js";

const SIGNATURE_ALGORITHMS: Record<string, string> = {
  [RSA_SHA256]: "sha256",
  "http://www.w3.org/2001/04/xmldsig-more#rsa-sha512": "sha512",
};
const SP_METADATA_TTL_MS = 60 * 1000;
const MAX_MESSAGE_BYTES = 256 * 1024;

/** Supplies an SP's metadata XML by entity id, or undefined to fall back to fetching it. */
export type SpMetadataSource = (entityId: string) => Promise<string | undefined>;

const sources = new WeakMap<AppContext, SpMetadataSource>();

/** Lets the identity module hand over its SP metadata directly instead of over HTTP. */
export function registerSpMetadataSource(ctx: AppContext, source: SpMetadataSource): void {
  sources.set(ctx, source);
}

interface Endpoint {
  binding: string;
  location: string;
  index?: string;
  isDefault?: string;
}

export interface KnownSp {
  entityId: string;
  entity: samlify.ServiceProviderInstance;
  signingCerts: string[];
  encryptionCert: string | undefined;
  acs: Endpoint[];
  slo: Endpoint[];
  loadedAt: number;
}

const spCaches = new WeakMap<AppContext, Map<string, KnownSp>>();

/**
 * An SP by entity id. Without a registered source, the metadata is fetched from BASE_URL only
 * (`/saml/{slug}/{provider}/metadata`, located from the entity id or the ACS URL): the IdP
 * never fetches from addresses a request names elsewhere.
 */
export async function serviceProvider(ctx: AppContext, entityId: string, acsHint?: string, fresh = false): Promise<KnownSp> {
  let cache = spCaches.get(ctx);
  if (!cache) spCaches.set(ctx, (cache = new Map()));
  const cached = cache.get(entityId);
  if (cached && !fresh && wallClock.now().getTime() - cached.loadedAt < SP_METADATA_TTL_MS) return cached;

  const xml = (await sources.get(ctx)?.(entityId)) ?? (await fetchMetadata(ctx, entityId, acsHint));
  const sp = parseSpMetadata(xml);
  if (sp.entityId !== entityId) throw new SamlRequestError(`the metadata found for "${entityId}" describes "${sp.entityId}"`);
  cache.set(entityId, sp);
  return sp;
}

function metadataUrlFor(base: string, candidates: (string | undefined)[]): string | undefined {
  for (const candidate of candidates) {
    if (!candidate || !candidate.startsWith(`${base}/`)) continue;
    const m = /^\/saml\/([a-z0-9](?:[a-z0-9-]*[a-z0-9])?)\/([a-z0-9](?:[a-z0-9-]*[a-z0-9])?)(?:[/?#]|$)/.exec(candidate.slice(base.length));
    if (m) return `${base}/saml/${m[1]}/${m[2]}/metadata`;
  }
  return undefined;
}

async function fetchMetadata(ctx: AppContext, entityId: string, acsHint: string | undefined): Promise<string> {
  const url = metadataUrlFor(ctx.config.baseUrl, [entityId, acsHint]);
  if (!url) throw new SamlRequestError(`unknown service provider "${entityId}" (only SPs of this installation, /saml/{slug}/{provider}/…, are served)`);
  let res: Response;
  try {
    res = await fetch(url, { redirect: "error", signal: AbortSignal.timeout(5000), headers: { accept: "application/samlmetadata+xml, application/xml" } });
  } catch (err) {
    throw new SamlRequestError(`could not fetch SP metadata from ${url}: ${(err as Error).message}`);
  }
  if (!res.ok) throw new SamlRequestError(`SP metadata at ${url} answered ${res.status}`);
  const text = await res.text();
  if (text.length > MAX_MESSAGE_BYTES) throw new SamlRequestError(`SP metadata at ${url} is too large`);
  return text;
}

export const asArray = <T>(v: T | T[] | null | undefined): T[] => (v === null || v === undefined ? [] : Array.isArray(v) ? v : [v]);

function parseSpMetadata(xml: string): KnownSp {
  let entity: samlify.ServiceProviderInstance;
  try {
    // wantLogoutResponseSigned: our LogoutResponses are always signed
    entity = samlify.ServiceProvider({ metadata: xml, wantLogoutResponseSigned: true });
  } catch (err) {
    throw new SamlRequestError(`SP metadata cannot be read: ${(err as Error).message}`);
  }
  const extracted = samlify.Extractor.extract(xml, [
    { key: "acs", localPath: ["EntityDescriptor", "SPSSODescriptor", "AssertionConsumerService"], attributes: ["Binding", "Location", "index", "isDefault"] },
    { key: "slo", localPath: ["EntityDescriptor", "SPSSODescriptor", "SingleLogoutService"], attributes: ["Binding", "Location"] },
  ]);
  const endpoints = (v: unknown): Endpoint[] =>
    asArray(v as Record<string, string> | Record<string, string>[]).map((e) => ({
      binding: e.binding ?? "",
      location: e.location ?? "",
      ...(e.index !== undefined ? { index: e.index } : {}),
      ...(e.isDefault !== undefined ? { isDefault: e.isDefault } : {}),
    }));
  const meta = entity.entityMeta;
  const clean = (c: string) => c.replace(/\s+/g, "");
  return {
    entityId: meta.getEntityID(),
    entity,
    signingCerts: asArray(meta.getX509Certificate("signing") as string | string[] | null).map(clean),
    encryptionCert: asArray(meta.getX509Certificate("encryption") as string | string[] | null).map(clean)[0],
    acs: endpoints(extracted.acs),
    slo: endpoints(extracted.slo),
    loadedAt: wallClock.now().getTime(),
  };
}

// ---------------------------------------------------------------------------
// HTTP-Redirect binding (SAML bindings 3.4.4.1): the signature covers the query as sent

export interface RedirectMessage {
  xml: string;
  relayState: string | undefined;
  /** undefined when the message is unsigned */
  signature: { octets: string; sigAlg: string; value: Buffer } | undefined;
}

export function readRedirectMessage(rawUrl: string, param: "SAMLRequest"): RedirectMessage {
  const q = rawUrl.indexOf("?");
  const raw = new Map<string, string>();
  for (const part of (q < 0 ? "" : rawUrl.slice(q + 1)).split("&")) {
    const eq = part.indexOf("=");
    if (eq <= 0) continue;
    const name = part.slice(0, eq);
    if (raw.has(name)) throw new SamlRequestError(`parameter ${name} appears twice`);
    raw.set(name, part.slice(eq + 1));
  }
  const message = raw.get(param);
  if (!message) throw new SamlRequestError(`${param} is missing`);
  const decode = (v: string, plusIsSpace = false) => {
    try {
      return decodeURIComponent(plusIsSpace ? v.replace(/\+/g, " ") : v);
    } catch {
      throw new SamlRequestError("a parameter is not properly URL-encoded");
    }
  };
  let xml: string;
  try {
    xml = inflateRawSync(Buffer.from(decode(message), "base64"), { maxOutputLength: MAX_MESSAGE_BYTES }).toString("utf8");
  } catch {
    throw new SamlRequestError(`${param} is not deflated base64`);
  }
  const relay = raw.get("RelayState");
  const sigAlg = raw.get("SigAlg");
  const sig = raw.get("Signature");
  const signature =
    sigAlg !== undefined && sig !== undefined
      ? {
          octets: `${param}=${message}${relay !== undefined ? `&RelayState=${relay}` : ""}&SigAlg=${sigAlg}`,
          sigAlg: decode(sigAlg),
          value: Buffer.from(decode(sig), "base64"),
        }
      : undefined;
  return { xml, relayState: relay !== undefined ? decode(relay, true) : undefined, signature };
}

function signatureValid(sp: KnownSp, signature: NonNullable<RedirectMessage["signature"]>): boolean {
  const algorithm = SIGNATURE_ALGORITHMS[signature.sigAlg];
  if (!algorithm) throw new SamlRequestError(`signature algorithm ${signature.sigAlg} is not accepted (use rsa-sha256)`);
  // every signing certificate of the metadata counts (key rollover)
  return sp.signingCerts.some((cert) => {
    try {
      const publicKey = new X509Certificate(Buffer.from(cert, "base64")).publicKey;
      return verifySignature(algorithm, Buffer.from(signature.octets, "utf8"), publicKey, signature.value);
    } catch {
      return false;
    }
  });
}

/** Checks a redirect-bound message's signature, re-reading the SP's metadata once on failure (new keys). */
export async function verifiedSender(ctx: AppContext, message: RedirectMessage, issuer: string, acsHint?: string): Promise<KnownSp> {
  if (!message.signature) throw new SamlRequestError("the message is not signed (Signature and SigAlg missing)");
  let sp = await serviceProvider(ctx, issuer, acsHint);
  if (signatureValid(sp, message.signature)) return sp;
  sp = await serviceProvider(ctx, issuer, acsHint, true);
  if (signatureValid(sp, message.signature)) return sp;
  throw new SamlRequestError(`the signature does not match any signing certificate in the metadata of "${issuer}"`);
}

/**
 * A structural check of an incoming message: well-formed (samlify's parser refuses malformed XML
 * and entity references), no DTD, the expected root element with Version 2.0. Not an XSD
 * validation: @authenio/samlify-node-xmllint is unfit for a server process (it evaluates a 4 MB
 * emscripten build per call, adds a process-wide uncaughtException listener each time and
 * registers process.exit on the next stdout "drain"). The redirect binding signs the whole
 * message, and fields are read by exact paths, so wrapping tricks have nothing to hide in.
 */
export function checkMessage(xml: string, root: "AuthnRequest" | "LogoutRequest"): void {
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) throw new SamlRequestError("DTDs and entity declarations are not allowed");
  let extracted: ReturnType<typeof samlify.Extractor.extract>;
  try {
    extracted = samlify.Extractor.extract(xml, [{ key: "root", localPath: [root], attributes: ["ID", "Version"] }]);
  } catch {
    throw new SamlRequestError("the message is not well-formed XML");
  }
  const found = extracted.root as Record<string, string> | undefined;
  if (!found?.id) throw new SamlRequestError(`the message is not a ${root}`);
  if (found.version !== "2.0") throw new SamlRequestError(`the ${root} is not SAML 2.0`);
}

export const one = (v: unknown): string | undefined => (typeof v === "string" ? v : Array.isArray(v) && typeof v[0] === "string" ? v[0] : undefined);
