import { join } from "node:path";
import { afterEach, beforeEach, expect, it } from "vitest";
import { FIXTURES, load } from "../../test/support/agency-fixture.ts";
import { tempRepoWithAgency, type TempRepo } from "../../test/support/git-repo.ts";
import { planAgency } from "../plan/plan.ts";
import { loadTemplates } from "../prompts/templates.ts";
import { openWorkspace } from "../run/workspace.ts";
import type { PublishReport } from "./publish.ts";
import { recordPullRequests } from "./run-github.ts";

let repo: TempRepo;
beforeEach(async () => {
  repo = await tempRepoWithAgency(join(FIXTURES, "mini"));
});
afterEach(() => repo.cleanup());

const report = (over: Partial<PublishReport>): PublishReport => ({
  created: 0,
  updated: 0,
  unchanged: 0,
  readied: 0,
  closed: 0,
  comments: { created: 0, updated: 0, unchanged: 0 },
  rejected: [],
  merged: [],
  prs: new Map(),
  warnings: [],
  ...over,
} as PublishReport);

it("a stream PR closed without merge makes the PM re-plan, with the rejection as feedback, recorded once", async () => {
  const ws = await openWorkspace(repo.agency);
  const links = { serverUrl: "https://github.com", owner: "acme", repo: "agency" };
  const rejected = report({ rejected: [{ project: "alpha", kind: "stream", stream: "docs", number: 7 }], prs: new Map([["ateams/alpha/docs", 7]]) });
  expect(await recordPullRequests(ws, await load(repo.agency), rejected, "2026-11-25T12:00:00Z", links)).toBe(true);
  const model = await load(repo.agency);
  const status = model.projects.get("alpha")!.status!;
  expect(status.streams!.docs!.pr).toBe(7);
  expect(status.plan!.feedback).toEqual([
    expect.objectContaining({ by: "reviewers", source: "https://github.com/acme/agency/pull/7", text: expect.stringContaining("The docs stream was rejected") }),
  ]);
  const planned = planAgency(model, await loadTemplates(), ["alpha"]).projects[0]!;
  expect(planned.actions[0]).toMatchObject({ kind: "propose-plan" });
  // The same rejection seen again (every run lists it) records nothing new.
  const commits = repo.git("rev-list", "--count", "HEAD");
  expect(await recordPullRequests(await openWorkspace(repo.agency), model, rejected, "2026-11-25T13:00:00Z", links)).toBe(false);
  expect(repo.git("rev-list", "--count", "HEAD")).toBe(commits);
});

it("a stream PR merged by squash (branch not in main's history) is accepted from GitHub's word, for what was verified", async () => {
  const { settle } = await import("../../test/support/agency-fixture.ts");
  const { readFile, writeFile } = await import("node:fs/promises");
  const { parse, stringify } = await import("yaml");
  await settle(repo.agency);
  const statusFile = join(repo.agency, "projects", "alpha", "status.yaml");
  const s = parse(await readFile(statusFile, "utf8"));
  delete s.streams.docs.accepted;
  await writeFile(statusFile, stringify(s));
  repo.git("add", "-A");
  repo.git("commit", "-qm", "settled, docs verified but not accepted");
  const links = { serverUrl: "https://github.com", owner: "acme", repo: "agency" };
  const merged = report({ merged: [{ project: "alpha", kind: "stream", stream: "docs", number: 8 }], prs: new Map([["ateams/alpha/docs", 8]]) });
  const templates = await loadTemplates();
  expect(await recordPullRequests(await openWorkspace(repo.agency), await load(repo.agency), merged, "2026-11-25T12:00:00Z", links, undefined, templates)).toBe(true);
  const status = (await load(repo.agency)).projects.get("alpha")!.status!;
  expect(status.streams!.docs!.accepted).toMatchObject({ by: "merged", fingerprint: status.streams!.docs!.verified!.fingerprint });
});
