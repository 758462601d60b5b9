import { existsSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { edit, FIXTURES, settle, tempAgency } from "../../../test/support/agency-fixture.ts";
import { tempRepoWithAgency, type TempRepo } from "../../../test/support/git-repo.ts";
import { runCli } from "../../../test/support/run-cli.ts";
import type { Status } from "../../agency/types.gen.ts";
import { serializeStatus } from "../../status/serialize.ts";
import { VERBS } from "./director-verbs.ts";

let repo: TempRepo;
beforeEach(async () => void (repo = await tempRepoWithAgency(join(FIXTURES, "mini"))));
afterEach(() => repo.cleanup());
const cli = (...argv: string[]) => runCli(argv, { cwd: repo.root });
const alphaDir = () => join(repo.agency, "projects", "alpha");
const readStatus = async (): Promise<Status> => parse(await readFile(join(alphaDir(), "status.yaml"), "utf8"));
const commits = () => Number(repo.git("rev-list", "--count", "--first-parent", "HEAD"));
const trailersOf = (rev: string) => repo.git("log", "-1", "--format=%(trailers:only,unfold)", rev);

/** alpha's plan as the PM left it: options, a recommendation, no choice; the run marked it AwaitingApproval. */
async function awaitingApproval(): Promise<void> {
  await edit(join(alphaDir(), "plan.yaml"), 'chosen: option-1\napproval: { by: octocat, at: "2026-11-20T10:00:00Z" }\n', "");
  await edit(join(alphaDir(), "plan.yaml"), "recommended: option-1\n", "# the PM's pick\nrecommended: option-1\n");
  const status: Status = {
    project: "alpha",
    conditions: [
      { type: "AwaitingApproval", status: "True", reason: "PlanAwaitingApproval", message: "the Director approves the plan", lastTransitionTime: "2026-11-20T10:00:00Z" },
      { type: "Progressing", status: "False", reason: "Idle", lastTransitionTime: "2026-11-20T10:00:00Z" },
    ],
  };
  await writeFile(join(alphaDir(), "status.yaml"), serializeStatus(status));
  repo.git("add", "-A");
  repo.git("commit", "-q", "-m", "plan proposed");
}

/**
 * alpha under review-streams oversight with every task done: docs is accepted, research is verified by its
 * Collaborator but its outputs sit unmerged on ateams/alpha/research, waiting for a person.
 */
async function researchAwaitingReview(opts: { verified: boolean }): Promise<void> {
  await edit(join(alphaDir(), "project.yaml"), "successCriteria:", "oversight: review-streams\nsuccessCriteria:");
  await settle(repo.agency);
  const status = await readStatus();
  delete status.streams!.research!.accepted;
  if (!opts.verified) delete status.streams!.research!.verified;
  status.conditions = [{ type: "AwaitingApproval", status: "True", reason: "StreamsAwaitingReview", message: "review-streams oversight: a person accepts each stream" }];
  await writeFile(join(alphaDir(), "status.yaml"), serializeStatus(status));
  repo.git("add", "-A");
  repo.git("rm", "-r", "-q", "--cached", "agency/projects/alpha/outputs/research");
  repo.git("commit", "-q", "-m", "settled, research unmerged");
  repo.git("switch", "-q", "-c", "ateams/alpha/research");
  repo.git("add", "-A");
  repo.git("commit", "-q", "-m", "research work");
  repo.git("switch", "-q", "main");
}

describe("ateams approve <project> [option], the twin of /approve on the plan PR", () => {
  it("records the recommended option and the director, clears AwaitingApproval, commits once; again is a no-op", async () => {
    await awaitingApproval();
    const before = commits();
    const r = await cli("approve", "alpha");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^✓ alpha: \/approve by octocat: Approved option-1\. \([0-9a-f]{7} on main\)\n$/);
    expect(commits()).toBe(before + 1);
    expect(trailersOf("HEAD")).toMatch(/^Ateams-Project: alpha\nAteams-Kind: command\nAteams-Source: local:octocat\/\d{4}-\d\d-\d\dT[\d:]+Z$/);
    expect(repo.git("show", "--name-only", "--format=", "HEAD").split("\n").sort()).toEqual(["agency/projects/alpha/plan.yaml", "agency/projects/alpha/status.yaml"]);
    expect(repo.git("status", "--porcelain")).toBe("");

    const text = await readFile(join(alphaDir(), "plan.yaml"), "utf8");
    expect(text).toContain("# the PM's pick");
    const plan = parse(text);
    expect(plan.chosen).toBe("option-1");
    expect(plan.approval.by).toBe("octocat");
    expect(Date.parse(plan.approval.at)).toBeGreaterThan(Date.now() - 60_000);
    const status = await readStatus();
    expect(status.conditions!.map((c) => c.type)).toEqual(["Progressing"]);

    const plannerSays = JSON.parse((await cli("plan", "--json", "--project", "alpha")).stdout).projects[0];
    expect(plannerSays.stage).toBe("running");

    const again = await cli("approve", "alpha", "option-1");
    expect(again.code).toBe(0);
    expect(again.stdout).toContain("option-1 is already approved. (nothing to record)");
    expect(commits()).toBe(before + 1);
  });

  it("takes another option and --by (a commander), and says the PM re-plans; --json has the documented shape; others may not command", async () => {
    await awaitingApproval();
    const outsider = await cli("approve", "alpha", "option-2", "--by", "monalisa");
    expect(outsider.code).toBe(1);
    expect(outsider.stderr).toContain("monalisa may not command this agency");
    await edit(join(repo.agency, "agency.yaml"), "models:", "commanders: [monalisa]\nmodels:");
    repo.git("commit", "-q", "-am", "monalisa commands");
    const r = await cli("approve", "alpha", "option-2", "--by", "monalisa", "--json");
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ command: "/approve", project: "alpha", effect: "approve-plan", outcome: "done", by: "monalisa", reason: null });
    expect(out.commit).toBe(repo.git("rev-parse", "HEAD"));
    expect(out.reply).toContain("decompose option-2");
    expect(parse(await readFile(join(alphaDir(), "plan.yaml"), "utf8"))).toMatchObject({ chosen: "option-2", approval: { by: "monalisa" } });
    expect(JSON.parse((await cli("plan", "--json", "--project", "alpha")).stdout).projects[0].stage).toBe("needs-plan");
  });

  it("refuses unknown options (listing the valid ones), projects without a plan, and work outside git", async () => {
    await awaitingApproval();
    const before = commits();
    const bad = await cli("approve", "alpha", "option-9");
    expect(bad.code).toBe(1);
    expect(bad.stderr).toBe("ateams: /approve was not run: The plan has no option 'option-9'; options: option-1, option-2.\n");
    expect((await cli("approve")).code).toBe(2);
    expect((await cli("approve", "nope")).code).toBe(2);
    expect((await cli("approve", "alpha", "option-1", "--stream", "research")).code).toBe(2);
    const none = await cli("approve", "beta");
    expect(none.code).toBe(1);
    expect(none.stderr).toContain("the project has no plan yet");
    expect(commits()).toBe(before);

    const fx = await tempAgency("mini");
    try {
      const outside = await runCli(["approve", "alpha"], { cwd: fx.root });
      expect(outside.code).toBe(1);
      expect(outside.stderr).toMatch(/not in one: run `git init` first/);
    } finally {
      await fx.cleanup();
    }
  });
});

