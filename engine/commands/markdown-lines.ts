// Which lines of a comment Markdown renders as ordinary text. A /command quoted from someone else, shown as an
// example in code, or sitting inside an inline code span must not act, so the parser only looks at "text" lines.
// This is a line classifier, not a Markdown parser: where it is unsure it errs towards "not text", because a
// command that is missed can be typed again, while one that fires by accident cannot be taken back.

export type LineKind =
  /** Paragraph text: the only place a command can start. */
  | "text"
  | "blank"
  /** A ``` or ~~~ fence line, opening or closing. */
  | "fence"
  /** Inside a fenced block, or an indented code block. */
  | "code"
  /** A `>` line, or a lazy continuation of one (Markdown keeps those in the quote). */
  | "quote";

export interface MarkdownLine {
  text: string;
  kind: LineKind;
  /** The line's first visible character lies inside an inline code span opened on an earlier line. */
  inCodeSpan: boolean;
}

const FENCE_OPEN = /^[ \t]*(`{3,}|~{3,})(.*)$/;

/** Splits sanitized text (`\n` line endings) into classified lines, in order. */
export function classifyLines(text: string): MarkdownLine[] {
  const out: MarkdownLine[] = [];
  let fence: { char: string; length: number } | undefined;
  let prev: LineKind = "blank";
  for (const line of text.split("\n")) {
    let kind: LineKind;
    const open = FENCE_OPEN.exec(line);
    if (fence) {
      kind = closesFence(line, fence) ? "fence" : "code";
      if (kind === "fence") fence = undefined;
    } else if (line.trim() === "") {
      kind = "blank";
    } else if (open && !(open[1]!.startsWith("`") && open[2]!.includes("`"))) {
      // Fences are recognised at any indentation (CommonMark allows 3 spaces, but list items nest them deeper).
      // A backtick fence's info string cannot hold a backtick; such a line is an inline code span instead.
      fence = { char: open[1]![0]!, length: open[1]!.length };
      kind = "fence";
    } else if (/^[ \t]*>/.test(line) || prev === "quote") {
      kind = "quote";
    } else if (indentOf(line) >= 4 && (prev === "blank" || prev === "code")) {
      // An indented code block cannot interrupt a paragraph, so a deep indent right after text is still text.
      kind = "code";
    } else {
      kind = "text";
    }
    out.push({ text: line, kind, inCodeSpan: false });
    prev = kind;
  }
  markCodeSpans(out);
  return out;
}

function closesFence(line: string, fence: { char: string; length: number }): boolean {
  const m = /^[ \t]*(`{3,}|~{3,})[ \t]*$/.exec(line);
  return !!m && m[1]![0] === fence.char && m[1]!.length >= fence.length;
}

/** Columns of leading whitespace, tabs stopping at multiples of 4 as in CommonMark. */
function indentOf(line: string): number {
  let col = 0;
  for (const ch of line) {
    if (ch === " ") col += 1;
    else if (ch === "\t") col += 4 - (col % 4);
    else break;
  }
  return col;
}

/**
 * Code spans may run across the lines of one paragraph, so each run of consecutive text lines is scanned as a
 * whole: a backtick string opens a span that the next backtick string of the same length closes (CommonMark);
 * an unmatched one is literal. A line whose first visible character falls inside a span is marked.
 */
function markCodeSpans(lines: MarkdownLine[]): void {
  for (let i = 0; i < lines.length; ) {
    if (lines[i]!.kind !== "text") {
      i++;
      continue;
    }
    let end = i;
    while (end < lines.length && lines[end]!.kind === "text") end++;
    const paragraph = lines.slice(i, end);
    const spans = codeSpans(paragraph.map((l) => l.text).join("\n"));
    let offset = 0;
    for (const line of paragraph) {
      const first = offset + (line.text.length - line.text.trimStart().length);
      line.inCodeSpan = spans.some(([from, to]) => first > from && first < to);
      offset += line.text.length + 1;
    }
    i = end;
  }
}

/** [start of opening backticks, end of closing backticks) for every code span in the text. */
function codeSpans(text: string): [number, number][] {
  const runs: { at: number; length: number }[] = [];
  for (const m of text.matchAll(/(\\*)(`+)/g)) {
    // An odd number of backslashes escapes the first backtick; the rest of the run still counts.
    const escaped = m[1]!.length % 2 === 1;
    const at = m.index + m[1]!.length + (escaped ? 1 : 0);
    const length = m[2]!.length - (escaped ? 1 : 0);
    if (length > 0) runs.push({ at, length });
  }
  const spans: [number, number][] = [];
  for (let i = 0; i < runs.length; i++) {
    const open = runs[i]!;
    const close = runs.findIndex((r, j) => j > i && r.length === open.length);
    if (close === -1) continue;
    spans.push([open.at, runs[close]!.at + open.length]);
    i = close;
  }
  return spans;
}
