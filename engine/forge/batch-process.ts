// A long-lived git process that answers requests written to its stdin (`cat-file --batch-command`, `hash-object
// --stdin-paths`, `mktree --batch`, `update-ref --stdin`), so a read, an object write or a ref update costs a pipe
// round trip instead of a process start.
import type { ChildProcessWithoutNullStreams } from "node:child_process";
import type { Socket } from "node:net";
import { GitCommandError } from "./errors.ts";
import { spawnGit } from "./git-runner.ts";

/** Reads one reply from the front of `data`: its value and byte length, or how many bytes to wait for first. */
export type ReplyReader<T> = (data: Buffer) => { value: T; length: number } | { need: number };

/** A reply of one line (returned without its newline). */
export const lineReply: ReplyReader<string> = (data) => {
  const nl = data.indexOf(0x0a);
  return nl < 0 ? { need: data.length + 1 } : { value: data.toString("utf8", 0, nl), length: nl + 1 };
};

interface Pending {
  read: ReplyReader<unknown>;
  resolve(value: unknown): void;
  reject(error: Error): void;
}

/** One started process and the requests written to it; a restart gets a fresh one, so late events of a dead process
 * can only fail that process's own requests. */
interface Session {
  child: ChildProcessWithoutNullStreams;
  /** Requests on the wire, oldest first: git answers in order, so the head owns the next reply. */
  queue: Pending[];
  data: Buffer[];
  size: number;
  /** Bytes to collect before asking the head's reader again. */
  need: number;
  stderr: string;
  idleTimer: NodeJS.Timeout | undefined;
  closed: Promise<void>;
  /** Requests not yet written: those made in one turn go out in one write (see request). */
  unsent: (string | Buffer)[];
}

const STDERR_KEPT = 16 * 1024;

function send(s: Session): void {
  const out = s.unsent;
  if (!out.length) return;
  s.unsent = [];
  s.child.stdin.write(out.length === 1 ? out[0]! : out.every((x) => typeof x === "string") ? out.join("") : Buffer.concat(out.map((x) => (typeof x === "string" ? Buffer.from(x, "utf8") : x))));
}
/** An unused process ends after this long, so a store nobody closes does not keep its processes around. */
const IDLE_MS = 5_000;

export class BatchProcess {
  readonly #dir: string;
  readonly #args: readonly string[];
  #session: Session | undefined;

  constructor(dir: string, args: readonly string[]) {
    this.#dir = dir;
    this.#args = args;
  }

  /** The running process's id (undefined before the first request and after close or idle exit). */
  get pid(): number | undefined {
    return this.#session?.child.pid;
  }

  /** Writes `input` (one complete request) and resolves with the reply `read` takes off the output. */
  request<T>(input: string | Buffer, read: ReplyReader<T>): Promise<T> {
    const s = this.#session ?? (this.#session = this.#start());
    return new Promise<T>((resolve, reject) => {
      if (s.queue.length === 0) busy(s);
      s.queue.push({ read, resolve: resolve as (value: unknown) => void, reject });
      // Requests made together (a commit's trees, a pipelined round of reads) are written together once this turn's
      // code has run: one system call and one wake-up of git instead of one each.
      if (s.unsent.push(input) === 1) queueMicrotask(() => send(s));
    });
  }

  /** Ends the process once it has answered what it was sent; a later request starts a new one. */
  async close(): Promise<void> {
    const s = this.#session;
    if (!s) return;
    this.#session = undefined;
    // Someone waits for the exit (the end of a run, maybe a top-level await): keep Node alive until it comes.
    busy(s);
    send(s);
    s.child.stdin.end();
    await s.closed;
  }

  #start(): Session {
    // GIT_FLUSH: hash-object would otherwise hold its answers back if the operator's environment said so.
    const child = spawnGit(this.#dir, this.#args, { GIT_FLUSH: "1" });
    let closedNow = (): void => undefined;
    const s: Session = { child, queue: [], data: [], size: 0, need: 1, stderr: "", idleTimer: undefined, closed: new Promise((r) => (closedNow = r)), unsent: [] };
    idle(s, () => this.#retire(s));
    child.stdout.on("data", (chunk: Buffer) => this.#onData(s, chunk));
    child.stderr.on("data", (chunk: Buffer) => (s.stderr = (s.stderr + chunk.toString("utf8")).slice(-STDERR_KEPT)));
    // A write to a process that just died: its requests are failed on "close" below, with what git said.
    child.stdin.on("error", () => undefined);
    child.on("error", (e) => (s.stderr += `\n${String(e)}`));
    child.on("close", (code, signal) => {
      clearTimeout(s.idleTimer);
      if (this.#session === s) this.#session = undefined;
      const said = s.stderr.trim();
      this.#fail(s, new GitCommandError(this.#args, code ?? undefined, said || (signal ? `killed by ${signal}` : "exited before answering")));
      closedNow();
    });
    return s;
  }

  #onData(s: Session, chunk: Buffer): void {
    s.data.push(chunk);
    s.size += chunk.length;
    while (s.size >= s.need) {
      const head = s.queue[0];
      if (!head) return this.#broken(s, "output nobody asked for");
      const data = s.data.length === 1 ? s.data[0]! : Buffer.concat(s.data, s.size);
      let reply: ReturnType<ReplyReader<unknown>>;
      try {
        reply = head.read(data);
      } catch (e) {
        return this.#broken(s, (e as Error).message);
      }
      if ("need" in reply) {
        s.data = [data];
        s.need = reply.need;
        return;
      }
      s.queue.shift();
      const rest = data.subarray(reply.length);
      s.data = rest.length ? [rest] : [];
      s.size = rest.length;
      s.need = 1;
      if (s.queue.length === 0) idle(s, () => this.#retire(s));
      head.resolve(reply.value);
    }
  }

  /** Output we cannot parse means the replies can no longer be matched to requests: start over. */
  #broken(s: Session, why: string): void {
    if (this.#session === s) this.#session = undefined;
    this.#fail(s, new GitCommandError(this.#args, undefined, `unexpected reply: ${why}`));
    s.child.kill();
  }

  #retire(s: Session): void {
    if (this.#session !== s || s.queue.length) return;
    this.#session = undefined;
    s.child.stdin.end();
  }

  #fail(s: Session, error: GitCommandError): void {
    for (const p of s.queue.splice(0)) p.reject(error);
  }
}

// While a request waits, the process and its output keep Node alive (a top-level `await store.readFile()` must get
// its answer); while idle, nothing of it does, so a forgotten store never holds a finished program open.
function busy(s: Session): void {
  clearTimeout(s.idleTimer);
  s.child.ref();
  // stderr too: when git dies answering (update-ref refusing a compare-and-swap), the requests fail on "close",
  // which waits for stderr's end; an unref'd stderr let Node exit first, the failure never delivered.
  for (const pipe of [s.child.stdout, s.child.stderr]) (pipe as Socket).ref();
}

function idle(s: Session, retire: () => void): void {
  s.child.unref();
  for (const pipe of [s.child.stdin, s.child.stdout, s.child.stderr]) (pipe as Socket).unref();
  clearTimeout(s.idleTimer);
  s.idleTimer = setTimeout(retire, IDLE_MS).unref();
}
