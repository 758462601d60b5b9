import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, it } from "vitest";
import { renderJobSummary, writeJobSummary } from "./job-summary.ts";

const report = {
  exitCode: 1 as const,
  actions: 3,
  usage: { calls: 5, inputTokens: 12_000, outputTokens: 3400, costUsd: 0.0421 },
  projects: [{ id: "alpha", stage: "running", summary: "2 of 5 tasks | to run" }],
  failures: ["alpha/draft: failed"],
  waiting: [],
  left: [],
};

it("renders a Markdown job summary with totals, a project table and failures", () => {
  const md = renderJobSummary(report);
  expect(md).toContain("3 actions · 5 model calls · 12k in / 3.4k out tokens · $0.04");
  expect(md).toContain("| `alpha` | running | 2 of 5 tasks \\| to run |");
  expect(md).toContain("### Failures\n\n- alpha/draft: failed");
  const linked = renderJobSummary(report, new Map([["ateams/alpha/docs", "https://github.com/acme/agency/pull/7"]]));
  expect(linked).toContain("### Pull requests\n\n- [`ateams/alpha/docs`](https://github.com/acme/agency/pull/7)");
});

it("lists what a stream job's tasks wait on, and what a fan-out reconcile left for the stream jobs", () => {
  const md = renderJobSummary({ ...report, waiting: [{ project: "alpha", stream: "docs", task: "draft", on: ["research/facts", "research/competitors"] }], left: ["alpha/polish"] });
  expect(md).toContain("### Waiting on other streams\n\n- `alpha/draft` (docs) waits on `research/facts`, `research/competitors`");
  expect(md).toContain("### Left for the stream jobs\n\n- `alpha/polish`");
  expect(renderJobSummary(report)).not.toContain("Waiting");
});

it("appends to $GITHUB_STEP_SUMMARY only when Actions provides it", async () => {
  const dir = await mkdtemp(join(tmpdir(), "ateams-summary-"));
  try {
    const file = join(dir, "summary.md");
    await writeJobSummary({}, report);
    await writeJobSummary({ GITHUB_STEP_SUMMARY: file }, report);
    await writeJobSummary({ GITHUB_STEP_SUMMARY: file }, report);
    expect((await readFile(file, "utf8")).match(/## ateams run/g)).toHaveLength(2);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
