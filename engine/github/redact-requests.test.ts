// Issue 10: no secret reaches GitHub. Every title, body and comment goes through the client's request hook
// (octokit.ts), which redacts configured keys and credential shapes, whoever built the text.
import { afterEach, beforeEach, expect, it } from "vitest";
import { addSecret, clearSecrets } from "../secrets/redact.ts";
import { githubHarness, type GitHubHarness } from "../../test/support/github/harness.ts";

const KEY = "provider-key-9fQ2xLw7Vb";
let h: GitHubHarness;
beforeEach(() => {
  addSecret(KEY);
  h = githubHarness();
});
afterEach(() => {
  h.finish();
  clearSecrets();
});

it("PR titles and bodies reach GitHub with the keys redacted", async () => {
  const pr = await h.forge.createPullRequest({ head: "ateams/site/copy", base: "main", title: `Copy ${KEY}`, body: `Authorization: Bearer ${KEY}\nsk-${"a1B2".repeat(6)}`, draft: true });
  const stored = JSON.stringify(await h.forge.getPullRequest(pr.number));
  expect(stored).not.toContain(KEY);
  expect(stored).not.toContain("sk-a1B2");
  expect(stored).toContain("[REDACTED]");
});
