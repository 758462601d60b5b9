// Object reads through one long-lived `git cat-file --batch-command` (`contents` for objects, `info` for type and
// size alone). Names are resolved afresh on every request, so refs moved and objects written by other processes are
// seen; content comes back as bytes.
import { BatchProcess, type ReplyReader } from "./batch-process.ts";
import { createGitRunner } from "./git-runner.ts";
import { parseTree, type TreeEntry } from "./tree-format.ts";

export interface GitObject {
  oid: string;
  type: "blob" | "tree" | "commit" | "tag";
  content: Buffer;
}

export interface ObjectInfo {
  oid: string;
  type: GitObject["type"];
  size: number;
}

export interface ObjectReader {
  /** Any object name git understands (`<ref>^{commit}`, `<rev>:<path>`, a sha); undefined when there is none. */
  read(name: string): Promise<GitObject | undefined>;
  /** Id, type and size of the object `name` names, without its content; undefined when there is none. */
  info(name: string): Promise<ObjectInfo | undefined>;
  /** Entries of the tree `name` names, with its id; undefined when it does not name a tree. */
  readTree(name: string): Promise<{ oid: string; entries: readonly TreeEntry[] } | undefined>;
  close(): Promise<void>;
}

const HEADER = /^([0-9a-f]{40}|[0-9a-f]{64}) (blob|tree|commit|tag) (\d+)$/;

/** The header line both replies start with: the object's id, type and size; null for a missing or ambiguous name. */
function header(data: Buffer): { need: number } | { info: ObjectInfo | null; at: number } {
  const nl = data.indexOf(0x0a);
  if (nl < 0) return { need: data.length + 1 };
  const line = data.toString("utf8", 0, nl);
  const m = HEADER.exec(line);
  if (m) return { info: { oid: m[1]!, type: m[2] as GitObject["type"], size: Number(m[3]) }, at: nl + 1 };
  if (line.endsWith(" missing") || line.endsWith(" ambiguous")) return { info: null, at: nl + 1 };
  throw new Error(`cat-file said ${JSON.stringify(line)}`);
}

// "<oid> <type> <size>\n<content>\n", or "<name> missing\n" / "<name> ambiguous\n".
const objectReply: ReplyReader<GitObject | undefined> = (data) => {
  const h = header(data);
  if ("need" in h) return h;
  if (!h.info) return { value: undefined, length: h.at };
  const end = h.at + h.info.size;
  if (data.length < end + 1) return { need: end + 1 };
  // A copy: a slice would keep the whole read buffer alive for as long as the caller keeps the content.
  return { value: { oid: h.info.oid, type: h.info.type, content: Buffer.from(data.subarray(h.at, end)) }, length: end + 1 };
};

// "<oid> <type> <size>\n", or "<name> missing\n" / "<name> ambiguous\n".
const infoReply: ReplyReader<ObjectInfo | undefined> = (data) => {
  const h = header(data);
  if ("need" in h) return h;
  return { value: h.info ?? undefined, length: h.at };
};

// The request is one line, read whole: a newline would start a second request whose reply nobody awaits, and git
// drops a trailing CR. A leading "-" is refused too, as rev-parse's --end-of-options did for the spawned commands.
const UNSAFE_NAME = /^$|^-|[\u0000-\u001f\u007f]/;

export function createObjectReader(dir: string): ObjectReader {
  // Unbuffered (no --buffer), so each answer is written as soon as it is ready.
  const process = new BatchProcess(dir, ["cat-file", "--batch-command"]);
  const git = createGitRunner(dir);
  /**
   * The name to send: itself, or for reflog and upstream forms (`@{…}`) the id a one-off rev-parse gives. For some
   * of those (`HEAD@{99}` past the reflog, `main@{upstream}` without one) cat-file exits instead of saying "missing",
   * which would fail every other request queued on the shared process.
   */
  const safe = async (name: string): Promise<string | undefined> => {
    if (UNSAFE_NAME.test(name)) return undefined;
    if (!name.includes("@{")) return name;
    const r = await git.run(["rev-parse", "-q", "--verify", "--end-of-options", name], { ok: "any" });
    return r.exitCode === 0 ? r.stdout.trim() || undefined : undefined;
  };
  const read = async (name: string): Promise<GitObject | undefined> => {
    const n = await safe(name);
    return n === undefined ? undefined : process.request(`contents ${n}\n`, objectReply);
  };
  return {
    read,
    async info(name) {
      const n = await safe(name);
      return n === undefined ? undefined : process.request(`info ${n}\n`, infoReply);
    },
    async readTree(name) {
      const tree = await read(name);
      return tree?.type === "tree" ? { oid: tree.oid, entries: parseTree(tree.content, tree.oid.length) } : undefined;
    },
    close: () => process.close(),
  };
}

export interface CommitHeader {
  oid: string;
  tree: string;
  parents: string[];
}

/** The tree and parents of the commit `name` names (not peeled: a tag is not a commit); undefined otherwise. */
export async function readCommitHeader(reader: ObjectReader, name: string): Promise<CommitHeader | undefined> {
  const object = await reader.read(name);
  if (object?.type !== "commit") return undefined;
  const end = object.content.indexOf("\n\n");
  const lines = object.content.toString("latin1", 0, end < 0 ? object.content.length : end).split("\n");
  let tree = "";
  const parents: string[] = [];
  // Headers come in a fixed order: tree, then parents, then author and the rest.
  for (const line of lines) {
    if (line.startsWith("tree ")) tree = line.slice(5);
    else if (line.startsWith("parent ")) parents.push(line.slice(7));
    else break;
  }
  return { oid: object.oid, tree, parents };
}
