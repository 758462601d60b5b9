// A memory file as the engine changes it: new entries appended with their provenance, a near-duplicate folded into the
// entry it repeats, several entries replaced by one summary that keeps every source. Comments and layout of what a
// person wrote stay as they were.
import { createHash } from "node:crypto";
import { isMap, isSeq, parseDocument, type Document } from "yaml";
import type { MemoryEntry, MemoryProvenance } from "../agency/types.gen.ts";
import { nearDuplicate } from "./near-duplicate.ts";

/** What a new entry brings: its kind, words and where they came from. */
export interface NewEntry {
  kind: MemoryEntry["kind"];
  text: string;
  provenance: MemoryProvenance;
}

export interface MemoryChange {
  text: string;
  /** Ids of entries added. */
  added: string[];
  /** Ids of existing entries a new one was folded into. */
  merged: string[];
}

const oneLine = (s: string) => s.replace(/\s+/g, " ").trim();

/** A stable id for new words in a file: the file's stem and a digest, so the same lesson gets the same id anywhere. */
export function entryId(file: string, text: string): string {
  const stem = file.replace(/^roles\//, "").replace(/\.ya?ml$/, "").replace(/[^a-z0-9-]/g, "-").slice(0, 40);
  return `${stem}-${createHash("sha256").update(oneLine(text).toLowerCase()).digest("hex").slice(0, 8)}`;
}

function header(file: string, schemaRef: string): string {
  return `# yaml-language-server: $schema=${schemaRef}\n# agency/memory/${file}: kept by /teach, \`ateams teach\` and the Learning & Performance Manager; edit freely.\nentries: []\n`;
}

function entriesOf(doc: Document): MemoryEntry[] {
  const v = doc.toJS() as { entries?: MemoryEntry[] } | null;
  return v?.entries ?? [];
}

function seq(doc: Document) {
  let list = doc.get("entries", true);
  if (!isSeq(list)) {
    if (!isMap(doc.contents)) doc.contents = doc.createNode({}) as never;
    list = doc.createNode([]);
    doc.set("entries", list);
  }
  // `entries: []` (a new file) is a flow sequence: entries are written as blocks, one field per line.
  (list as { flow?: boolean }).flow = false;
  return list as ReturnType<typeof doc.createNode> & { items: unknown[]; add(v: unknown): void };
}

const sameSource = (a: MemoryProvenance, b: MemoryProvenance) => a.by === b.by && a.project === b.project && a.source === b.source && oneLine(a.at).slice(0, 10) === oneLine(b.at).slice(0, 10);

/**
 * `existing` (undefined for a new file) with `entries` added. The same words, or a near-duplicate of an entry the file
 * holds, add their provenance to that entry instead (the same source twice is recorded once). `schemaRef` is the
 * `$schema` line a new file starts with (engine/rewrite/schema-ref.ts: the installed package's schemas in a user's
 * repository).
 */
export function addEntries(existing: string | undefined, file: string, entries: readonly NewEntry[], schemaRef: string): MemoryChange {
  const doc = parseDocument(existing ?? header(file, schemaRef));
  const list = seq(doc);
  const known = entriesOf(doc);
  const added: string[] = [];
  const merged: string[] = [];
  for (const e of entries) {
    const text = e.text.trim();
    const index = known.findIndex((k) => nearDuplicate(k.text, text));
    if (index >= 0) {
      const k = known[index]!;
      if (k.provenance.some((p) => sameSource(p, e.provenance))) continue;
      k.provenance = [...k.provenance, e.provenance] as MemoryEntry["provenance"];
      doc.setIn(["entries", index, "provenance"], doc.createNode(k.provenance));
      merged.push(k.id);
      continue;
    }
    let id = entryId(file, text);
    while (known.some((k) => k.id === id)) id = `${id}x`.slice(-80);
    const entry: MemoryEntry = { id, kind: e.kind, text, provenance: [e.provenance] };
    known.push(entry);
    list.add(doc.createNode(entry));
    added.push(id);
  }
  return { text: added.length || merged.length ? doc.toString({ lineWidth: 120 }) : (existing ?? doc.toString({ lineWidth: 120 })), added, merged };
}

/**
 * `existing` with the entries `replaces` (ids) taken out and one summary entry in place of the first of them, holding
 * the provenance of every entry it replaces: a summary forgets words, never where they came from.
 */
export function summarizeEntries(existing: string, file: string, replaces: readonly string[], summary: string, by: MemoryProvenance): { text: string; id: string } | undefined {
  const doc = parseDocument(existing);
  const known = entriesOf(doc);
  const gone = known.filter((k) => replaces.includes(k.id));
  if (gone.length < 2) return undefined;
  // A new id, unless it is taken by an entry that stays: the loader refuses an id twice.
  const kept = known.filter((k) => !replaces.includes(k.id));
  let id = entryId(file, summary);
  while (kept.some((k) => k.id === id)) id = `${id}x`.slice(-80);
  const [oldest, ...rest] = [...gone.flatMap((g) => g.provenance), by];
  const provenance: MemoryEntry["provenance"] = [oldest!, ...rest];
  const entry: MemoryEntry = { id, kind: "summary", text: summary.trim(), provenance };
  const first = known.findIndex((k) => replaces.includes(k.id));
  const list = seq(doc);
  list.items[first] = doc.createNode(entry);
  for (let i = known.length - 1; i > first; i--) if (replaces.includes(known[i]!.id)) list.items.splice(i, 1);
  return { text: doc.toString({ lineWidth: 120 }), id };
}
