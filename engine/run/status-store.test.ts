import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, expect, it, vi } from "vitest";
import { FIXTURES, load } from "../../test/support/agency-fixture.ts";
import { tempRepoWithAgency, type TempRepo } from "../../test/support/git-repo.ts";
import { setProjectCondition } from "../status/record.ts";
import { StatusStore } from "./status-store.ts";
import { openWorkspace } from "./workspace.ts";

let repo: TempRepo;
beforeEach(async () => {
  repo = await tempRepoWithAgency(join(FIXTURES, "mini"));
});
afterEach(() => repo.cleanup());

it("files written but not yet committed when a run dies are committed by the next run (journal in .ateams/)", async () => {
  const ws = await openWorkspace(repo.agency);
  const project = (await load(repo.agency)).projects.get("alpha")!;
  const planPath = "agency/projects/alpha/plan.yaml";
  const newPlan = `${await readFile(join(repo.root, planPath), "utf8")}# edited by the PM\n`;
  const dying = new StatusStore(ws, project);
  await dying.update((s) => setProjectCondition(s, { type: "Progressing", status: "True", reason: "Planning" }, "2026-11-25T10:00:00Z"), "ateams: plan", {}, [{ path: planPath, content: newPlan }]);
  // The process dies here, inside the gather window: both files are in the working tree, neither is committed.
  expect(repo.git("status", "--porcelain", "--", "agency")).toContain("plan.yaml");
  const commits = repo.git("rev-list", "--count", "HEAD");

  const next = new StatusStore(await openWorkspace(repo.agency), (await load(repo.agency)).projects.get("alpha")!);
  await next.adoptUncommitted("alpha");
  await next.flush();
  expect(Number(repo.git("rev-list", "--count", "HEAD"))).toBe(Number(commits) + 1);
  expect(repo.git("show", `HEAD:${planPath}`)).toContain("# edited by the PM");
  expect(repo.git("show", "HEAD:agency/projects/alpha/status.yaml")).toContain("Planning");
  expect(repo.git("status", "--porcelain", "--", "agency")).toBe("");
  await dying.flush(); // the "dead" store's late commit finds nothing left to change
  expect(repo.git("status", "--porcelain", "--", "agency")).toBe("");
});

it("updates arriving together share one commit; an unchanged update commits nothing", async () => {
  const ws = await openWorkspace(repo.agency);
  const store = new StatusStore(ws, (await load(repo.agency)).projects.get("alpha")!);
  const before = Number(repo.git("rev-list", "--count", "HEAD"));
  const c = (reason: string) => (s: Parameters<Parameters<StatusStore["update"]>[0]>[0]) => setProjectCondition(s, { type: "Progressing", status: "True", reason }, "2026-11-25T10:00:00Z");
  await store.update(c("One"), "ateams: one", {});
  await store.update(c("Two"), "ateams: two", {});
  await store.update(c("Two"), "ateams: two again", {});
  await store.flush();
  expect(Number(repo.git("rev-list", "--count", "HEAD"))).toBe(before + 1);
  expect(repo.git("log", "-1", "--format=%B")).toContain("Also recorded:\n- ateams: two");
});

it("flush commits at once: it does not sit out the gather window", async () => {
  const ws = await openWorkspace(repo.agency);
  const store = new StatusStore(ws, (await load(repo.agency)).projects.get("alpha")!);
  const before = Number(repo.git("rev-list", "--count", "HEAD"));
  // With setTimeout frozen, a flush that waited for the window would never finish.
  vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
  try {
    await store.update((s) => setProjectCondition(s, { type: "Progressing", status: "True", reason: "Now" }, "2026-11-25T10:00:00Z"), "ateams: now", {});
    await store.flush();
  } finally {
    vi.useRealTimers();
  }
  expect(Number(repo.git("rev-list", "--count", "HEAD"))).toBe(before + 1);
});

it("a status-only update reaches status.yaml when the next plan is about to read it (persist), or at the commit", async () => {
  const ws = await openWorkspace(repo.agency);
  const store = new StatusStore(ws, (await load(repo.agency)).projects.get("alpha")!);
  const file = join(repo.root, "agency/projects/alpha/status.yaml");
  const onDisk = () => readFile(file, "utf8").catch(() => "");
  const before = await onDisk();
  const c = (reason: string) => (s: Parameters<Parameters<StatusStore["update"]>[0]>[0]) => setProjectCondition(s, { type: "Progressing", status: "True", reason }, "2026-11-25T10:00:00Z");
  await store.update(c("First"), "ateams: first", {});
  await store.update(c("Second"), "ateams: second", {});
  expect(await onDisk()).toBe(before);
  expect(store.current.conditions?.find((x) => x.type === "Progressing")?.reason).toBe("Second");
  store.persist();
  expect(await onDisk()).toContain("Second");
  await store.update(c("Third"), "ateams: third", {});
  await store.flush();
  expect(await onDisk()).toContain("Third");
  expect(repo.git("show", "HEAD:agency/projects/alpha/status.yaml")).toContain("Third");
  expect(repo.git("status", "--porcelain", "--", "agency")).toBe("");
});

it("a project nothing was recorded for gets no status.yaml from persist or flush", async () => {
  const ws = await openWorkspace(repo.agency);
  const project = (await load(repo.agency)).projects.get("alpha")!;
  const file = join(repo.root, "agency/projects/alpha/status.yaml");
  expect(existsSync(file)).toBe(false);
  const store = new StatusStore(ws, project);
  store.persist();
  await store.flush();
  expect(existsSync(file)).toBe(false);
  expect(repo.git("status", "--porcelain", "--", "agency")).toBe("");
});

it("refuses, before writing anything, a status or a spec file the loader would reject (issue 10: negative usage, a huge plan)", async () => {
  const ws = await openWorkspace(repo.agency);
  const store = new StatusStore(ws, (await load(repo.agency)).projects.get("alpha")!);
  const head = repo.git("rev-parse", "HEAD");
  await expect(store.update((s) => ({ ...s, usage: { calls: 1, inputTokens: -5, outputTokens: 0, costUsd: 0 } }), "ateams: bad usage", {})).rejects.toThrow(/loader would reject.*inputTokens/);
  const planPath = "agency/projects/alpha/plan.yaml";
  const huge = `${await readFile(join(repo.root, planPath), "utf8")}# ${"x".repeat(1024 * 1024)}\n`;
  await expect(store.update((s) => s, "ateams: huge plan", {}, [{ path: planPath, content: huge }])).rejects.toThrow(/plan\.yaml would be \d+ bytes/);
  await expect(store.update((s) => s, "ateams: broken plan", {}, [{ path: planPath, content: "streams: 3\n" }])).rejects.toThrow(/loader would reject/);
  await store.flush();
  expect(repo.git("rev-parse", "HEAD")).toBe(head);
  expect(repo.git("status", "--porcelain", "--", "agency")).toBe("");
  expect(existsSync(join(repo.agency, "projects", "alpha", "status.yaml"))).toBe(false);
});
