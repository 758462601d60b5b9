import { describe, expect, it } from "vitest";
import { toPullRequest, trustedHead } from "./map-github.ts";
import { parseEvent } from "./parse-event.ts";
import { PullRequestIndex } from "./pull-request-lookup.ts";
import { examplesOf } from "../../test/support/github/webhook-examples.ts";

describe("a fork cannot pose as one of the engine's branches", () => {
  it("a PR from a fork named ateams/<project>/plan keeps a head that is never ours", () => {
    expect(trustedHead({ ref: "ateams/p/plan", repo: { full_name: "acme/agency" } }, { repo: { full_name: "acme/agency" } })).toBe("ateams/p/plan");
    expect(trustedHead({ ref: "ateams/p/plan", repo: { full_name: "mallory/agency" } }, { repo: { full_name: "acme/agency" } })).toBe("fork:mallory/agency:ateams/p/plan");
    expect(trustedHead({ ref: "ateams/p/plan", repo: null }, { repo: { full_name: "acme/agency" } })).toBe("fork:(deleted):ateams/p/plan");
  });

  it("the run-wide PR index ignores it, so the engine neither updates it nor reads commands from it", () => {
    const raw = (n: number, from: string) => ({
      number: n,
      id: n,
      node_id: `PR_${n}`,
      html_url: `https://github.com/acme/agency/pull/${n}`,
      title: "t",
      body: "",
      state: "open",
      draft: false,
      merged_at: null,
      closed_at: null,
      created_at: "2025-01-01T00:00:00Z",
      updated_at: "2025-01-01T00:00:00Z",
      user: { login: "mallory", type: "User" },
      labels: [],
      head: { ref: "ateams/p/plan", sha: "a".repeat(40), repo: { full_name: from } },
      base: { ref: "main", repo: { full_name: "acme/agency" } },
    });
    const index = new PullRequestIndex([toPullRequest(raw(1, "mallory/agency") as never), toPullRequest(raw(2, "acme/agency") as never)], false);
    expect(index.heads()).toEqual(["ateams/p/plan"]);
    expect(index.existing("ateams/p/plan")?.number).toBe(2);
  });

  it("Actions payloads from a fork's PR carry the fork's head, not the branch name", () => {
    const payload = structuredClone(examplesOf("pull_request", "closed")[0]!) as Record<string, any>;
    payload.pull_request.head.ref = "ateams/p/docs";
    payload.pull_request.head.repo = { ...payload.pull_request.base.repo, full_name: "mallory/fork" };
    const event = parseEvent("pull_request", payload);
    expect("head" in event && event.head).toBe("fork:mallory/fork:ateams/p/docs");
  });

  it("a fork's payload without head.repo.full_name (or with a null head.repo) is never taken for this repository's branch", () => {
    for (const event of ["pull_request_review_comment", "pull_request_review"] as const) {
      const action = event === "pull_request_review" ? "submitted" : "created";
      const base = structuredClone(examplesOf(event, action)[0]!) as Record<string, any>;
      base.pull_request.head.ref = "ateams/p/docs";
      // The example's own PR comes from its base repository: trusted.
      expect("head" in parseEvent(event, base) && (parseEvent(event, base) as { head: string }).head).toBe("ateams/p/docs");

      const noName = structuredClone(base);
      noName.pull_request.head.repo = { ...noName.pull_request.head.repo, id: 999_999_999 };
      delete noName.pull_request.head.repo.full_name;
      expect((parseEvent(event, noName) as { head: string }).head).toBe("fork:(unknown):ateams/p/docs");

      const nothing = structuredClone(base);
      delete nothing.pull_request.head.repo.full_name;
      delete nothing.pull_request.head.repo.id;
      expect((parseEvent(event, nothing) as { head: string }).head).toBe("fork:(unknown):ateams/p/docs");

      const noRepo = structuredClone(base);
      delete noRepo.pull_request.head.repo;
      expect((parseEvent(event, noRepo) as { head: string }).head).toBe("fork:(unknown):ateams/p/docs");

      const deleted = structuredClone(base);
      deleted.pull_request.head.repo = null;
      expect((parseEvent(event, deleted) as { head: string }).head).toBe("fork:(deleted):ateams/p/docs");

      const sameNameOtherId = structuredClone(base);
      sameNameOtherId.pull_request.head.repo = { ...sameNameOtherId.pull_request.head.repo, id: 1 + Number(sameNameOtherId.pull_request.base.repo.id) };
      expect((parseEvent(event, sameNameOtherId) as { head: string }).head).toMatch(/^fork:/);
    }
  });
});
