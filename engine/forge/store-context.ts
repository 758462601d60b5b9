// What every git-store operation shares: the runner and the long-lived object processes, where the repository
// lives, who commits, per-branch locks, and the small ref queries (resolve, ancestry, compare-and-swap) they are all
// built from.
import { lstat, readFile, realpath } from "node:fs/promises";
import { redact } from "../secrets/redact.ts";
import { GitCommandError, InvalidRefNameError } from "./errors.ts";
import { createGitRunner, type GitRunner } from "./git-runner.ts";
import { identityFallbackEnv } from "./identity.ts";
import { KeyedMutex } from "./keyed-mutex.ts";
import { createObjectReader, readCommitHeader, type ObjectReader } from "./object-reader.ts";
import { createObjectWriter, type ObjectWriter } from "./object-writer.ts";
import { createRefUpdater } from "./ref-updater.ts";
import { readRepoConfig, type RepoConfig } from "./repo-config.ts";

export interface StoreContext {
  git: GitRunner;
  /** Reads objects (and resolves names) without starting a process per read. */
  reader: ObjectReader;
  writer: ObjectWriter;
  /** `git commit-tree` with this repository's identity; the message is redacted first. Returns the commit's id. */
  writeCommit(tree: string, parents: readonly string[], message: string): Promise<string>;
  /** The repository's common git dir (shared by linked worktrees); keys the per-branch locks. */
  gitDir: string;
  /** Top of the working tree, or undefined for a bare repository. */
  workTree: string | undefined;
  /** Where git's index lock for this worktree lives (`rev-parse --git-path index.lock`): a leftover means a killed git. */
  indexLockFile: string;
  /** The settings the store acts on (repo-config.ts), read once. */
  config(): Promise<RepoConfig>;
  /** GIT_AUTHOR_* / GIT_COMMITTER_* to add to every command that creates commits. */
  identityEnv(): Promise<Record<string, string>>;
  /** Runs `work` while holding this repository's lock for `branch` (shared by all stores in the process). */
  withBranchLock<T>(branch: string, work: () => Promise<T>): Promise<T>;
  /** `refs/heads/<branch>` after checking the name is one git accepts. */
  branchRef(branch: string): Promise<string>;
  resolveCommit(ref: string): Promise<string | undefined>;
  /** The branch ref HEAD points at (even when it is unborn); undefined when detached. */
  headRef(): Promise<string | undefined>;
  /** The branch ref HEAD points at in this worktree, even when it is unborn; undefined when detached or bare. */
  checkedOutRef(): Promise<string | undefined>;
  /** Whether `ancestor` is in `descendant`'s history (a commit is its own ancestor); false when either is not a commit. */
  isAncestor(ancestor: string, descendant: string): Promise<boolean>;
  /**
   * Moves `ref` from `expected` (undefined = must not exist) to `next` (undefined = delete it); false when someone
   * else moved it first. Without a `reason` it goes through the store's long-lived `update-ref --stdin` (no
   * process start; the reflog says COMMIT_REFLOG_MESSAGE); with one, a spawned `update-ref -m <reason>`.
   */
  casUpdateRef(ref: string, next: string | undefined, expected: string | undefined, reason?: string): Promise<boolean>;
  /** Ends the long-lived processes; they start again if the store is used afterwards. */
  close(): Promise<void>;
}

/** The reflog message of every ref update made through the long-lived process (git takes one per process). */
export const COMMIT_REFLOG_MESSAGE = "ateams: commit";

const PLAIN_BRANCH = /^[A-Za-z0-9][A-Za-z0-9_-]*(\/[A-Za-z0-9][A-Za-z0-9_-]*)*$/;

// One lock table for the whole process: two stores opened on the same repository must still queue for a branch.
const locks = new KeyedMutex();

