// Compare-and-swap of refs through one long-lived `git update-ref --stdin -z`, one explicit transaction per request
// (`start`, `update`/`delete` with the expected old value, `prepare`, `commit`), so moving a branch costs a pipe
// round trip instead of a process start. git answers `start: ok`, `prepare: ok`, `commit: ok`; when it cannot lock
// the ref (it moved, or a lock file is in the way) it dies on `prepare`, the request fails with what git said, and
// the next request starts a new process. Telling "someone moved it first" from any other refusal is the caller's
// job (it re-reads the ref).
//
// The reflog message is set per process (`-m`), so every update through here logs the same one.
import { BatchProcess, type ReplyReader } from "./batch-process.ts";

export interface RefUpdater {
  /**
   * Moves `ref` from `expected` (undefined: it must not exist) to `next` (undefined: delete it). Rejects with a
   * GitCommandError when git refused, having changed nothing.
   */
  update(ref: string, next: string | undefined, expected: string | undefined): Promise<void>;
  close(): Promise<void>;
}

const transactionReply: ReplyReader<void> = (data) => {
  let at = 0;
  for (const step of ["start", "prepare", "commit"]) {
    const nl = data.indexOf(0x0a, at);
    if (nl < 0) return { need: data.length + 1 };
    const line = data.toString("utf8", at, nl);
    if (line !== `${step}: ok`) throw new Error(`update-ref said ${JSON.stringify(line)}`);
    at = nl + 1;
  }
  return { value: undefined, length: at };
};

// A ref name or id that could end a -z field early (or start a new command) never reaches git.
const UNSAFE = /[\u0000-\u0020\u007f]/;

export function createRefUpdater(dir: string, zeroOid: string, reflogMessage: string): RefUpdater {
  const process = new BatchProcess(dir, ["update-ref", "--stdin", "-z", "-m", reflogMessage]);
  // One transaction on the wire at a time: git dies on a refused `prepare`, and a request queued behind it would
  // fail with that death without ever having been tried.
  let tail: Promise<unknown> = Promise.resolve();
  return {
    update(ref, next, expected) {
      if (next === undefined && expected === undefined) return Promise.reject(new Error(`deleting ${ref} needs the value it is expected to have`));
      for (const field of [ref, next ?? "", expected ?? ""]) {
        if (UNSAFE.test(field) || field.startsWith("-")) return Promise.reject(new Error(`refusing to pass ${JSON.stringify(field)} to update-ref`));
      }
      const command = next === undefined ? `delete ${ref}\0${expected}\0` : `update ${ref}\0${next}\0${expected ?? zeroOid}\0`;
      const run = tail.then(() => process.request(`start\0${command}prepare\0commit\0`, transactionReply));
      tail = run.catch(() => undefined);
      return run;
    },
    close: () => process.close(),
  };
}
