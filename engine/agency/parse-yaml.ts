// Text → YAML document with source positions. Takes text and a path label, never touches the disk.
import { isMap, isPair, isScalar, isSeq, LineCounter, parseAllDocuments, type Document, type Node, type Pair, type YAMLMap } from "yaml";
import { error, warning as warningAt, type Diagnostic } from "./diagnostic.ts";

export interface ParsedYaml {
  file: string;
  value: unknown;
  /** Non-fatal parser findings (e.g. an unknown tag), reported as warnings. */
  warnings: Diagnostic[];
  /** The positioned document, built only when a diagnostic needs a line number. */
  source(): { doc: Document.Parsed; lines: LineCounter };
}

/** Alias expansion budget: a "billion laughs" file fails fast instead of eating memory. */
const MAX_ALIAS_COUNT = 100;
/** After this many, further syntax errors are usually echoes of the first ones. */
const MAX_SYNTAX_ERRORS = 5;

/**
 * Engine-written files (status.yaml) are JSON-compatible YAML: a few `#` comment lines, then JSON. They are read
 * with JSON.parse, which is ~100× faster than a YAML parser; positions are computed lazily, only for errors.
 * Anything else, or JSON that does not parse, takes the full YAML path.
 */
function parseJsonFastPath(text: string, file: string): ParsedYaml | undefined {
  let start = 0;
  while (text.startsWith("#", start)) {
    const nl = text.indexOf("\n", start);
    if (nl === -1) return undefined;
    start = nl + 1;
  }
  if (text[start] !== "{") return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text.slice(start));
  } catch {
    return undefined;
  }
  let positioned: { doc: Document.Parsed; lines: LineCounter } | undefined;
  return {
    file,
    value,
    warnings: [],
    source: () => (positioned ??= positionedDocument(text)),
  };
}

function positionedDocument(text: string): { doc: Document.Parsed; lines: LineCounter } {
  const lines = new LineCounter();
  const doc = withoutStackTraces(() => parseAllDocuments(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: false }))[0] as Document.Parsed;
  return { doc, lines };
}

export function parseYaml(text: string, file: string): ParsedYaml | Diagnostic[] {
  const fast = parseJsonFastPath(text, file);
  if (fast) return fast;
  const lines = new LineCounter();
  let docs;
  try {
    // prettyErrors off: it quotes the offending line in every error, which costs the line's length per error
    // (100,000 errors on one long line took seconds). Positions are computed below for the errors shown.
    // uniqueKeys off: the parser compares each key with every earlier one (30,000 keys took a minute);
    // duplicateKeys() below does the same check with an index.
    docs = withoutStackTraces(() => parseAllDocuments(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: false, strict: true }));
  } catch (e) {
    return [error(file, 1, 1, `cannot parse YAML: ${describe(e)}`)];
  }
  if (!Array.isArray(docs)) return [error(file, 1, 1, "no YAML document found")];
  const first = docs[0];
  if (!first) return [error(file, 1, 1, "no YAML document found")];
  const problems: Diagnostic[] = [];
  const errors = [
    ...docs.flatMap((d) => d.errors.map((e) => ({ offset: e.pos[0], message: e.message }))),
    ...docs.flatMap((d) => duplicateKeys(d).map((offset) => ({ offset, message: "Map keys must be unique" }))),
  ].sort((a, b) => a.offset - b.offset);
  for (const e of errors.slice(0, MAX_SYNTAX_ERRORS)) {
    const { line, col } = positionOf(lines, e.offset);
    const message = /call stack/i.test(e.message) ? "nesting too deep" : firstLine(e.message);
    if (!problems.some((p) => p.line === line && p.col === col && p.message === message)) problems.push(error(file, line, col, message));
  }
  if (errors.length > MAX_SYNTAX_ERRORS) {
    const last = problems[problems.length - 1]!;
    const hiddenErrors = errors.length - MAX_SYNTAX_ERRORS;
    problems.push({ ...error(file, last.line, last.col, `${hiddenErrors} more syntax errors not shown`), hiddenErrors });
  }
  if (problems.length) return problems;
  if (docs.length > 1) {
    const second = docs[1]!;
    const pos = lines.linePos(second.range[0]);
    return [error(file, pos.line, pos.col, "expected a single YAML document, found another one here")];
  }
  let value: unknown;
  try {
    value = first.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    const unresolved = /Unresolved alias[^:]*: \*?([^\s]+)/i.exec(message);
    if (unresolved) {
      const name = unresolved[1]!.replace(/^\*/, "");
      const at = text.search(new RegExp(`\\*${name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}(?![\\w-])`));
      const pos = lines.linePos(Math.max(0, at));
      return [error(file, pos.line, pos.col, `undefined alias *${name}: no anchor &${name} before it`)];
    }
    const msg = /alias/i.test(message)
      ? `too many alias expansions (more than ${MAX_ALIAS_COUNT}); refusing a possible alias bomb`
      : `cannot read YAML value: ${describe(e)}`;
    return [error(file, 1, 1, msg)];
  }
  if (value === null || value === undefined) return [error(file, 1, 1, "document is empty")];
  const warnings = first.warnings.slice(0, MAX_SYNTAX_ERRORS).map((w) => {
    const { line, col } = positionOf(lines, w.pos[0]);
    return warningAt(file, line, col, firstLine(w.message));
  });
  if (first.warnings.length > MAX_SYNTAX_ERRORS) {
    const last = warnings[warnings.length - 1]!;
    warnings.push(warningAt(file, last.line, last.col, `${first.warnings.length - MAX_SYNTAX_ERRORS} more warnings not shown`));
  }
  return { file, value, warnings, source: () => ({ doc: first, lines }) };
}

