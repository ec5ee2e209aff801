// Baseline for `npm run bench`: the most trivial Fastify 5 server, in its own process.
// Plain JavaScript run by plain `node` (no tsx loader), so nothing but Fastify is measured.
import Fastify from "fastify";

const HTML = "<!doctype html><html lang=\"de\"><head><meta charset=\"utf-8\"><title>Baseline</title></head><body><h1>Baseline</h1><p>Ein kleiner, fester HTML-Text.</p></body></html>";

const app = Fastify({ logger: false });
app.get("/", (_req, reply) => {
  reply.type("text/html; charset=utf-8").send(HTML);
});

const port = Number(process.env.PORT ?? 3001);
await app.listen({ port, host: "127.0.0.1" });
console.log("ready");

const stop = () => {
  app.close().then(() => process.exit(0), () => process.exit(1));
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
