// Imports may only point down (or sideways within a rank). Every room under engine/ is ranked here, so a new room
// fails this test until someone decides where it sits.
//  0 secrets: leaf utility, imports nothing of ours.
//  1 agency: the agency model (types, loading, validation); depends only on leaf utilities.
//  2 pure rooms: commands parser, prompts, plan, status helpers, rewrite, metrics (records, sums, the report), memory
//    (entries, ranking, selection); peers
//    (plan reads status, status names plan types).
//  3 adapters to the outside: llm, forge, github, tools, vector-index (embeddings and Chroma rankers).
//  4 agents: one model call with its checks, over llm and tools.
//  5 run: the loop that drives agents, forge and the plan.
//  6 shells: intake, publish, github-mode, cli, engine/index.ts.
import { readdirSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { expect, it } from "vitest";
import { importsOf, tsFiles } from "./imports.ts";

const RANK: Record<string, number> = {
  secrets: 0,
  agency: 1,
  commands: 2, prompts: 2, plan: 2, status: 2, rewrite: 2, metrics: 2, memory: 2,
  llm: 3, forge: 3, github: 3, tools: 3, "vector-index": 3,
  agents: 4,
  run: 5,
  intake: 6, publish: 6, "github-mode": 6, cli: 6, "index.ts": 6,
};

const root = resolve(__dirname, "../..");
const engine = join(root, "engine");

const room = (p: string): string => relative(engine, p).split("/")[0]!;

it("ranks every room under engine/", () => {
  const rooms = readdirSync(engine).filter((n) => statSync(join(engine, n)).isDirectory() || n.endsWith(".ts"));
  expect(rooms.filter((r) => !(r in RANK))).toEqual([]);
});

/** Every import from one engine module of another: the rooms at both ends, as written, and whether only types. */
function engineImports(): { file: string; from: string; to: string; spec: string; typeOnly: boolean }[] {
  return tsFiles(engine).flatMap((f) =>
    importsOf(f)
      .filter(({ specifier }) => specifier.startsWith(".") && resolve(dirname(f), specifier).startsWith(engine + "/"))
      .map(({ specifier, typeOnly }) => ({ file: relative(root, f), from: room(f), to: room(resolve(dirname(f), specifier)), spec: specifier, typeOnly })),
  );
}

it("has no import that points up a layer", () => {
  const up = engineImports().filter((i) => i.to !== i.from && RANK[i.to]! > RANK[i.from]!);
  expect(up.map((i) => `${i.file} imports ${i.spec} (${i.from} ${RANK[i.from]} -> ${i.to} ${RANK[i.to]})`)).toEqual([]);
});

// Pairs that rank allows but the design does not: the GitHub adapter knows no command language (which events
// concern the agency and what people's commands say is decided above it, in engine/github-mode), tests included.
const FORBIDDEN: ReadonlyArray<readonly [string, string]> = [["github", "commands"]];

it("keeps the forbidden pairs apart: github never imports the command parser", () => {
  const crossings = engineImports().filter((i) => FORBIDDEN.some(([a, b]) => a === i.from && b === i.to));
  expect(crossings.map((i) => `${i.file} imports ${i.spec} (${i.from} -> ${i.to})`)).toEqual([]);
});

it("keeps test support out of the engine: no engine module outside tests imports test/ or bench/", () => {
  // Test-only code lives under test/support, not beside the engine's modules.
  expect(tsFiles(engine).filter((f) => /\/(test-fixtures|testing)\//.test(f)).map((f) => relative(root, f))).toEqual([]);
  const leaks: string[] = [];
  for (const f of tsFiles(engine)) {
    if (f.endsWith(".test.ts")) continue;
    for (const { specifier } of importsOf(f)) {
      const target = specifier.startsWith(".") ? relative(root, resolve(dirname(f), specifier)) : "";
      if (target.startsWith("test/") || target.startsWith("bench/")) leaks.push(`${relative(root, f)} imports ${specifier}`);
    }
  }
  expect(leaks).toEqual([]);
});

it("hands the adapters what they act on: engine/github parses no /command and plans nothing, it only carries their types", () => {
  const calls = engineImports().filter((i) => i.from === "github" && !i.file.endsWith(".test.ts") && !i.typeOnly && ["commands", "plan", "prompts", "status", "rewrite"].includes(i.to));
  expect(calls.map((i) => `${i.file} imports ${i.spec}`)).toEqual([]);
});