/**
 * Offsets of mapping keys that repeat an earlier scalar key of the same mapping (what the parser's uniqueKeys
 * reports), found with one index per mapping. Walks with an explicit stack: nesting depth is user input.
 */
function duplicateKeys(doc: Document.Parsed): number[] {
  const found: number[] = [];
  const stack: unknown[] = [doc.contents];
  while (stack.length) {
    const node = stack.pop();
    if (isMap(node)) {
      const keys = new Set<unknown>();
      for (const pair of node.items) {
        const key = pair.key;
        if (isScalar(key)) {
          if (keys.has(key.value)) found.push(key.range?.[0] ?? 0);
          else keys.add(key.value);
        } else if (key) stack.push(key);
        stack.push(pair.value);
      }
    } else if (isSeq(node)) {
      for (const item of node.items) stack.push(item);
    }
  }
  return found;
}

/**
 * The parser makes an Error per syntax error, and capturing a stack trace is most of its cost: 100,000 stray `}`
 * took seconds. Nothing reads those stacks (messages and offsets are all a diagnostic uses).
 */
function withoutStackTraces<T>(parse: () => T): T {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return parse();
  } finally {
    Error.stackTraceLimit = limit;
  }
}

function positionOf(lines: LineCounter, offset: number | undefined): { line: number; col: number } {
  return offset === undefined || offset < 0 ? { line: 1, col: 1 } : lines.linePos(offset);
}

function describe(e: unknown): string {
  if (e instanceof RangeError) return "nesting too deep";
  return firstLine(e instanceof Error ? e.message : String(e));
}

function firstLine(s: string): string {
  return s.split("\n")[0]!.replace(/ at line \d+, column \d+:?$/, "").trim();
}

export type PathSegment = string | number;

/**
 * Line and column of the node at `path` (JSON-pointer segments). With `key`, the position of the mapping key
 * instead of its value. Falls back to the deepest existing ancestor, so a missing property points at its parent.
 */
export function locate(parsed: ParsedYaml, path: readonly PathSegment[], opts: { key?: boolean } = {}): [number, number] {
  const { doc, lines } = parsed.source();
  let node: unknown = doc.contents;
  let best: { range?: [number, number, number] | null } | null = node as Node | null;
  for (let i = 0; i < path.length; i++) {
    const seg = path[i]!;
    const last = i === path.length - 1;
    if (isMap(node)) {
      const pair = pairsByKey(node).get(String(seg));
      if (!pair) break;
      if (last && opts.key && pair.key) {
        best = pair.key as Node;
        break;
      }
      node = pair.value;
      best = (pair.value as Node | null) ?? (pair.key as Node);
    } else if (isSeq(node)) {
      const item = node.items[Number(seg)];
      if (item === undefined) break;
      node = item;
      best = item as Node;
    } else break;
  }
  const offset = best?.range?.[0] ?? 0;
  const pos = lines.linePos(offset);
  return [pos.line, pos.col];
}

/**
 * Each mapping's pairs by key, built on the first lookup in that mapping: a file with thousands of diagnostics
 * locates each in time proportional to its depth, not to the size of the mapping. The first of duplicate keys wins,
 * as the parser's value does.
 */
const pairIndex = new WeakMap<YAMLMap, Map<string, Pair>>();
function pairsByKey(map: YAMLMap): Map<string, Pair> {
  let index = pairIndex.get(map);
  if (!index) {
    index = new Map();
    for (const p of map.items) {
      if (!isPair(p) || !isScalar(p.key)) continue;
      const key = String(p.key.value);
      if (!index.has(key)) index.set(key, p);
    }
    pairIndex.set(map, index);
  }
  return index;
}
