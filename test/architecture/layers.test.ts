// Imports may only point down (or sideways within a rank). Every room under engine/ is ranked here, so a new room
// fails this test until someone decides where it sits.
//  0 secrets: leaf utility, imports nothing of ours.
//  1 agency: the agency model (types, loading, validation); depends only on leaf utilities.
//  2 pure rooms: commands parser, prompts, plan, status helpers, rewrite; peers (plan reads status, status names plan types).
//  3 adapters to the outside: llm, forge, github, tools.
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
  commands: 2, prompts: 2, plan: 2, status: 2, rewrite: 2,
  llm: 3, forge: 3, github: 3, tools: 3,
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

it("has no import that points up a layer", () => {
  const crossings: string[] = [];
  for (const f of tsFiles(engine)) {
    const from = room(f);
    for (const { specifier: spec } of importsOf(f)) {
      if (!spec.startsWith(".")) continue;
      const target = resolve(dirname(f), spec);
      if (!target.startsWith(engine + "/")) continue;
      const to = room(target);
      if (to !== from && RANK[to]! > RANK[from]!) crossings.push(`${relative(root, f)} imports ${spec} (${from} ${RANK[from]} -> ${to} ${RANK[to]})`);
    }
  }
  expect(crossings).toEqual([]);
});

// Pairs that rank allows but the design does not: the GitHub adapter knows no command language (which events
// concern the agency and what people's commands say is decided above it, in engine/github-mode), tests included.
const FORBIDDEN: ReadonlyArray<readonly [string, string]> = [["github", "commands"]];

it("keeps the forbidden pairs apart: github never imports the command parser", () => {
  const crossings: string[] = [];
  for (const f of tsFiles(engine)) {
    const from = room(f);
    for (const { specifier: spec } of importsOf(f)) {
      if (!spec.startsWith(".")) continue;
      const target = resolve(dirname(f), spec);
      if (!target.startsWith(engine + "/")) continue;
      const to = room(target);
      if (FORBIDDEN.some(([a, b]) => a === from && b === to)) crossings.push(`${relative(root, f)} imports ${spec} (${from} -> ${to})`);
    }
  }
  expect(crossings).toEqual([]);
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
  const calls: string[] = [];
  for (const f of tsFiles(join(engine, "github"))) {
    if (f.endsWith(".test.ts")) continue;
    for (const { specifier, typeOnly } of importsOf(f)) {
      const to = specifier.startsWith(".") ? room(resolve(dirname(f), specifier)) : "";
      if (["commands", "plan", "prompts", "status", "rewrite"].includes(to) && !typeOnly) calls.push(`${relative(root, f)} imports ${specifier}`);
    }
  }
  expect(calls).toEqual([]);
});
