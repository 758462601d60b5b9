#!/usr/bin/env node
// The CLI entry that bin/ateams.js (the package's executable) imports once it has checked the Node version.
import { processIO } from "./io.ts";
import { main } from "./main.ts";
import { redact } from "../secrets/redact.ts";

try {
  process.exitCode = await main(process.argv.slice(2), processIO());
} catch (e) {
  process.stderr.write(redact(`ateams: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`));
  process.exitCode = 70;
}
