import { test } from "node:test";
import assert from "node:assert/strict";
import { createServer, type AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";
import { ManualClock } from "../clock.js";
import type { AppContext } from "../context.js";
import { migrate } from "../db/migrate.js";
import { JobQueue, jobMigrations, type Log } from "../jobs/queue.js";
import { createTestDatabase, type TestDatabase } from "../../test-support/db.js";
import { Mailer, InvalidAddressError, isValidAddress, mailJobs, mailMigrations, MAIL_MAX_ATTEMPTS } from "./mailer.js";

const silent: Log = { info: () => undefined, warn: () => undefined, error: () => undefined };

interface Received {
  from: string | undefined;
  to: string[];
  raw: string;
}

async function startSmtp(): Promise<{ url: string; received: Received[]; close(): Promise<void> }> {
  const received: Received[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : undefined,
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString("utf8"),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", () => r()));
  const { port } = srv.address() as AddressInfo;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

async function setup(smtpUrl: string | undefined): Promise<{ t: TestDatabase; clock: ManualClock; jobs: JobQueue; mailer: Mailer }> {
  const t = await createTestDatabase();
  const clock = new ManualClock("2026-11-27T09:00:00.000Z");
  await migrate(t.db, [{ owner: "platform", migrations: [...jobMigrations, ...mailMigrations] }], clock);
  const jobs = new JobQueue({ db: t.db, clock, log: silent, definitions: [], context: () => ({}) as AppContext });
  const mailer = new Mailer({ db: t.db, clock, jobs, smtpUrl, from: "Gemeinde Usingen <noreply@usingen.example>", log: silent });
  jobs.register(mailJobs(mailer));
  return { t, clock, jobs, mailer };
}

const message = {
  tenantId: "t-usingen",
  to: "erika@example.org",
  toName: "Erika Mustermann",
  subject: "Ihr Antrag USI-2026-000123",
  text: "Guten Tag Erika Mustermann,\n\nzu Ihrem Antrag USI-2026-000123 gibt es Neuigkeiten:\nhttps://rathaus.example/usingen/antraege/0190\n",
  reference: "USI-2026-000123",
};

test("send + runDue delivers the mail to a real SMTP server", async () => {
  const smtp = await startSmtp();
  const { t, jobs, mailer } = await setup(smtp.url);
  try {
    const id = await mailer.send(message);
    assert.equal((await mailer.get(id))!.status, "queued");
    const [job] = await jobs.list();
    assert.deepEqual(job!.payload, { mailId: id }, "the job carries the id only");
    assert.equal(job!.maxAttempts, MAIL_MAX_ATTEMPTS);

    assert.equal(await jobs.runDue(), 1);
    assert.equal(smtp.received.length, 1);
    const got = smtp.received[0]!;
    assert.equal(got.from, "noreply@usingen.example");
    assert.deepEqual(got.to, ["erika@example.org"]);
    assert.match(got.raw, /^Subject: Ihr Antrag USI-2026-000123\r?$/m);
    assert.match(got.raw, /USI-2026-000123/);
    assert.match(got.raw, /^To: .*<erika@example\.org>/m);
    const row = (await mailer.get(id))!;
    assert.equal(row.status, "sent");
    assert.ok(row.sentAt);
    assert.equal((await jobs.get(job!.id))!.status, "done");
    assert.equal(await jobs.runDue(), 0);
    assert.equal(smtp.received.length, 1, "sent once");
    assert.doesNotMatch(got.raw, /List-Unsubscribe/i, "only subscribed mails carry unsubscribe headers");
  } finally {
    mailer.close();
    await t.dispose();
    await smtp.close();
  }
});

test("a subscribed mail carries List-Unsubscribe and List-Unsubscribe-Post (RFC 8058); a bad URL is refused", async () => {
  const smtp = await startSmtp();
  const { t, jobs, mailer } = await setup(smtp.url);
  try {
    await mailer.send({ ...message, unsubscribeUrl: "https://usingen.example/usingen/rat/benachrichtigungen/abmelden/abc" });
    assert.equal(await jobs.runDue(), 1);
    const raw = smtp.received[0]!.raw.replace(/\r?\n[ \t]+/g, " "); // unfold header lines (RFC 5322)
    assert.match(raw, /^List-Unsubscribe: <https:\/\/usingen\.example\/usingen\/rat\/benachrichtigungen\/abmelden\/abc>\r?$/m);
    assert.match(raw, /^List-Unsubscribe-Post: List-Unsubscribe=One-Click\r?$/m);
    await assert.rejects(mailer.send({ ...message, unsubscribeUrl: "javascript:alert(1)" }), /unsubscribe URL/);
    await assert.rejects(mailer.send({ ...message, unsubscribeUrl: "/relative" }), /unsubscribe URL/);
  } finally {
    mailer.close();
    await t.dispose();
    await smtp.close();
  }
});

test("without an SMTP URL the mail ends in the outbox", async () => {
  const { t, jobs, mailer } = await setup(undefined);
  try {
    const id = await mailer.send(message);
    assert.equal(await jobs.runDue(), 1);
    const row = (await mailer.get(id))!;
    assert.equal(row.status, "outbox");
    const listed = await mailer.list({ tenantId: "t-usingen" });
    assert.equal(listed.length, 1);
    assert.equal(listed[0]!.subject, message.subject);
    assert.equal(listed[0]!.reference, "USI-2026-000123");
    assert.equal((await mailer.list({ tenantId: "t-other" })).length, 0);
  } finally {
    await t.dispose();
  }
});

test("an invalid address throws and stores nothing", async () => {
  const { t, jobs, mailer } = await setup(undefined);
  try {
    for (const to of ["", "erika", "erika@", "@example.org", "erika@example", "a b@example.org", "erika@example.org\r\nBcc: x@y.de", "<erika@example.org>"]) {
      await assert.rejects(() => mailer.send({ ...message, to }), InvalidAddressError, `accepted ${JSON.stringify(to)}`);
    }
    assert.equal((await mailer.list()).length, 0);
    assert.equal((await jobs.list()).length, 0);
    assert.ok(isValidAddress("vorname.nachname+tag@sub.example.de"));
    assert.ok(isValidAddress("info@müller.de"));
  } finally {
    await t.dispose();
  }
});

test("a send inside a rolled-back transaction leaves no mail and no job", async () => {
  const { t, jobs, mailer } = await setup(undefined);
  try {
    await assert.rejects(() =>
      t.db.tx(async (trx) => {
        await mailer.send(message, trx);
        throw new Error("abort");
      }),
    );
    assert.equal((await mailer.list()).length, 0);
    assert.equal((await jobs.list()).length, 0);
    await t.db.tx((trx) => mailer.send(message, trx));
    assert.equal((await mailer.list()).length, 1);
    assert.equal((await jobs.list()).length, 1);
  } finally {
    await t.dispose();
  }
});

test("an unreachable server is retried, and the mail is failed after the last attempt", async () => {
  const { t, clock, jobs, mailer } = await setup(`smtp://127.0.0.1:${await closedPort()}`);
  try {
    const id = await mailer.send(message);
    for (let attempt = 1; attempt <= MAIL_MAX_ATTEMPTS; attempt++) {
      assert.equal(await jobs.runDue(), 1, `attempt ${attempt}`);
      const row = (await mailer.get(id))!;
      assert.equal(row.status, attempt < MAIL_MAX_ATTEMPTS ? "queued" : "failed");
      assert.ok(row.error);
      clock.advance(3_600_000);
    }
    const [job] = await jobs.list();
    assert.equal(job!.status, "failed");
    assert.ok(!job!.lastError!.includes("erika@example.org"));
  } finally {
    mailer.close();
    await t.dispose();
  }
});
