// Inputs a spec fuzzer found to make validation quadratic (minutes for a file under the 1 MB limit): thousands of
// errors in one file, a long list checked across files, a line of 100,000 syntax errors. Each must validate in
// time linear in its size, print a bounded report and count every error.
//
// Time is CPU time of this process (the machine is shared, so wall time says more about the neighbours), bounded by
// 1 s or, on a machine slow enough that merely parsing plain YAML of the same size takes longer, by three times that
// parse: the quadratic paths took 10–60 s here.
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { LineCounter, parseAllDocuments } from "yaml";
import { clearParseCache } from "../../engine/agency/load-agency.ts";
import { REPO_ROOT, tempAgency } from "../support/agency-fixture.ts";
import { runCli } from "../support/run-cli.ts";

const WRITER = "agency/roles/writer.yaml";
let t: Awaited<ReturnType<typeof tempAgency>>;

beforeAll(async () => {
  // Warm: the schemas compile and the modules load once per process, whatever the input.
  const warm = await tempAgency(join(REPO_ROOT, "agency"));
  await runCli(["validate", "--agency", "agency"], { cwd: warm.root });
  await warm.cleanup();
});
beforeEach(async () => {
  t = await tempAgency(join(REPO_ROOT, "agency"));
  clearParseCache();
});
afterEach(() => t.cleanup());

async function timedValidate(): Promise<{ code: number; stderr: string; cpuMs: number; budgetMs: number }> {
  // The machine's speed: parsing plain YAML of the same size (distinct keys, no errors) with the YAML library.
  const size = (await readFile(join(t.root, WRITER))).length;
  let plain = "";
  for (let i = 0; plain.length < size; i++) plain += `key${i}: value\n`;
  const before = process.cpuUsage();
  parseAllDocuments(plain, { lineCounter: new LineCounter(), uniqueKeys: false });
  const parse = process.cpuUsage(before);
  const start = process.cpuUsage();
  const r = await runCli(["validate", "--agency", "agency"], { cwd: t.root });
  const used = process.cpuUsage(start);
  const ms = (u: NodeJS.CpuUsage) => (u.user + u.system) / 1000;
  return { code: r.code, stderr: r.stderr, cpuMs: ms(used), budgetMs: Math.max(1000, 3 * ms(parse)) };
}

describe("validation time is linear in the input", () => {
  it("30,000 unknown keys in one role (291 KB): 50 located errors, one line counting the rest", { timeout: 20_000 }, async () => {
    const file = join(t.root, WRITER);
    let extra = "";
    for (let i = 0; i < 30_000; i++) extra += `k${i}: 1\n`;
    await writeFile(file, (await readFile(file, "utf8")) + extra);
    const r = await timedValidate();
    expect(r.cpuMs, `validate took ${r.cpuMs.toFixed(0)} ms of CPU`).toBeLessThan(r.budgetMs);
    expect(r.code).toBe(1);
    const lines = r.stderr.trimEnd().split("\n");
    expect(lines).toHaveLength(52);
    expect(lines[0]).toMatch(/^agency\/roles\/writer\.yaml:\d+:1: error: unknown property 'k0'/);
    expect(lines[49]).toMatch(/^agency\/roles\/writer\.yaml:\d+:1: error: unknown property 'k49'/);
    expect(lines[50]).toMatch(/^agency\/roles\/writer\.yaml:\d+:1: error: 29950 more errors in this file not shown$/);
    expect(lines[51]).toBe("30000 errors in agency");
  });

  it("a tools list of 60,000 unknown ids: checked with sets, 50 lines shown, not 60,001", { timeout: 20_000 }, async () => {
    const file = join(t.root, WRITER);
    const role = (await readFile(file, "utf8")).replace(/^tools:\n(?: {2}- .*\n)*/m, "");
    let tools = "tools:\n";
    for (let i = 0; i < 60_000; i++) tools += `  - t${i}\n`;
    await writeFile(file, role + tools);
    const r = await timedValidate();
    expect(r.cpuMs, `validate took ${r.cpuMs.toFixed(0)} ms of CPU`).toBeLessThan(r.budgetMs);
    expect(r.code).toBe(1);
    const lines = r.stderr.trimEnd().split("\n");
    expect(lines).toHaveLength(52);
    expect(lines[0]).toMatch(/^agency\/roles\/writer\.yaml:\d+:5: error: unknown tool 't0'$/);
    expect(lines[50]).toMatch(/: error: 59950 more errors in this file not shown$/);
    expect(lines[51]).toBe("60000 errors in agency");
  });

  it("60,000 tool ids whose first two are equal: the duplicate is found by hashing, not by comparing every pair", { timeout: 20_000 }, async () => {
    const file = join(t.root, WRITER);
    const role = (await readFile(file, "utf8")).replace(/^tools:\n(?: {2}- .*\n)*/m, "");
    let tools = "tools:\n  - repo-search\n";
    for (let i = 1; i < 60_000; i++) tools += `  - ${i === 1 ? "repo-search" : `t${i}`}\n`;
    await writeFile(file, role + tools);
    const r = await timedValidate();
    expect(r.cpuMs, `validate took ${r.cpuMs.toFixed(0)} ms of CPU`).toBeLessThan(r.budgetMs);
    expect(r.code).toBe(1);
    const repeatLine = role.split("\n").length + 2; // "tools:" follows the role's last line; item 1 is the second under it
    expect(r.stderr).toBe(`${WRITER}:${repeatLine}:5: error: tools has a duplicate item (items 0 and 1 are equal)\n1 error in agency\n`);
  });

  it("100,000 `}` on one line: five located syntax errors and a count", { timeout: 20_000 }, async () => {
    await writeFile(join(t.root, WRITER), `${"}".repeat(100_000)}\n`);
    const r = await timedValidate();
    expect(r.cpuMs, `validate took ${r.cpuMs.toFixed(0)} ms of CPU`).toBeLessThan(r.budgetMs);
    expect(r.code).toBe(1);
    const lines = r.stderr.trimEnd().split("\n");
    expect(lines.slice(0, 5).map((l) => l.split(": error: ")[0])).toEqual([1, 2, 3, 4, 5].map((c) => `${WRITER}:1:${c}`));
    expect(lines[5]).toBe(`${WRITER}:1:5: error: 99995 more syntax errors not shown`);
    expect(lines[6]).toBe("100000 errors in agency");
  });

  it("30,000 keys repeated in one mapping: duplicates found through an index, each located", { timeout: 20_000 }, async () => {
    const file = join(t.root, WRITER);
    let extra = "";
    for (let i = 0; i < 30_000; i++) extra += `name: n${i}\n`;
    await writeFile(file, (await readFile(file, "utf8")) + extra);
    const r = await timedValidate();
    expect(r.cpuMs, `validate took ${r.cpuMs.toFixed(0)} ms of CPU`).toBeLessThan(r.budgetMs);
    expect(r.code).toBe(1);
    const nameLine = (await readFile(file, "utf8")).split("\n").findIndex((l, i) => i > 2 && l.startsWith("name: n0")) + 1;
    expect(r.stderr).toContain(`${WRITER}:${nameLine}:1: error: Map keys must be unique\n`);
    expect(r.stderr).toContain("30000 errors in agency\n");
  });
});
