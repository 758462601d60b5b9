import { EventEmitter } from "node:events";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, describe, expect, it } from "vitest";
import { edit, FIXTURES, settle, tempAgency, write } from "../../../test/support/agency-fixture.ts";
import { tempRepoWithAgency } from "../../../test/support/git-repo.ts";
import type { RunReport } from "../../run/run-agency.ts";
import type { CliIO } from "../io.ts";
import { isIgnoredPath, watchAgency, watchCommand, type WatchOptions, type WatchPass } from "./watch.ts";

const DEBOUNCE = 100;
/** Long enough for a stray event to have become a pass: debounce plus the engine-write grace, with room to spare. */
const QUIET = 1500;
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function capture(cwd: string, env: NodeJS.ProcessEnv = {}) {
  const out = { stdout: "", stderr: "" };
  const io: CliIO = { stdout: (t) => void (out.stdout += t), stderr: (t) => void (out.stderr += t), env, cwd, isTTY: false };
  return { io, out };
}

/** Starts a watch and hands out its passes as promises, so a test awaits each one instead of sleeping. */
function startWatch(opts: Omit<WatchOptions, "signal" | "onPass" | "debounceMs" | "apply"> & Partial<WatchOptions>) {
  const passes: WatchPass[] = [];
  const waiters: { n: number; resolve: (p: WatchPass) => void }[] = [];
  const controller = new AbortController();
  const done = watchAgency({
    apply: false,
    debounceMs: DEBOUNCE,
    ...opts,
    signal: controller.signal,
    onPass: (p) => {
      passes.push(p);
      for (const w of waiters.filter((x) => x.n <= passes.length)) w.resolve(passes[w.n - 1]!);
    },
  });
  const stop = async () => {
    controller.abort();
    await done;
  };
  cleanups.push(stop);
  const pass = (n: number): Promise<WatchPass> =>
    passes.length >= n
      ? Promise.resolve(passes[n - 1]!)
      : Promise.race([
          new Promise<WatchPass>((resolve) => waiters.push({ n, resolve })),
          sleep(15_000).then(() => Promise.reject(new Error(`pass ${n} did not happen (saw ${passes.length})`))),
        ]);
  return { passes, pass, stop, done };
}

describe("isIgnoredPath", () => {
  it("ignores what runs produce and what editors and git leave, never the specs", () => {
    for (const p of ["projects/a/outputs/s/x.md", "projects/a/log/s/w.md", "projects/a/metrics.jsonl", "projects/a/metrics/s.jsonl", ".git/index", ".ateams/cache/x", "roles/.writer.yaml.swp", "roles/writer.yaml~", "projects/a/#plan.yaml#"]) {
      expect(isIgnoredPath(p), p).toBe(true);
    }
    for (const p of ["", "agency.yaml", "roles/writer.yaml", "projects/a/plan.yaml", "projects/a/status.yaml", "resources/style-guide.md", "projects/outputs"]) {
      expect(isIgnoredPath(p), p).toBe(false);
    }
  });
});

