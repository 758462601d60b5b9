// git's two spellings of a tree: the stored object (`<mode> <name>\0<raw id>` per entry), which cat-file gives us,
// and `git mktree`'s input lines, which we write (git sorts the entries and names the tree). Names are byte strings
// (one char per byte, "latin1"): a tree made by another tool may hold names that are not UTF-8, and they must come
// out exactly as they went in.

export interface TreeEntry {
  /** Octal, as stored: "100644", "100755", "120000", "40000" (a tree), "160000" (a submodule). */
  mode: string;
  /** The name's bytes, one char per byte. */
  name: string;
  oid: string;
}

export const TREE_MODE = "40000";

/** The empty tree of each object format, keyed by id length (sha1, sha256). */
const EMPTY_TREE: Record<number, string> = {
  40: "4b825dc642cb6eb9a060e54bf8d69288fbee4904",
  64: "6ef19b41225c5369f1c104d45d8d85efa9b057b53b14b4b9b939dd74decc5321",
};

export const isEmptyTree = (entry: TreeEntry): boolean => entry.mode === TREE_MODE && EMPTY_TREE[entry.oid.length] === entry.oid;

/** A repository path component as a name byte string. */
export const nameBytes = (component: string): string => Buffer.from(component, "utf8").toString("latin1");

/** Entries of a tree object; `oidLength` is the hex length of the tree's own id (sha1 or sha256). */
export function parseTree(content: Buffer, oidLength: number): TreeEntry[] {
  const raw = oidLength / 2;
  const entries: TreeEntry[] = [];
  for (let i = 0; i < content.length; ) {
    const space = content.indexOf(0x20, i);
    const nul = content.indexOf(0, space + 1);
    if (space < 0 || nul < 0 || nul + 1 + raw > content.length) throw new Error("truncated tree object");
    entries.push({
      mode: content.toString("latin1", i, space),
      name: content.toString("latin1", space + 1, nul),
      oid: content.toString("hex", nul + 1, nul + 1 + raw),
    });
    i = nul + 1 + raw;
  }
  return entries;
}

/**
 * The mode an index entry would give this one (git's canon_mode): a tree rebuilt from the index, as `write-tree`
 * did for every tree a commit touched, stores nothing else, e.g. a legacy "100664" comes back as "100644".
 */
export function canonicalMode(mode: string): string {
  const m = parseInt(mode, 8);
  switch (m & 0o170000) {
    case 0o040000:
      return TREE_MODE;
    case 0o120000:
      return "120000";
    case 0o100000:
      return m & 0o100 ? "100755" : "100644";
    default:
      return "160000";
  }
}

const TYPE_OF_MODE: Record<string, string> = { [TREE_MODE]: "tree", "160000": "commit" };

/**
 * One `git mktree` input line, all ASCII. mktree's -z mode is broken in git 2.39 with --batch, so names go on
 * newline-separated lines, C-quoted (what mktree unquotes) whenever a byte could be misread: a quote, a backslash,
 * a control character (a name made by another tool may hold a newline), and anything beyond ASCII, which also
 * keeps a name's bytes from being re-encoded on their way into the pipe.
 */
export function mktreeLine(entry: TreeEntry): string {
  return `${entry.mode} ${TYPE_OF_MODE[entry.mode] ?? "blob"} ${entry.oid}\t${cQuote(entry.name)}\n`;
}

function cQuote(name: string): string {
  if (!/["\\\u0000-\u001f\u007f-\u00ff]/.test(name)) return name;
  let out = '"';
  for (const ch of name) {
    const byte = ch.charCodeAt(0);
    if (ch === '"' || ch === "\\") out += `\\${ch}`;
    else if (byte < 0x20 || byte >= 0x7f) out += `\\${byte.toString(8).padStart(3, "0")}`;
    else out += ch;
  }
  return `${out}"`;
}