describe("ateams approve <project> --stream <id>, the twin of /approve on the stream PR", () => {
  it("merges a stream awaiting review, records its acceptance with the planner's fingerprint; again is a no-op", async () => {
    await researchAwaitingReview({ verified: true });
    const shown = JSON.parse((await cli("status", "--json", "--project", "alpha")).stdout).projects[0];
    expect(shown.stage).toBe("in-review");
    expect(shown.streams[0]).toMatchObject({ id: "research", stage: "awaiting-review", branch: "ateams/alpha/research", unmerged: true, accepted: null, verified: { current: true } });
    // Outputs on the unmerged branch count: the research tasks are done, not "output missing".
    expect(shown.tasks.filter((t: { stream: string }) => t.stream === "research").map((t: { stage: string }) => t.stage)).toEqual(["done", "done", "done"]);
    expect(shown.attention).toEqual([expect.objectContaining({ kind: "awaiting-review", stream: "research", hint: "ateams approve alpha --stream research" })]);
    expect(existsSync(join(alphaDir(), "outputs", "research", "facts.md"))).toBe(false);

    const before = commits();
    const r = await cli("approve", "alpha", "--stream", "research");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^✓ alpha: \/approve by octocat: Accepted research: merged ateams\/alpha\/research into main\. \([0-9a-f]{7} on main\)/);
    const merge = repo.git("rev-parse", "HEAD^");
    expect(repo.git("rev-list", "--parents", "-n", "1", merge).split(" ")).toHaveLength(3);
    expect(trailersOf(merge)).toContain("Ateams-Kind: accept\nAteams-Stream: research");
    expect(trailersOf("HEAD")).toMatch(/^Ateams-Project: alpha\nAteams-Kind: command\n/);
    expect(existsSync(join(alphaDir(), "outputs", "research", "facts.md"))).toBe(true);
    expect(repo.git("status", "--porcelain")).toBe("");

    const status = await readStatus();
    const research = status.streams!.research!;
    expect(research.accepted).toMatchObject({ fingerprint: research.verified!.fingerprint, by: "octocat", commit: merge });
    expect(status.conditions).toBeUndefined(); // no other stream waits for review
    expect(JSON.parse((await cli("plan", "--json", "--project", "alpha")).stdout).projects[0].stage).toBe("done");

    const count = commits();
    expect(count).toBe(before + 2);
    const again = await cli("approve", "alpha", "--stream", "research");
    expect(again.code).toBe(0);
    expect(again.stdout).toContain("stream research is already accepted (by octocat");
    expect(commits()).toBe(count);
  });

  it("explains why a stream cannot be accepted", async () => {
    await researchAwaitingReview({ verified: false });
    const before = commits();
    const unverified = await cli("approve", "alpha", "--stream", "research");
    expect(unverified.code).toBe(1);
    expect(unverified.stderr).toContain("stream research is not ready for review yet: it waits on verify-stream:alpha/research");
    const done = await cli("approve", "alpha", "--stream", "docs");
    expect(done.code).toBe(0);
    expect(done.stdout).toContain("stream docs is already accepted");
    const unknown = await cli("approve", "alpha", "--stream", "nope");
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("streams: research, docs");
    expect(commits()).toBe(before);

    // Without review-streams oversight, /approve on a verified stream merges it now, as on its PR.
    await edit(join(alphaDir(), "project.yaml"), "oversight: review-streams\n", "");
    const still = await cli("approve", "alpha", "--stream", "research");
    expect(still.code).toBe(1);
    expect(still.stderr).toContain("not ready for review yet");
  });
});

