#!/usr/bin/env node
// The `ateams` executable. Node >= 22.18 runs this TypeScript directly (type stripping).
import { processIO } from "./io.ts";
import { main } from "./main.ts";
import { redact } from "../secrets/redact.ts";

try {
  process.exitCode = await main(process.argv.slice(2), processIO());
} catch (e) {
  process.stderr.write(redact(`ateams: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`));
  process.exitCode = 70;
}
