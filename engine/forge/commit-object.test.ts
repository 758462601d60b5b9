import { execFileSync } from "node:child_process";
import { chmod, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { simpleGit, type SimpleGit } from "simple-git";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createStoreContext, type StoreContext } from "./store-context.ts";
import { initRepo, isolateGitConfig, tempDirs, userCommit } from "../../test/support/forge/repos.ts";

const dirs = tempDirs();
beforeAll(() => isolateGitConfig(dirs));
afterAll(() => dirs.cleanup());

const opened: StoreContext[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((c) => c.close()));
  delete process.env.GIT_AUTHOR_DATE;
  delete process.env.GIT_COMMITTER_DATE;
});

async function repo(options: { identity?: boolean } = {}): Promise<{ dir: string; git: SimpleGit; ctx: StoreContext; tree: string; head: string }> {
  const dir = await dirs.make();
  const git = await initRepo(dir, options);
  // Without an identity, only the name is configured: the email comes from our fallback.
  if (options.identity === false) await git.addConfig("user.name", "Only A Name");
  const head = await userCommit(simpleGit(dir, { config: ["user.email=u@example.com"] }), dir, { "a.md": "a\n" }, "initial");
  const ctx = await createStoreContext(dir);
  opened.push(ctx);
  return { dir, git: simpleGit(dir), ctx, tree: (await git.revparse([`${head}^{tree}`])).trim(), head };
}

/** What `git commit-tree` writes for the same input, with the store's identity environment. */
async function commitTree(ctx: StoreContext, tree: string, parents: string[], message: string): Promise<string> {
  return ctx.git.text(["commit-tree", tree, ...parents.flatMap((p) => ["-p", p]), "-m", message], { env: await ctx.identityEnv() });
}

const MESSAGES = [
  "subject only",
  "subject\n\nbody line\n\nAteams-Task: t1\n",
  "keeps\r\ncarriage returns and trailing spaces   \n\n\n",
  "unicode: é 日本 🚀 and a lone surrogate \ud800",
];

describe("writeCommit", () => {
  it("writes exactly the commit commit-tree writes, when the dates are fixed", async () => {
    process.env.GIT_AUTHOR_DATE = "2021-03-04T05:06:07+0530";
    process.env.GIT_COMMITTER_DATE = "1600000000 -0700";
    const { ctx, tree, head } = await repo();
    for (const message of MESSAGES) {
      for (const parents of [[], [head], [head, head]]) {
        expect(await ctx.writeCommit(tree, parents, message), JSON.stringify({ message, parents })).toBe(await commitTree(ctx, tree, parents, message));
      }
    }
  });

  it("uses the fallback identity exactly as commit-tree does when the repository has none", async () => {
    process.env.GIT_AUTHOR_DATE = process.env.GIT_COMMITTER_DATE = "1700000000 +0000";
    const { ctx, tree, head } = await repo({ identity: false });
    expect(await ctx.writeCommit(tree, [head], "fallback")).toBe(await commitTree(ctx, tree, [head], "fallback"));
  });

  it("dates each commit now, in the local offset, when no date is fixed", async () => {
    const { ctx, git, tree } = await repo();
    const before = Math.floor(Date.now() / 1000);
    const sha = await ctx.writeCommit(tree, [], "now");
    const after = Math.ceil(Date.now() / 1000);
    const body = await git.raw(["cat-file", "commit", sha]);
    const gitsOffset = (await git.raw(["var", "GIT_COMMITTER_IDENT"])).trim().split(" ").at(-1);
    for (const who of ["author", "committer"]) {
      const m = new RegExp(`^${who} Test User <test@example.com> (\\d+) ([+-]\\d{4})$`, "m").exec(body);
      expect(m, body).not.toBeNull();
      expect(Number(m![1])).toBeGreaterThanOrEqual(before);
      expect(Number(m![1])).toBeLessThanOrEqual(after);
      expect(m![2]).toBe(gitsOffset);
    }
  });

  it("leaves text git would re-encode (noncharacters) to commit-tree", async () => {
    process.env.GIT_AUTHOR_DATE = process.env.GIT_COMMITTER_DATE = "1700000000 +0000";
    const { ctx, tree } = await repo();
    for (const message of ["nonchar \ufffe", "nonchar \ufdd0", "astral nonchar \u{1fffe}"]) {
      expect(await ctx.writeCommit(tree, [], message)).toBe(await commitTree(ctx, tree, [], message));
    }
  });

  it("signs no more than commit-tree did: it ignores commit.gpgSign (only -S signs)", async () => {
    process.env.GIT_AUTHOR_DATE = process.env.GIT_COMMITTER_DATE = "1700000000 +0000";
    const { dir, git, ctx, tree } = await repo();
    // A stand-in for gpg, should anything call it: git only needs the status line and a signature on stdout.
    const gpg = join(dir, "..", `fake-gpg-${Date.now()}`);
    await writeFile(gpg, '#!/bin/sh\ncat >/dev/null\necho "[GNUPG:] SIG_CREATED D 1 8 00 0 0" >&2\necho "-----BEGIN PGP SIGNATURE-----"\necho "fake"\necho "-----END PGP SIGNATURE-----"\n');
    await chmod(gpg, 0o755);
    // simple-git refuses to set gpg.program.
    execFileSync("git", ["config", "gpg.program", gpg], { cwd: dir });
    await git.addConfig("commit.gpgSign", "true");
    const sha = await ctx.writeCommit(tree, [], "signed?");
    expect(sha).toBe(await commitTree(ctx, tree, [], "signed?"));
    expect(await git.raw(["cat-file", "commit", sha])).not.toMatch(/^gpgsig /m);
  });

  it("goes through commit-tree when commits are stored in another encoding", async () => {
    const { git, ctx, tree } = await repo();
    await git.addConfig("i18n.commitEncoding", "ISO-8859-1");
    const latin = await ctx.writeCommit(tree, [], "encodé");
    expect(await git.raw(["cat-file", "commit", latin])).toMatch(/^encoding ISO-8859-1$/m);
  });
});
