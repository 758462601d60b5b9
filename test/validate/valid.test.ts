// Valid agencies validate cleanly: exit 0, a one-line summary on stdout, nothing on stderr, nothing written.
import { describe, expect, it } from "vitest";
import { REPO_ROOT, snapshot, tempAgency } from "../support/agency-fixture.ts";
import { runCli } from "../support/run-cli.ts";

describe("valid agencies", () => {
  it("the mini fixture validates with exit 0 and writes nothing", async () => {
    const t = await tempAgency();
    try {
      const before = await snapshot(t.root);
      const r = await runCli(["validate", "--agency", "agency"], { cwd: t.root });
      expect(r.stderr).toBe("");
      expect(r.stdout).toBe("✓ agency is valid: 2 roles, 2 projects (1 planned), 2 model tiers\n");
      expect(r.code).toBe(0);
      expect(await snapshot(t.root)).toEqual(before);
    } finally {
      await t.cleanup();
    }
  });

  it("the mini fixture also validates with --json and GITHUB_ACTIONS=true (no annotations when there is nothing to say)", async () => {
    const t = await tempAgency();
    try {
      const r = await runCli(["validate", "--agency", "agency", "--json"], { cwd: t.root, env: { GITHUB_ACTIONS: "true" } });
      expect(r.stderr).toBe("");
      expect(JSON.parse(r.stdout)).toEqual({ ok: true, diagnostics: [] });
      expect(r.code).toBe(0);
    } finally {
      await t.cleanup();
    }
  });

  it("the shipped example agency (agency/ at the repository root) validates", async () => {
    const r = await runCli(["validate", "--agency", "agency"], { cwd: REPO_ROOT });
    expect(r.stderr).toBe("");
    expect(r.stdout).toMatch(/^✓ agency is valid: \d+ roles?, \d+ projects? \(\d+ planned\), \d+ model tiers?\n$/);
    expect(r.code).toBe(0);
  });
});
