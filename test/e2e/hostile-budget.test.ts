// Budgets against a server that lies: a proxy on 127.0.0.1 sits between the engine and the scripted team and rewrites
// its answers (real HTTP both ways). A server that reports no usage must still be stopped by a dollar budget; one
// that ignores max_tokens and claims a trillion tokens must cost no more than what was read, and a 50 MB deliverable
// must end in a clear error and a report, with status.yaml still valid.
import { spawn } from "node:child_process";
import { readFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterEach, beforeEach, expect, it } from "vitest";
import { parse } from "yaml";
import type { Status } from "../../engine/agency/types.gen.ts";
import { edit, REPO_ROOT } from "../support/agency-fixture.ts";
import { createFakeOpenAIServer, type FakeOpenAIServer } from "../support/fake-openai-server.ts";
import { tempRepoWithAgency, type TempRepo } from "../support/git-repo.ts";
import { runCli } from "../support/run-cli.ts";
import { scriptedTeam } from "../support/scripted-team.ts";

type Rewrite = (kind: string, completion: { usage?: unknown; choices: { message: { content: string | null } }[] }) => string;

let upstream: FakeOpenAIServer;
let proxy: Server;
let repo: TempRepo;
let env: Record<string, string>;
let rewrite: Rewrite;
const kinds: string[] = [];

beforeEach(async () => {
  repo = await tempRepoWithAgency(join(REPO_ROOT, "agency"));
  upstream = createFakeOpenAIServer({ handler: scriptedTeam().handler });
  await upstream.start();
  kinds.length = 0;
  proxy = createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on("data", (c: Buffer) => parts.push(c));
    req.on("end", async () => {
      const body = Buffer.concat(parts).toString("utf8");
      const kind = (JSON.parse(body) as { response_format?: { json_schema?: { name?: string } } }).response_format?.json_schema?.name ?? "text";
      kinds.push(kind);
      const answer = await fetch(`${upstream.url}/chat/completions`, { method: "POST", headers: { "content-type": "application/json" }, body });
      const text = answer.ok ? rewrite(kind, (await answer.json()) as Parameters<Rewrite>[1]) : await answer.text();
      res.writeHead(answer.status, { "content-type": "application/json" });
      res.end(text);
    });
  });
  await new Promise<void>((r) => proxy.listen(0, "127.0.0.1", r));
  env = { OPENAI_BASE_URL: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}/v1`, OPENAI_API_KEY: "x" };
});
afterEach(async () => {
  proxy.closeAllConnections();
  await new Promise((r) => proxy.close(r));
  await upstream.stop();
  await repo.cleanup();
});

const run = () => runCli(["run", "--project", "pricing-study"], { cwd: repo.root, env });

/** The real CLI in its own process: how it ends (a hang would end in "unsettled top-level await") shows only there. */
function runBin(argv: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(REPO_ROOT, "engine/cli/bin.ts"), ...argv], { cwd: repo.root, env: { PATH: process.env.PATH ?? "", HOME: repo.root, ...env } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (b: Buffer) => (stdout += b));
    child.stderr.on("data", (b: Buffer) => (stderr += b));
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}
const status = async (): Promise<Status> => parse(await readFile(join(repo.agency, "projects", "pricing-study", "status.yaml"), "utf8")) as Status;

it("a server that reports no usage is still held to the run's dollar budget", async () => {
  rewrite = (_, c) => JSON.stringify({ ...c, usage: undefined });
  // $100 per million input tokens on the fast tier, everything else free: only counted tokens can stop the run.
  const agencyFile = join(repo.agency, "agency.yaml");
  await edit(agencyFile, "price: { inputPerMTok: 0.15, outputPerMTok: 0.60 }", "price: { inputPerMTok: 100, outputPerMTok: 0 }");
  await edit(agencyFile, "price: { inputPerMTok: 2.50, outputPerMTok: 10.00 }", "price: { inputPerMTok: 0, outputPerMTok: 0 }");
  await edit(agencyFile, "maxCostUsd: 5\n", "maxCostUsd: 0.25\n");
  repo.git("commit", "-qam", "tight budget");
  const r = await run();
  expect(r.stderr).not.toMatch(/internal error/);
  expect(r.code).toBe(1);
  expect(r.stdout).toMatch(/BudgetExceeded: run budget reached \(\$0\.\d+ of \$0\.25/);
  expect(kinds).not.toContain("pm_assembly");
  const s = await status();
  expect(s.usage!.inputTokens).toBeGreaterThan(0);
  expect((await runCli(["validate"], { cwd: repo.root, env: {} })).code).toBe(0);
});

it("a server that ignores max_tokens and claims a trillion tokens: a 50 MB deliverable ends in a clear error and a report", async () => {
  rewrite = (kind, c) => {
    const usage = { prompt_tokens: 5, completion_tokens: 1e12, total_tokens: 1e12 + 5 };
    if (kind !== "pm_assembly") return JSON.stringify({ ...c, usage });
    // Trailing whitespace keeps the JSON valid: only its size is wrong.
    const message = c.choices[0]!.message;
    return JSON.stringify({ ...c, usage, choices: [{ ...c.choices[0], message: { ...message, content: message.content + " ".repeat(50 * 1024 * 1024) } }] });
  };
  const r = await runBin(["run", "--project", "pricing-study"]);
  expect(r.stderr).not.toMatch(/internal error|unsettled/);
  expect(r.code).toBe(1);
  expect(r.stdout).toMatch(/ReplyTooLarge: the server's reply passed \d+ bytes, more than 16384 output tokens can hold: it ignored max_tokens/);
  expect(r.stdout).toMatch(/^run: \d+ actions?, \d+ model calls?/m);
  expect(kinds.filter((k) => k === "pm_assembly")).toHaveLength(1); // not retried
  const s = await status();
  // Counted what was read, never the claimed trillion: every call is bounded by its text (or the 16,384-token cap).
  expect(s.usage!.outputTokens).toBeLessThan(kinds.length * 16_384 + 200_000);
  expect(s.usage!.outputTokens).toBeGreaterThan(0);
  expect(s.usage!.costUsd).toBeLessThan(5);
  expect((await runCli(["validate"], { cwd: repo.root, env: {} })).code).toBe(0);
});
