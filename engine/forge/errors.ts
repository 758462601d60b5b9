// Typed failures of the git layer. Callers switch on the class (and `retryable`), never on message text:
// git's own messages are localised and change between versions.

export class GitStoreError extends Error {
  override name = "GitStoreError";
  /** True when trying the same operation again, unchanged, may succeed (a ref moved, a remote raced us). */
  readonly retryable: boolean = false;
}

/** A git invocation exited with a status its caller did not expect; carries what git said. */
export class GitCommandError extends GitStoreError {
  override name = "GitCommandError";
  readonly args: readonly string[];
  readonly exitCode: number | undefined;
  readonly stderr: string;
  constructor(args: readonly string[], exitCode: number | undefined, stderr: string, options?: ErrorOptions) {
    super(`git ${args.join(" ")} failed (exit ${exitCode ?? "?"})${stderr.trim() ? `: ${stderr.trim()}` : ""}`, options);
    this.args = args;
    this.exitCode = exitCode;
    this.stderr = stderr;
  }
}

/** A compare-and-swap ref update kept losing to another writer; nothing of ours was written to the ref. */
export class GitRefMovedError extends GitStoreError {
  override name = "GitRefMovedError";
  override readonly retryable = true;
  readonly ref: string;
  readonly expected: string | undefined;
  readonly actual: string | undefined;
  constructor(ref: string, expected: string | undefined, actual: string | undefined, attempts: number, options?: ErrorOptions) {
    super(`${ref} moved under us ${attempts} time(s) (expected ${expected ?? "absent"}, found ${actual ?? "absent"})`, options);
    this.ref = ref;
    this.expected = expected;
    this.actual = actual;
  }
}

/** Replaying our commits onto someone else's collided; the repository was left as it was before. */
export class GitConflictError extends GitStoreError {
  override name = "GitConflictError";
  readonly paths: readonly string[];
  constructor(operation: string, paths: readonly string[], options?: ErrorOptions) {
    super(`${operation}: conflict in ${paths.length ? paths.join(", ") : "(unknown paths)"}`, options);
    this.paths = paths;
  }
}

/** A path handed to us could escape the repository or reach into git's own files. */
export class UnsafePathError extends GitStoreError {
  override name = "UnsafePathError";
  readonly path: string;
  readonly reason: string;
  constructor(path: string, reason: string, options?: ErrorOptions) {
    super(`unsafe path ${JSON.stringify(path)}: ${reason}`, options);
    this.path = path;
    this.reason = reason;
  }
}

export class InvalidRefNameError extends GitStoreError {
  override name = "InvalidRefNameError";
  readonly refName: string;
  constructor(refName: string, options?: ErrorOptions) {
    super(`not a valid branch name: ${JSON.stringify(refName)}`, options);
    this.refName = refName;
  }
}

export class GitRefNotFoundError extends GitStoreError {
  override name = "GitRefNotFoundError";
  readonly ref: string;
  constructor(ref: string, options?: ErrorOptions) {
    super(`no such ref: ${ref}`, options);
    this.ref = ref;
  }
}

/** The user's uncommitted changes stand where git would have to write; we refuse rather than clobber them. */
export class GitDirtyWorktreeError extends GitStoreError {
  override name = "GitDirtyWorktreeError";
  readonly paths: readonly string[];
  constructor(operation: string, paths: readonly string[], options?: ErrorOptions) {
    super(`${operation}: uncommitted changes in the way${paths.length ? `: ${paths.join(", ")}` : ""}`, options);
    this.paths = paths;
  }
}

/** Every push attempt was turned away (the remote kept moving, a hook refused, or access was denied). */
export class GitPushRejectedError extends GitStoreError {
  override name = "GitPushRejectedError";
  override readonly retryable = true;
  readonly branch: string;
  readonly remote: string;
  constructor(branch: string, remote: string, attempts: number, options?: ErrorOptions) {
    super(`push of ${branch} to ${remote} rejected ${attempts} time(s)`, options);
    this.branch = branch;
    this.remote = remote;
  }
}
