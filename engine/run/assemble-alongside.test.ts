// The PM's assembly call goes out while the last merges run (startable.ts), and its result is recorded only once
// they have landed with the outputs it read: a merge that fails leaves it unrecorded (but paid for and cached), a
// merge that brings in more than the stream had makes it assemble again from the merged outputs.
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { parse } from "yaml";
import { afterEach, expect, it } from "vitest";
import { writeRunBenchAgency, type BenchTask } from "../../bench/synthetic-agency.ts";
import { createFakeOpenAIServer, type FakeChatRequest, type FakeOpenAIServer } from "../../test/support/fake-openai-server.ts";
import { gitIn } from "../../test/support/git-repo.ts";
import { scriptedTeam, taskIdOf } from "../../test/support/scripted-team.ts";
import { runAgency, type RunReport } from "./run-agency.ts";

let server: FakeOpenAIServer | undefined;
let root: string | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
  if (root) await rm(root, { recursive: true, force: true });
});

const kindOf = (r: FakeChatRequest) => r.response_format?.json_schema?.name;
const isStreamCheck = (r: FakeChatRequest) => kindOf(r) === "collaborator_verdict" && taskIdOf(r) === undefined;
const userText = (r: FakeChatRequest) => r.messages.filter((m) => m.role === "user").map((m) => (typeof m.content === "string" ? m.content : "")).join("\n");
const tasks: BenchTask[] = [
  { id: "a1", stream: "sa", role: "role-a1", dependsOn: [] },
  { id: "a2", stream: "sa", role: "role-a2", dependsOn: [] },
  { id: "b1", stream: "sb", role: "role-b1", dependsOn: [] },
];

async function repo(): Promise<string> {
  root = await mkdtemp(join(tmpdir(), "ateams-assemble-alongside-"));
  gitIn(root, "init", "-q", "-b", "main");
  await writeRunBenchAgency(join(root, "agency"), { demo: tasks });
  gitIn(root, "add", "-A");
  gitIn(root, "commit", "-q", "-m", "agency");
  return root;
}

async function serve(before?: (req: FakeChatRequest) => void): Promise<FakeOpenAIServer> {
  const team = scriptedTeam({ inputSensitive: true, before: (req) => void before?.(req) });
  server = createFakeOpenAIServer({ handler: team.handler });
  await server.start();
  return server;
}

const run = (dir: string, s: FakeOpenAIServer): Promise<RunReport> =>
  runAgency({ agencyDir: join(dir, "agency"), projects: ["demo"], concurrency: 8, env: { OPENAI_BASE_URL: s.url, OPENAI_API_KEY: "k" }, progress: { emit: () => undefined } });

const outputs = (dir: string) => join(dir, "agency", "projects", "demo", "outputs");
const status = (dir: string) => parse(readFileSync(join(dir, "agency", "projects", "demo", "status.yaml"), "utf8"));
const assemblies = (s: FakeOpenAIServer) => s.chatRequests.filter((r) => kindOf(r) === "pm_assembly");

it("sends the assembly call before the merges land", { timeout: 30_000 }, async () => {
  const dir = await repo();
  // git runs this hook before moving main to a merge commit: it holds the merge until the assembly call has reached
  // the server (at most 5 s), and writes down which came first.
  const flag = join(dir, "assembly-called");
  const log = join(dir, "merge-order.log");
  const hook = join(dir, ".git", "hooks", "reference-transaction");
  writeFileSync(
    hook,
    [
      "#!/bin/sh",
      '[ "$1" = prepared ] || exit 0',
      "while read old new ref; do",
      '  [ "$ref" = refs/heads/main ] || continue',
      '  [ "$(git cat-file -p "$new" | grep -c "^parent ")" = 2 ] || continue',
      "  i=0",
      `  while [ ! -e '${flag}' ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i+1)); done`,
      `  if [ -e '${flag}' ]; then echo assembly-first >> '${log}'; else echo merge-first >> '${log}'; fi`,
      "done",
      "exit 0",
      "",
    ].join("\n"),
  );
  chmodSync(hook, 0o755);
  const s = await serve((req) => {
    if (kindOf(req) === "pm_assembly") writeFileSync(flag, "");
  });
  const report = await run(dir, s);
  expect(report.exitCode, report.failures.join("\n")).toBe(0);
  // Every merge into main (one per stream check that ends, or one for several ending together) waited for the call.
  const order = readFileSync(log, "utf8").trim().split("\n");
  expect(order.length).toBeGreaterThan(0);
  expect(new Set(order)).toEqual(new Set(["assembly-first"]));
  // Recorded after the merges all the same: the commit that adds the deliverable descends from both merge commits.
  const deliverable = gitIn(dir, "log", "--format=%H", "main", "--", "agency/projects/demo/outputs/demo.md");
  const merges = gitIn(dir, "log", "--merges", "--format=%H", "main").split("\n");
  expect(deliverable).toMatch(/^[0-9a-f]{40}$/);
  expect(merges).toHaveLength(2);
  for (const m of merges) gitIn(dir, "merge-base", "--is-ancestor", m, deliverable);
  expect(status(dir).assembly?.fingerprint).toBeTruthy();
  expect(assemblies(s)).toHaveLength(1);
});