describe("watchAgency", () => {
  it("plans at start, re-plans after a role edit, and ignores outputs, logs and swap files", async () => {
    const fx = await tempAgency("mini");
    cleanups.push(fx.cleanup);
    await settle(fx.agency);
    const { io, out } = capture(fx.root);
    const w = startWatch({ agencyDir: "agency", io });

    const first = await w.pass(1);
    expect(first).toMatchObject({ n: 1, changed: [], ok: true });
    expect(first.plan!.projects.find((p) => p.id === "alpha")!.actions).toEqual([]);
    expect(out.stdout).toMatch(/^── \d\d:\d\d:\d\d watching agency ──\n● alpha {2}stage: done/);

    await edit(join(fx.agency, "roles", "writer.yaml"), "Writes clear prose.", "Writes short, clear prose.");
    const second = await w.pass(2);
    expect(second.changed).toEqual(["roles/writer.yaml"]);
    const alpha = second.plan!.projects.find((p) => p.id === "alpha")!;
    expect(alpha.actions.filter((a) => a.kind === "run-task").map((a) => a.task)).toEqual(["glossary", "draft", "polish"]);
    expect(out.stdout).toMatch(/\n── \d\d:\d\d:\d\d changed: roles\/writer\.yaml ──\n/);
    expect(out.stdout.split("changed: roles/writer.yaml")[1]).toContain("role changed");

    await write(join(fx.agency, "projects", "alpha", "outputs", "research", "notes.md"), "scratch\n");
    await write(join(fx.agency, "projects", "alpha", "log", "research", "researcher.md"), "log\n");
    await write(join(fx.agency, "roles", ".researcher.yaml.swp"), "swap\n");
    await edit(join(fx.agency, "roles", "researcher.yaml"), "id: researcher", "id: researcher\n# reviewed");
    expect((await w.pass(3)).changed).toEqual(["roles/researcher.yaml"]);
    await sleep(QUIET);
    expect(w.passes).toHaveLength(3);
  });

  it("prints the located error of an invalid edit and keeps watching", async () => {
    const fx = await tempAgency("mini");
    cleanups.push(fx.cleanup);
    const { io, out } = capture(fx.root);
    const w = startWatch({ agencyDir: fx.agency, io });
    await w.pass(1);
    const role = join(fx.agency, "roles", "writer.yaml");
    const good = await readFile(role, "utf8");

    await writeFile(role, good.replace("summary: Writes clear prose.", "summary: [Writes clear prose."));
    const broken = await w.pass(2);
    expect(broken).toMatchObject({ ok: false, plan: null });
    expect(broken.diagnostics.some((d) => d.severity === "error" && d.file === role)).toBe(true);
    expect(out.stderr).toMatch(/agency\/roles\/writer\.yaml:\d+:\d+: error: /);
    expect(out.stderr).toMatch(/\d+ errors?; waiting for changes\n/);

    await writeFile(role, good);
    const fixed = await w.pass(3);
    expect(fixed).toMatchObject({ ok: true, changed: ["roles/writer.yaml"] });
    expect(fixed.plan!.projects.map((p) => p.id)).toEqual(["alpha", "beta"]);
  });

  it("stops when aborted: the promise settles and later edits start no pass", async () => {
    const fx = await tempAgency("mini");
    cleanups.push(fx.cleanup);
    const { io } = capture(fx.root);
    const w = startWatch({ agencyDir: fx.agency, io });
    await w.pass(1);
    await w.stop();
    await edit(join(fx.agency, "roles", "writer.yaml"), "Writes clear prose.", "Writes other prose.");
    await sleep(QUIET);
    expect(w.passes).toHaveLength(1);
  });

  it("--apply: one run at a time; edits during a run queue one pass; files the run commits start none", async () => {
    const repo = await tempRepoWithAgency(join(FIXTURES, "mini"));
    cleanups.push(repo.cleanup);
    const { io } = capture(repo.root, { OPENAI_API_KEY: "test-key" });
    let active = 0;
    let most = 0;
    let calls = 0;
    const gate: { release?: () => void } = {};
    const report: RunReport = { exitCode: 0, actions: 0, usage: { calls: 0, inputTokens: 0, outputTokens: 0, costUsd: 0 }, projects: [], failures: [], waiting: [], left: [] };
    const run = async () => {
      calls++;
      active++;
      most = Math.max(most, active);
      if (calls === 1) {
        // What the engine does: write a file under the agency and commit it on the working branch.
        await write(join(repo.agency, "projects", "beta", "status.yaml"), '{"project": "beta"}\n');
        repo.git("add", "-A");
        repo.git("commit", "-q", "-m", "engine: status");
        await new Promise<void>((resolve) => (gate.release = resolve));
      }
      active--;
      return report;
    };
    const w = startWatch({ agencyDir: repo.agency, io, apply: true, run });
    while (!gate.release) await sleep(20);
    // A person edits two roles while the first run is still going.
    await edit(join(repo.agency, "roles", "writer.yaml"), "Writes clear prose.", "Writes short, clear prose.");
    await edit(join(repo.agency, "roles", "researcher.yaml"), "id: researcher", "id: researcher\n# reviewed");
    await sleep(DEBOUNCE * 3);
    expect(w.passes).toHaveLength(0);
    gate.release();
    expect((await w.pass(1)).run).toBe(report);
    const second = await w.pass(2);
    expect(second.changed).toEqual(["roles/researcher.yaml", "roles/writer.yaml"]);
    expect(second.run).toBe(report);
    await sleep(QUIET);
    expect(w.passes).toHaveLength(2);
    expect(calls).toBe(2);
    expect(most).toBe(1);
  });

  it("--apply without a model provider says so and keeps watching", async () => {
    const fx = await tempAgency("mini");
    cleanups.push(fx.cleanup);
    const { io, out } = capture(fx.root);
    const w = startWatch({ agencyDir: fx.agency, io, apply: true });
    const first = await w.pass(1);
    expect(first.run).toBeNull();
    expect(first.error).toMatch(/no model provider/);
    expect(out.stderr).toContain("Nothing was run; waiting for changes.");
  });
});

describe("ateams watch", () => {
  it("stops cleanly with exit 0 on SIGINT", async () => {
    const fx = await tempAgency("mini");
    cleanups.push(fx.cleanup);
    const { io, out } = capture(fx.root);
    const signals = new EventEmitter();
    const code = watchCommand(["--debounce", "50"], io, signals);
    while (!out.stdout.includes("total:")) await sleep(20);
    expect(signals.listenerCount("SIGINT")).toBe(1);
    signals.emit("SIGINT");
    expect(await code).toBe(0);
    expect(out.stderr).toContain("SIGINT: stopping the watch");
    expect(signals.listenerCount("SIGINT") + signals.listenerCount("SIGTERM")).toBe(0);
  });

  it("rejects bad flags and a missing agency directory", async () => {
    const fx = await tempAgency("mini");
    cleanups.push(fx.cleanup);
    const { io, out } = capture(fx.root);
    await expect(watchCommand(["--debounce", "soon"], io, new EventEmitter())).rejects.toThrow(/--debounce/);
    await expect(watchCommand(["--project", "nope"], io, new EventEmitter())).rejects.toThrow(/unknown project 'nope'/);
    expect(await watchCommand(["--agency", "missing"], io, new EventEmitter())).toBe(1);
    expect(out.stderr).toContain("missing: agency directory not found");
  });
});
