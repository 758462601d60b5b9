// forge/: the git side of a run. Local, durable commits through the real git binary; GitHub comes later, on top.
export { openGitStore, type GitStore, type HeadState, type TreeFile } from "./git-store.ts";
export type { CommitFilesInput, CommitResult } from "./commit-files.ts";
export type { MergeBranchInput, MergeResult } from "./merge-branch.ts";
export type { PushOptions, PushResult } from "./push-branch.ts";
export type { CommitInfo, LogQuery } from "./commit-log.ts";
export type { FileChange } from "./tree-builder.ts";
export { formatCommitMessage, parseCommitMessage, withTrailers, TRAILER_KEYS, TrailerError, type CommitMessage, type Trailers } from "./trailers.ts";
export * from "./branch-name.ts";
export * from "./errors.ts";
export { assertSafeRepoPath } from "./safe-path.ts";
export { acquireRepoLock, RepoLockedError, type LockOwner, type RepoLock } from "./repo-lock.ts";
export { removeGitLocksLeftBy } from "./left-git-locks.ts";
export { KeyedMutex } from "./keyed-mutex.ts";
export { createGitRunner, gitProcessesStarted, type GitRunner } from "./git-runner.ts";
