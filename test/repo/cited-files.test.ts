// Docs and comments that name a file of this repository name one that exists: a reader following a reference
// should never hit a dead end, nor a design note that lives outside the repository. Tests name their temp files.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { expect, it } from "vitest";
import { REPO_ROOT } from "../support/agency-fixture.ts";

const TRACKED = execFileSync("git", ["ls-files", "--cached", "--others", "--exclude-standard"], { cwd: REPO_ROOT, encoding: "utf8" }).split("\n").filter(Boolean);
// Paths from the top of the repository, as docs and comments write them; placeholders (<id>, *, …) are patterns.
const REPO_PATH = /(?<![\w./@-])((?:engine|schemas|templates|test|bench|scripts|bin|\.github|\.ci)\/[\w./-]*[\w-])(?![\w/<*…-])/g;
const DOC_NAME = /(?<![\w./-])([A-Z][A-Z_-]*\.md)\b/g;
// Written by the engine into each project's outputs/, not a document of this repository.
const GENERATED = new Set(["SUMMARY.md"]);

it("every repository path and Markdown document cited in docs and comments exists", () => {
  const sources = TRACKED.filter((f) => existsSync(join(REPO_ROOT, f)) && /\.(md|ts|js|hbs|ya?ml)$/.test(f) && !/^(agency|test\/fixtures)\//.test(f) && !/\.test\.ts$/.test(f));
  const missing: string[] = [];
  for (const file of sources) {
    const text = readFileSync(join(REPO_ROOT, file), "utf8");
    for (const [, path] of text.matchAll(REPO_PATH)) {
      if (!existsSync(join(REPO_ROOT, path!)) && !existsSync(join(REPO_ROOT, path!.replace(/\.js$/, ".ts")))) missing.push(`${file}: ${path}`);
    }
    for (const [, doc] of text.matchAll(DOC_NAME)) {
      if (!GENERATED.has(doc!) && !existsSync(join(REPO_ROOT, dirname(file), doc!)) && !TRACKED.some((t) => t === doc || t.endsWith(`/${doc}`))) missing.push(`${file}: ${doc}`);
    }
  }
  expect(missing).toEqual([]);
});