describe("the Director's other commands on the command line", () => {
  it("each says in --help which PR comment it is the twin of; usage errors exit 2", async () => {
    for (const verb of VERBS) {
      const r = await cli(verb.name, "--help");
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(`(/${verb.name})`);
      expect(r.stdout).toContain("--json");
    }
    for (const argv of [["retry"], ["answer"], ["teach"], ["ask", "alpha"], ["unblock", "alpha", "extra"], ["revise", "alpha", "x", "--plan", "--assembly"], ["retry", "alpha", "--stream", "nope"], ["cancel", "--stream", "docs", "alpha"]]) {
      const r = await cli(...argv);
      expect(r.code, `${argv.join(" ")}: ${r.stderr}`).toBe(2);
      expect(r.stderr).toMatch(/^ateams: .+\nRun 'ateams \S+ --help' for usage\.\n$/);
    }
  });

  it("a text that holds a second command is refused whole, as the comment's lines would each command", async () => {
    const before = commits();
    const r = await cli("revise", "alpha", "draft", "Shorter.\n/approve");
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("a line of it starts with /approve");
    expect(commits()).toBe(before);
  });

  it("--json says what was refused and why; nothing is committed", async () => {
    const before = commits();
    const r = await cli("retry", "alpha", "--json");
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toEqual({ command: "/retry", project: "alpha", by: "octocat", at: expect.any(String), effect: "retry", outcome: "rejected", reply: null, reason: "nothing has failed here", commit: null });
    expect(commits()).toBe(before);
  });

  it("the local Director is git's user.name when it names one of the agency's directors", async () => {
    await edit(join(repo.agency, "agency.yaml"), "    github: octocat\n", "    github: octocat\n  - id: mona\n    name: Mona Lisa\n    github: monalisa\n");
    repo.git("commit", "-qam", "a second director");
    repo.git("config", "user.name", "Mona Lisa");
    const r = await cli("block", "alpha", "Waiting", "for", "legal.", "--json");
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ by: "monalisa", outcome: "done" });
    expect((await readStatus()).conditions).toContainEqual(expect.objectContaining({ type: "Blocked", reason: "BlockedByDirector", message: "Waiting for legal." }));
  });
});

describe("ateams ask without a model endpoint", () => {
  it("fails with the reason and commits nothing", async () => {
    const before = commits();
    const r = await cli("ask", "alpha", "writer", "Which tone do you use?");
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^ateams: \/ask failed: @writer could not answer: .+\n$/);
    expect(commits()).toBe(before);
  });
});
