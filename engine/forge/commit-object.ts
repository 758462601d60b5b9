// Commit objects composed here and written through the long-lived hash-object process: byte for byte what
// `git commit-tree <tree> -p … -m <message>` writes, without a process per commit. The identity comes from
// `git var` (so configuration, environment and our fallback decide it exactly as for commit-tree); only the dates
// are filled in per commit. What we do not reproduce (a non-UTF-8 i18n.commitEncoding, text git would re-encode)
// still goes through commit-tree. commit.gpgSign needs nothing: commit-tree ignores it (it signs only with -S).
import { redact } from "../secrets/redact.ts";
import type { GitRunner } from "./git-runner.ts";
import type { NewObject, ObjectWriter } from "./object-writer.ts";
import type { RepoConfig } from "./repo-config.ts";

/**
 * Writes the commit of `tree` and returns its id. `objects` are the new objects the tree needs (its blobs and
 * trees, named but not yet written): they go out together with the commit, without waiting between them, and the
 * id is returned only once all of them are stored.
 */
export interface CommitWriter {
  (tree: string, parents: readonly string[], message: string, objects?: readonly NewObject[]): Promise<string>;
  /** Reads the identity and commit settings now rather than at the first commit. */
  prepare(): Promise<void>;
}

interface Setup {
  /** A non-UTF-8 i18n.commitEncoding (an `encoding` header), or an identity we could not read as git has it. */
  commitTree: boolean;
  author(): string;
  committer(): string;
}

export function createCommitWriter(git: GitRunner, identityEnv: () => Promise<Record<string, string>>, writer: ObjectWriter, config: () => Promise<RepoConfig>): CommitWriter {
  let setup: Promise<Setup> | undefined;
  const settings = async (): Promise<Setup> => {
    setup ??= readSetup(git, await identityEnv(), await config()).catch((e: unknown) => {
      setup = undefined; // an identity git refuses today may be configured tomorrow: ask again next time
      throw e;
    });
    return setup;
  };
  const write = async (tree: string, parents: readonly string[], message: string, objects: readonly NewObject[] = []): Promise<string> => {
    const s = await settings();
    // Every commit this engine writes (task, status, merge) is made here: no secret reaches a commit message.
    message = redact(message);
    parents = [...new Set(parents)]; // commit-tree ignores a repeated parent
    // commit-tree -m keeps the text as given and completes its last line (an empty one stays empty).
    const body = message === "" || message.endsWith("\n") ? message : `${message}\n`;
    const text = `tree ${tree}\n${parents.map((p) => `parent ${p}\n`).join("")}author ${s.author()}\ncommitter ${s.committer()}\n\n${body}`;
    if (s.commitTree || gitWouldRewrite(text)) {
      // commit-tree wants its tree stored first.
      await writer.write(objects);
      const env = await identityEnv();
      return git.text(["commit-tree", tree, ...parents.flatMap((p) => ["-p", p]), "-m", message], { env });
    }
    const commit = writer.commit(text);
    await writer.write([...objects, commit]);
    return commit.oid;
  };
  return Object.assign(write, { prepare: async () => void (await settings()) });
}

async function readSetup(git: GitRunner, env: Record<string, string>, config: RepoConfig): Promise<Setup> {
  const [author, committer] = await Promise.all([git.text(["var", "GIT_AUTHOR_IDENT"], { env }), git.text(["var", "GIT_COMMITTER_IDENT"], { env })]);
  const encoding = config.get("i18n.commitencoding");
  return {
    // An identity that was not valid UTF-8 reached us altered (U+FFFD); commit-tree writes it as git has it.
    commitTree: (encoding !== undefined && !/^utf-?8$/i.test(encoding)) || /\uFFFD/.test(author + committer),
    author: dated(author, process.env.GIT_AUTHOR_DATE),
    committer: dated(committer, process.env.GIT_COMMITTER_DATE),
  };
}

/** `Name <email> <seconds> <±hhmm>` for now, unless a date was fixed in the environment (then git's, as read). */
function dated(ident: string, fixedDate: string | undefined): () => string {
  const m = /^(.*) \d+ [+-]\d{4}$/s.exec(ident);
  if (!m) throw new Error(`git var printed an identity without a date: ${JSON.stringify(ident)}`);
  if (fixedDate) return () => ident;
  return () => {
    const now = new Date();
    const offset = -now.getTimezoneOffset();
    const abs = Math.abs(offset);
    const tz = `${offset < 0 ? "-" : "+"}${String(Math.floor(abs / 60)).padStart(2, "0")}${String(abs % 60).padStart(2, "0")}`;
    return `${m[1]} ${Math.floor(now.getTime() / 1000)} ${tz}`;
  };
}

/**
 * True for text git would not store as given: a NUL (an argument cannot carry one, so commit-tree fails as before),
 * or a code point git's UTF-8 check rejects (noncharacters), whose bytes it re-encodes as if they were Latin-1.
 */
function gitWouldRewrite(text: string): boolean {
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    if (cp === 0 || (cp >= 0xfdd0 && cp <= 0xfdef) || (cp & 0xfffe) === 0xfffe) return true;
  }
  return false;
}
