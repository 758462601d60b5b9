import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { readRepoText } from "./task-inputs.ts";

// Issue 10: a resource path `../<repo-dir>-secret/key.txt` passed a string-prefix check (`/tmp/x/repo-secret`
// starts with `/tmp/x/repo`) and the key went into a prompt.
describe("readRepoText: a resource is read only from inside the repository", () => {
  let base: string;
  let repo: string;
  beforeEach(async () => {
    base = await mkdtemp(join(tmpdir(), "ateams-inputs-"));
    repo = join(base, "repo");
    await mkdir(join(repo, "agency"), { recursive: true });
    await mkdir(join(base, "repo-secret"));
    await writeFile(join(base, "repo-secret", "key.txt"), "sk-secret-key");
    await writeFile(join(repo, "agency", "guide.md"), "house style");
  });
  afterEach(() => rm(base, { recursive: true, force: true }));

  it("reads a file inside", () => {
    expect(readRepoText(repo, "agency/guide.md")).toBe("house style");
  });
  it("refuses a sibling folder whose name starts with the repository's", () => {
    expect(readRepoText(repo, "../repo-secret/key.txt")).toBeNull();
    expect(readRepoText(repo, `../${"repo"}-secret/key.txt`)).toBeNull();
  });
  it("refuses absolute paths, .git and newline tricks", () => {
    expect(readRepoText(repo, join(base, "repo-secret", "key.txt"))).toBeNull();
    expect(readRepoText(repo, "agency/x\n/../../../repo-secret/key.txt")).toBeNull();
  });
  it("refuses a symbolic link inside the repository that points outside it", async () => {
    await symlink(join(base, "repo-secret", "key.txt"), join(repo, "agency", "link.md"));
    expect(readRepoText(repo, "agency/link.md")).toBeNull();
  });
});
