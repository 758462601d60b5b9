// The durable local git layer of a run: commit finished tasks to any branch, merge streams, read state back, publish.
// Every operation goes through the real git binary; nothing here checks out branches or touches files that the
// operation is not about.
import { commitFiles, type CommitFilesInput, type CommitResult } from "./commit-files.ts";
import { readLog, type CommitInfo, type LogQuery } from "./commit-log.ts";
import { mergeBranch, type MergeBranchInput, type MergeResult } from "./merge-branch.ts";
import { moveBranch } from "./move-branch.ts";
import { readCommitHeader } from "./object-reader.ts";
import { pushBranch, type PushOptions, type PushResult } from "./push-branch.ts";
import { assertSafeRepoPath } from "./safe-path.ts";
import { createStoreContext, type StoreContext } from "./store-context.ts";
import { listBlobs, type TreeFile } from "./list-tree.ts";

export interface HeadState {
  /** Short name of the checked-out branch; undefined when HEAD is detached. */
  branch: string | undefined;
  /** undefined while the branch is unborn (a fresh repository before its first commit). */
  commit: string | undefined;
}

export type { TreeFile } from "./list-tree.ts";

export interface GitStore {
  /** Top of the working tree (or the bare repository). */
  readonly dir: string;
  readonly bare: boolean;
  /** Path of this worktree's `index.lock`; present while git writes the index, or left behind by a killed git. */
  readonly indexLockFile: string;
  /** The repository's common git directory (shared by linked worktrees): where the run lock lives (repo-lock.ts). */
  readonly gitDir: string;
  head(): Promise<HeadState>;
  commitFiles(input: CommitFilesInput): Promise<CommitResult>;
  mergeBranch(input: MergeBranchInput): Promise<MergeResult>;
  /** Text of a file at a commit; undefined when the ref or the file does not exist. */
  readFile(ref: string, path: string): Promise<string | undefined>;
  /**
   * Every blob (file or symlink; not submodules) under `dir` at a commit, recursively, keyed by its path relative to
   * `dir`, with blob id and size in bytes. `dir` is repo-relative without a trailing slash; "" (or ".") is the whole
   * tree. Empty when the ref, or a directory `dir`, does not exist. Starts no process (trees and sizes come from the
   * long-lived cat-file).
   */
  listTree(ref: string, dir: string): Promise<Map<string, TreeFile>>;
  branchExists(branch: string): Promise<boolean>;
  /**
   * Whether `ancestor` is in `descendant`'s history (a commit counts as its own ancestor). Any commit-ish works.
   * False, not an error, when either does not name a commit in this repository (git itself would fail on an unknown
   * name). A process (`merge-base --is-ancestor`) only when the answer is not the commit itself or a parent.
   */
  isAncestor(ancestor: string, descendant: string): Promise<boolean>;
  /** Parents of a commit (none for a root commit), read without a process; undefined when `commit` names no commit. */
  parentsOf(commit: string): Promise<string[] | undefined>;
  /**
   * Compare-and-swap of `refs/heads/<branch>`: moves it from `expected` (undefined: it must not exist yet) to the
   * commit `to` names, and returns false, changing nothing, when the branch is not at `expected` (someone moved it
   * first). On the checked-out branch the working tree and index follow for the paths that differ, as a merge does
   * (refused with GitDirtyWorktreeError when the user has changes on any of them). `GitRefNotFoundError` when `to`
   * names no commit.
   */
  moveBranch(branch: string, to: string, expected: string | undefined): Promise<boolean>;
  /** Commit sha of any commit-ish, or undefined. */
  resolveRef(ref: string): Promise<string | undefined>;
  log(query: LogQuery): Promise<CommitInfo[]>;
  push(branch: string, remote?: string, options?: Omit<PushOptions, "remote">): Promise<PushResult>;
  /**
   * Ends the store's long-lived git processes (object reads and writes, ref updates) and removes its scratch files.
   * Optional: an idle process ends by itself after a few seconds and never keeps Node running; a store used again
   * restarts them.
   */
  close(): Promise<void>;
}

/** Opens the repository containing `dir`; throws GitCommandError when there is none. */
export async function openGitStore(dir: string): Promise<GitStore> {
  return gitStoreFrom(await createStoreContext(dir));
}

export function gitStoreFrom(ctx: StoreContext): GitStore {
  const git = ctx.git;
  return {
    dir: ctx.workTree ?? git.dir,
    bare: ctx.workTree === undefined,
    indexLockFile: ctx.indexLockFile,
    gitDir: ctx.gitDir,
    async head() {
      const branch = (await ctx.headRef())?.replace(/^refs\/heads\//, "");
      return { branch, commit: await ctx.resolveCommit("HEAD") };
    },
    commitFiles: (input) => commitFiles(ctx, input),
    mergeBranch: (input) => mergeBranch(ctx, input),
    async readFile(ref, path) {
      assertSafeRepoPath(path);
      if (ref.includes(":")) return undefined;
      // The batch process resolves the ref itself; a missing ref, a missing path and a directory are all "none".
      const object = await ctx.reader.read(`${ref}:${path}`);
      return object?.type === "blob" ? object.content.toString("utf8") : undefined;
    },
    listTree: (ref, dir) => listBlobs(ctx, ref, dir),
    async branchExists(branch) {
      const ref = await ctx.branchRef(branch);
      return (await git.run(["show-ref", "--verify", "--quiet", ref], { ok: [0, 1] })).exitCode === 0;
    },
    resolveRef: (ref) => ctx.resolveCommit(ref),
    isAncestor: (ancestor, descendant) => ctx.isAncestor(ancestor, descendant),
    parentsOf: async (commit) => (await readCommitHeader(ctx.reader, commit))?.parents,
    moveBranch: (branch, to, expected) => moveBranch(ctx, branch, to, expected),
    log: (query) => readLog(ctx, query),
    push: (branch, remote, options) => pushBranch(ctx, branch, { ...options, ...(remote ? { remote } : {}) }),
    close: () => ctx.close(),
  };
}