it("does not record an assembly whose merge failed, keeps what it cost, and reuses its answer once the merge lands", { timeout: 30_000 }, async () => {
  const dir = await repo();
  const inTheWay = join(outputs(dir), "sb", "b1.md");
  // Someone's file where stream sb's output is about to be merged: the merge refuses to overwrite it.
  const s = await serve((req) => {
    if (!isStreamCheck(req) || !userText(req).includes("sb")) return;
    mkdirSync(dirname(inTheWay), { recursive: true });
    writeFileSync(inTheWay, "my notes, not yet committed\n");
  });
  const first = await run(dir, s);
  expect(first.exitCode).toBe(1);
  expect(first.failures.join("\n")).toMatch(/assembly not recorded/);
  expect(assemblies(s)).toHaveLength(1);
  const st = status(dir);
  expect(st.assembly).toBeUndefined();
  expect(existsSync(join(outputs(dir), "demo.md"))).toBe(false);
  // The call is in the project's books: every call made, the assembly's included.
  expect(st.usage.calls).toBe(s.chatRequests.length);

  // The person moves their file away; the next run merges, and the assembly's answer comes from the cache.
  await rm(inTheWay);
  const second = await run(dir, s);
  expect(second.exitCode, second.failures.join("\n")).toBe(0);
  expect(assemblies(s)).toHaveLength(1);
  expect(status(dir).assembly?.fingerprint).toBeTruthy();
  expect(readFileSync(join(outputs(dir), "demo.md"), "utf8")).toMatch(/^# Deliverable/);
});

it("assembles again from the merged outputs when the merge brings in a change made on the working branch meanwhile", { timeout: 30_000 }, async () => {
  const dir = await repo();
  let s = await serve();
  expect((await run(dir, s)).exitCode).toBe(0);
  await s.stop();

  // a1's role changes: stream sa reruns a1 and is checked again. While that check is out, someone commits an edit
  // of a2's output (which the stream does not touch) on main, so the merge brings it in.
  const role = join(dir, "agency", "roles", "role-a1.yaml");
  writeFileSync(role, readFileSync(role, "utf8").replace("with care and evidence", "with care, evidence and dates"));
  gitIn(dir, "commit", "-q", "-am", "edit role-a1");
  const a2 = join(outputs(dir), "sa", "a2.md");
  s = await serve((req) => {
    if (!isStreamCheck(req)) return;
    writeFileSync(a2, `${readFileSync(a2, "utf8")}\nEDITED-ON-MAIN\n`);
    gitIn(dir, "commit", "-q", "-m", "edit a2 on main", "--", a2);
  });
  const report = await run(dir, s);
  expect(report.exitCode, report.failures.join("\n")).toBe(0);
  const calls = assemblies(s);
  expect(calls).toHaveLength(2);
  expect(userText(calls[0]!)).not.toContain("EDITED-ON-MAIN");
  expect(userText(calls[1]!)).toContain("EDITED-ON-MAIN");
  expect(status(dir).assembly?.fingerprint).toBeTruthy();
});