export async function createStoreContext(dir: string): Promise<StoreContext> {
  const probe = createGitRunner(dir);
  const where = ["rev-parse", "--path-format=absolute", "--git-common-dir", "--is-bare-repository", "--show-object-format", "--git-path", "HEAD", "--git-path", "index.lock"];
  // One process in a working tree; --show-toplevel fails in a bare repository (or inside .git), which then asks
  // again without it.
  const withTop = await probe.run([...where, "--show-toplevel"], { ok: [0, 128] });
  const lines = (withTop.exitCode === 0 ? withTop.stdout : await probe.text(where)).split("\n");
  const [commonDir = "", bare, objectFormat, headFile = "", indexLockFile = ""] = lines;
  const gitDir = await realpath(commonDir);
  const workTree = bare === "true" ? undefined : withTop.exitCode === 0 ? lines[5]! : await probe.text(["rev-parse", "--show-toplevel"]);
  // Run from the top: paths given to ls-files, update-index and friends are otherwise relative to a subdirectory.
  const git = workTree === undefined ? probe : createGitRunner(workTree);
  const reader = createObjectReader(git.dir);
  const writer = createObjectWriter(git.dir);
  let config: Promise<RepoConfig> | undefined;
  const readConfig = () =>
    (config ??= readRepoConfig(git).catch((e: unknown) => {
      config = undefined; // asked again by the next commit
      throw e;
    }));
  const zeroOid = "0".repeat(objectFormat === "sha256" ? 64 : 40);
  const refs = createRefUpdater(git.dir, zeroOid, COMMIT_REFLOG_MESSAGE);
  const validBranches = new Set<string>();
  let identity: Promise<Record<string, string>> | undefined;
  const identityEnv = () =>
    (identity ??= readConfig().then(
      (c) => identityFallbackEnv(process.env, c),
      (e: unknown) => {
        identity = undefined; // asked again by the next commit
        throw e;
      },
    ));

  const writeCommit = async (tree: string, parents: readonly string[], message: string): Promise<string> => {
    // Every commit this engine writes (task, status, merge) is made here: no secret reaches a commit message.
    const text = redact(message);
    // -F - rather than -m: no length limit, and the text is kept as given (its last line completed, as -m does).
    const input = text === "" || text.endsWith("\n") ? text : `${text}\n`;
    const args = ["commit-tree", tree, ...[...new Set(parents)].flatMap((p) => ["-p", p]), "-F", "-"];
    return git.text(args, { env: await identityEnv(), input });
  };
  const resolveCommit = async (ref: string): Promise<string | undefined> => (await reader.info(`${ref}^{commit}`))?.oid;

  // A plain HEAD file says `ref: <ref>` (on a branch) or holds a commit id (detached), which is all symbolic-ref
  // reads; reading it saves a process per commit. Another ref storage keeps HEAD elsewhere: then git is asked.
  let filesBackend: Promise<boolean> | undefined;
  const headRef = async (): Promise<string | undefined> => {
    filesBackend ??= readConfig().then(
      (c) => (c.get("extensions.refstorage") ?? "files").trim().toLowerCase() === "files",
      () => false,
    );
    // lstat first: an old-style symlinked HEAD would be followed to the branch's ref file and read as detached.
    const plain = (await filesBackend) && (await lstat(headFile).catch(() => undefined))?.isFile();
    const text = plain ? await readFile(headFile, "utf8").catch(() => undefined) : undefined;
    const symbolic = text === undefined ? undefined : /^ref: (refs\/[^\s]+)\s*$/.exec(text);
    if (symbolic) return symbolic[1];
    if (text !== undefined && /^[0-9a-f]{40}([0-9a-f]{24})?\s*$/.test(text)) return undefined;
    const r = await git.run(["symbolic-ref", "-q", "HEAD"], { ok: [0, 1] });
    return r.exitCode === 0 ? r.stdout.trim() : undefined;
  };

  async function branchRef(branch: string): Promise<string> {
    if (!validBranches.has(branch)) {
      if (branch === "HEAD") throw new InvalidRefNameError(branch);
      // Names of plain components (letters, digits, `-`, `_`; no dots, no leading `-`) are valid by every rule of
      // check-ref-format, and every stream branch is one; git judges the rest.
      if (!PLAIN_BRANCH.test(branch)) {
        const r = await git.run(["check-ref-format", `refs/heads/${branch}`], { ok: [0, 1] });
        if (r.exitCode !== 0 || branch.startsWith("-")) throw new InvalidRefNameError(branch);
      }
      validBranches.add(branch);
    }
    return `refs/heads/${branch}`;
  }

  return {
    git,
    reader,
    writer,
    writeCommit,
    gitDir,
    workTree,
    indexLockFile,
    identityEnv,
    config: readConfig,
    withBranchLock: (branch, work) => locks.run(`${gitDir}\0${branch}`, work),
    branchRef,
    resolveCommit,
    headRef,
    checkedOutRef: async () => (workTree === undefined ? undefined : headRef()),
    async isAncestor(ancestor, descendant) {
      // Resolved first (no process): git answers an unknown name with an error, we with false.
      const [a, d] = await Promise.all([resolveCommit(ancestor), readCommitHeader(reader, `${descendant}^{commit}`)]);
      if (a === undefined || d === undefined) return false;
      if (a === d.oid || d.parents.includes(a)) return true;
      return (await git.run(["merge-base", "--is-ancestor", a, d.oid], { ok: [0, 1] })).exitCode === 0;
    },
    async casUpdateRef(ref, next, expected, reason) {
      if (next === undefined && expected === undefined) throw new Error(`deleting ${ref} needs the value it is expected to have`);
      let refused: GitCommandError;
      if (reason === undefined) {
        try {
          await refs.update(ref, next, expected);
          return true;
        } catch (e) {
          if (!(e instanceof GitCommandError)) throw e;
          refused = e;
        }
      } else {
        const args = next === undefined ? ["update-ref", "-m", reason, "-d", ref, expected!] : ["update-ref", "-m", reason, ref, next, expected ?? zeroOid];
        const r = await git.run(args, { ok: [0, 1, 128] });
        if (r.exitCode === 0) return true;
        refused = new GitCommandError(args, r.exitCode, r.stderr);
      }
      // Only a ref that really moved is a lost race; any other refusal (permissions, a lock left by a crash) is an error.
      if ((await resolveCommit(ref)) !== expected) return false;
      throw refused;
    },
    async close() {
      await Promise.all([reader.close(), writer.close(), refs.close()]);
    },
  };
}
