import { test } from "node:test";
import assert from "node:assert/strict";
import { base32Decode, base32Encode, groupSecret, hotp, newTotpSecret, otpauthUri, totpAt, totpStep, verifyTotp } from "./totp.js";

// The RFC 6238 appendix B seed for SHA-1: the ASCII string "12345678901234567890".
const RFC_SECRET = base32Encode(Buffer.from("12345678901234567890"));

test("base32 follows RFC 4648 (test vectors, without padding) and reads what people type", () => {
  const vectors: [string, string][] = [["", ""], ["f", "MY"], ["fo", "MZXQ"], ["foo", "MZXW6"], ["foob", "MZXW6YQ"], ["fooba", "MZXW6YTB"], ["foobar", "MZXW6YTBOI"]];
  for (const [plain, encoded] of vectors) {
    assert.equal(base32Encode(Buffer.from(plain)), encoded);
    assert.equal(base32Decode(encoded).toString(), plain);
  }
  assert.equal(base32Decode("mzxw 6ytb oi==").toString(), "foobar");
  assert.throws(() => base32Decode("MZXW1"), /invalid base32/);
  const secret = newTotpSecret();
  assert.match(secret, /^[A-Z2-7]{32}$/, "160 random bits");
  assert.equal(base32Decode(secret).length, 20);
  assert.notEqual(newTotpSecret(), secret);
  assert.equal(groupSecret("ABCDEFGHIJ"), "ABCD EFGH IJ");
});

test("HOTP matches the RFC 4226 appendix D values", () => {
  const expected = ["755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583", "399871", "520489"];
  const key = Buffer.from("12345678901234567890");
  expected.forEach((code, counter) => assert.equal(hotp(key, counter), code, `counter ${counter}`));
});

test("TOTP matches the RFC 6238 appendix B values for SHA-1 (8 digits, and their last 6 as we use them)", () => {
  const vectors: [number, string][] = [
    [59, "94287082"],
    [1111111109, "07081804"],
    [1111111111, "14050471"],
    [1234567890, "89005924"],
    [2000000000, "69279037"],
    [20000000000, "65353130"],
  ];
  for (const [seconds, code] of vectors) {
    assert.equal(totpAt(RFC_SECRET, seconds * 1000, 8), code, `T=${seconds}`);
    assert.equal(totpAt(RFC_SECRET, seconds * 1000), code.slice(2), `T=${seconds}, 6 digits`);
  }
  assert.equal(totpStep(59_000), 1);
  assert.equal(totpStep(new Date(1111111109_000)), 0x23523ec);
});

test("a code is accepted one step early or late (clock drift), not two", () => {
  const now = 1_800_000_015_000;
  const step = totpStep(now);
  assert.equal(verifyTotp(RFC_SECRET, totpAt(RFC_SECRET, now), now), step);
  assert.equal(verifyTotp(RFC_SECRET, totpAt(RFC_SECRET, now - 30_000), now), step - 1);
  assert.equal(verifyTotp(RFC_SECRET, totpAt(RFC_SECRET, now + 30_000), now), step + 1);
  assert.equal(verifyTotp(RFC_SECRET, totpAt(RFC_SECRET, now - 60_000), now), null);
  assert.equal(verifyTotp(RFC_SECRET, totpAt(RFC_SECRET, now + 60_000), now), null);
  assert.equal(verifyTotp(RFC_SECRET, totpAt(RFC_SECRET, now - 60_000), now, { window: 2 }), step - 2);
});

test("replay: a code whose step was used already is refused, a later one is accepted", () => {
  const now = 1_800_000_015_000;
  const step = totpStep(now);
  const code = totpAt(RFC_SECRET, now);
  assert.equal(verifyTotp(RFC_SECRET, code, now, { lastUsedStep: step }), null, "same step again");
  assert.equal(verifyTotp(RFC_SECRET, totpAt(RFC_SECRET, now - 30_000), now, { lastUsedStep: step }), null, "an older step");
  assert.equal(verifyTotp(RFC_SECRET, code, now, { lastUsedStep: step - 1 }), step);
  assert.equal(verifyTotp(RFC_SECRET, totpAt(RFC_SECRET, now + 30_000), now, { lastUsedStep: step }), step + 1, "the next step still works");
});

test("malformed codes are refused; spaces are allowed", () => {
  const now = 1_800_000_015_000;
  const code = totpAt(RFC_SECRET, now);
  assert.equal(verifyTotp(RFC_SECRET, `${code.slice(0, 3)} ${code.slice(3)}`, now), totpStep(now));
  for (const bad of ["", "12345", "1234567", "abcdef", `${code}0`, "12345a"]) assert.equal(verifyTotp(RFC_SECRET, bad, now), null, bad);
});

test("the otpauth URI carries secret, issuer and parameters", () => {
  const uri = otpauthUri("JBSWY3DPEHPK3PXP", "Digitales Rathaus", "anna@usingen.example");
  assert.equal(uri, "otpauth://totp/Digitales%20Rathaus:anna%40usingen.example?secret=JBSWY3DPEHPK3PXP&issuer=Digitales%20Rathaus&algorithm=SHA1&digits=6&period=30");
});
