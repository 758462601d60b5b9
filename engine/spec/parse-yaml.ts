// Text → YAML document with source positions. Takes text and a path label, never touches the disk.
import { isMap, isPair, isScalar, isSeq, LineCounter, parseAllDocuments, type Document, type Node } from "yaml";
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
  const doc = parseAllDocuments(text, { lineCounter: lines, prettyErrors: true, uniqueKeys: false })[0] as Document.Parsed;
  return { doc, lines };
}

export function parseYaml(text: string, file: string): ParsedYaml | Diagnostic[] {
  const fast = parseJsonFastPath(text, file);
  if (fast) return fast;
  const lines = new LineCounter();
  let docs;
  try {
    docs = parseAllDocuments(text, { lineCounter: lines, prettyErrors: true, uniqueKeys: true, strict: true });
  } catch (e) {
    return [error(file, 1, 1, `cannot parse YAML: ${describe(e)}`)];
  }
  if (!Array.isArray(docs)) return [error(file, 1, 1, "no YAML document found")];
  const first = docs[0];
  if (!first) return [error(file, 1, 1, "no YAML document found")];
  const problems: Diagnostic[] = [];
  const errors = docs.flatMap((d) => d.errors);
  for (const e of errors.slice(0, MAX_SYNTAX_ERRORS)) {
    const [line, col] = e.linePos?.[0] ? [e.linePos[0].line, e.linePos[0].col] : [1, 1];
    const message = /call stack/i.test(e.message) ? "nesting too deep" : firstLine(e.message);
    if (!problems.some((p) => p.line === line && p.col === col && p.message === message)) problems.push(error(file, line, col, message));
  }
  if (errors.length > MAX_SYNTAX_ERRORS) {
    const last = problems[problems.length - 1]!;
    problems.push(error(file, last.line, last.col, `${errors.length - MAX_SYNTAX_ERRORS} more syntax errors not shown`));
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
  const warnings = first.warnings.map((w) => {
    const pos = w.linePos?.[0];
    return warningAt(file, pos?.line ?? 1, pos?.col ?? 1, firstLine(w.message));
  });
  return { file, value, warnings, source: () => ({ doc: first, lines }) };
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
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(seg));
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
