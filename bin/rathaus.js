#!/usr/bin/env node
// The `rathaus` command. Runs the compiled CLI; builds it first when dist/ is missing.
import { existsSync } from "node:fs";
import { execSync } from "node:child_process";
import { fileURLToPath, pathToFileURL } from "node:url";
import { dirname, join } from "node:path";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const cli = join(root, "dist", "cli.js");
if (!existsSync(cli)) {
  execSync("npm run build --silent", { cwd: root, stdio: "inherit" });
}
await import(pathToFileURL(cli).href);
