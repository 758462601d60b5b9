#!/usr/bin/env node
// The `ateams` executable. Plain JavaScript, no syntax newer than any Node that can load an ES module, so an old
// Node gets one line saying what to do instead of a stack trace from deep inside the engine.
import { existsSync } from "fs";

var NEEDED = 22;
var found = process.versions.node;
if (Number(found.split(".")[0]) < NEEDED) {
  process.stderr.write(
    "ateams: needs Node.js " + NEEDED + " or newer, found " + found + " (" + process.execPath + "); " +
      "install Node 24 from https://nodejs.org/ (or run `nvm install 24`) and try again\n",
  );
  process.exit(2);
}

// A checkout of the ateams repository runs its TypeScript sources (Node strips the types), so an edit needs no build;
// the package ships only the compiled dist/, which is what runs everywhere else.
var sources = new URL("../engine/cli/bin.ts", import.meta.url);
var compiled = new URL("../dist/cli/bin.js", import.meta.url);
var entry;
if (existsSync(sources) && process.features.typescript) entry = sources;
else if (existsSync(compiled)) {
  entry = compiled;
  // Stack traces then name the TypeScript file and line, which is what an issue report needs.
  process.setSourceMapsEnabled(true);
} else {
  process.stderr.write(
    "ateams: this Node (" + found + ") cannot run the TypeScript sources and dist/ is not built; run `npm run build` " +
      "or use Node 22.18 or newer\n",
  );
  process.exit(2);
}
import(entry.href).catch(function (e) {
  process.stderr.write("ateams: internal error: " + (e && e.stack ? e.stack : String(e)) + "\n");
  process.exitCode = 70;
});
