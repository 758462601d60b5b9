// Reading history back as data: which commits exist on a ref and what their trailers say is how a run learns what an
// earlier run (or another process) already did.
import type { StoreContext } from "./store-context.ts";
import { parseCommitMessage, type Trailers } from "./trailers.ts";

export interface CommitInfo {
  sha: string;
  parents: string[];
  subject: string;
  body: string;
  trailers: Trailers;
  /** Author date. */
  date: Date;
  author: { name: string; email: string };
}

export interface LogQuery {
  /** Branch, tag or commit to walk back from; a ref that does not exist yields no commits. */
  ref: string;
  /** Only commits carrying every one of these trailers with exactly these values. */
  trailers?: Trailers;
  /** At most this many (matching) commits, newest first. */
  maxCount?: number;
  /** Only commits touching this repo-relative path. */
  path?: string;
}

const FIELDS = ["%H", "%P", "%aI", "%an", "%ae", "%B"].join("%x1f");

export async function readLog(ctx: StoreContext, query: LogQuery): Promise<CommitInfo[]> {
  const tip = await ctx.resolveCommit(query.ref);
  if (tip === undefined) return [];
  const wanted = Object.entries(query.trailers ?? {});
  // Let git discard most non-matching commits (substring match); the exact check happens on the parsed trailers.
  const grep = wanted.length ? ["--fixed-strings", "--all-match", ...wanted.map(([k, v]) => `--grep=${k}: ${v}`)] : [];
  const args = ["log", "-z", `--format=${FIELDS}`, ...grep, tip, ...(query.path ? ["--", query.path] : [])];
  const out: CommitInfo[] = [];
  for (const record of (await ctx.git.run(args)).stdout.split("\0")) {
    if (!record) continue;
    const [sha = "", parents = "", date = "", name = "", email = "", ...message] = record.split("\x1f");
    const parsed = parseCommitMessage(message.join("\x1f"));
    if (!wanted.every(([k, v]) => parsed.trailers[k] === v)) continue;
    out.push({
      sha,
      parents: parents ? parents.split(" ") : [],
      ...parsed,
      date: new Date(date),
      author: { name, email },
    });
    if (query.maxCount !== undefined && out.length >= query.maxCount) break;
  }
  return out;
}
