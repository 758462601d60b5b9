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
  | "quote"
  /**
   * A raw HTML block: from a line starting with a tag to the next blank line, or for `<pre>`, `<textarea>`,
   * `<script>` and `<style>` to their closing tag (CommonMark's HTML blocks). `<pre>` shows its lines as code.
   */
  | "html";

export interface MarkdownLine {
  text: string;
  kind: LineKind;
  /** The line's first visible character lies inside an inline code span opened on an earlier line. */
  inCodeSpan: boolean;
}

const FENCE_OPEN = /^[ \t]*(`{3,}|~{3,})(.*)$/;
/** CommonMark HTML block type 1: raw content up to the closing tag, blank lines included. */
const RAW_BLOCK_OPEN = /^[ \t]*<(pre|textarea|script|style)(?=[\s>]|$)/i;
/** Types 6 and 7: a line starting with an opening or closing tag; the block runs to a blank line. */
const HTML_BLOCK_OPEN = /^[ \t]*<\/?[A-Za-z][A-Za-z0-9-]*(?=[\s/>]|$)/;
/** Type 6 tags may interrupt a paragraph; any other tag must start after a blank line (or a non-text line). */
const BLOCK_TAGS = new Set(
  "address article aside base basefont blockquote body caption center col colgroup dd details dialog dir div dl dt fieldset figcaption figure footer form frame frameset h1 h2 h3 h4 h5 h6 head header hr html iframe legend li link main menu menuitem nav noframes ol optgroup option p param search section summary table tbody td tfoot th thead title tr track ul".split(" "),
);

/** Splits sanitized text (`\n` line endings) into classified lines, in order. */
export function classifyLines(text: string): MarkdownLine[] {
  const out: MarkdownLine[] = [];
  let fence: { char: string; length: number } | undefined;
  /** Inside a raw HTML block: the tag whose closing ends it, or "blank" for a block that a blank line ends. */
  let html: string | undefined;
  let prev: LineKind = "blank";
  for (const line of text.split("\n")) {
    let kind: LineKind;
    const open = FENCE_OPEN.exec(line);
    const raw = RAW_BLOCK_OPEN.exec(line);
    const tag = HTML_BLOCK_OPEN.exec(line);
    if (html === "blank" && line.trim() === "") html = undefined;
    if (html) {
      kind = "html";
      if (html !== "blank" && new RegExp(`</${html}\\s*>`, "i").test(line)) html = undefined;
    } else if (fence) {
      kind = closesFence(line, fence) ? "fence" : "code";
      if (kind === "fence") fence = undefined;
    } else if (line.trim() === "") {
      kind = "blank";
    } else if (open && !(open[1]!.startsWith("`") && open[2]!.includes("`"))) {
      // Fences are recognised at any indentation (CommonMark allows 3 spaces, but list items nest them deeper).
      // A backtick fence's info string cannot hold a backtick; such a line is an inline code span instead.
      fence = { char: open[1]![0]!, length: open[1]!.length };
      kind = "fence";
    } else if (raw) {
      kind = "html";
      const name = raw[1]!.toLowerCase();
      if (!new RegExp(`</${name}\\s*>`, "i").test(line)) html = name;
    } else if (tag && (prev !== "text" || BLOCK_TAGS.has(tag[0].replace(/^[ \t]*<\/?/, "").toLowerCase()))) {
      kind = "html";
      html = "blank";
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
    // One sweep over spans sorted by start: a line starts inside a span when some span that opened before its
    // first character ends after it (spans may overlap: a code element around a backtick span).
    const spans = codeSpans(paragraph.map((l) => l.text).join("\n")).sort((a, b) => a[0] - b[0]);
    let offset = 0;
    let k = 0;
    let reach = -1;
    for (const line of paragraph) {
      const first = offset + (line.text.length - line.text.trimStart().length);
      while (k < spans.length && spans[k]![0] < first) reach = Math.max(reach, spans[k++]![1]);
      line.inCodeSpan = reach > first;
      offset += line.text.length + 1;
    }
    i = end;
  }
}

/**
 * Inline HTML elements GitHub shows as code or literal text. A line starting inside one (`<code>` closing on a later
 * line) is not a command; one left open runs to the end of the paragraph, as the renderer closes it there.
 */
const CODE_ELEMENT = /<(code|pre|tt|kbd|samp)(?=[\s>])[^>]*>[\s\S]*?(?:<\/\1\s*>|$(?![\s\S]))/gi;

/** Code spans (backticks) and code elements (`<code>` …) in one paragraph's text. */
function codeSpans(text: string): [number, number][] {
  const spans = backtickSpans(text);
  for (const m of text.matchAll(CODE_ELEMENT)) {
    // An element written inside a backtick span is literal text, not an element.
    if (!spans.some(([from, to]) => m.index > from && m.index < to)) spans.push([m.index, m.index + m[0].length]);
  }
  return spans;
}

/** [start of opening backticks, end of closing backticks) for every code span in the text. */
function backtickSpans(text: string): [number, number][] {
  const runs: { at: number; length: number }[] = [];
  for (const m of text.matchAll(/(\\*)(`+)/g)) {
    // An odd number of backslashes escapes the first backtick; the rest of the run still counts.
    const escaped = m[1]!.length % 2 === 1;
    const at = m.index + m[1]!.length + (escaped ? 1 : 0);
    const length = m[2]!.length - (escaped ? 1 : 0);
    if (length > 0) runs.push({ at, length });
  }
  // The next run of the same length after each run, found in one pass from the end (a search per run was
  // quadratic in a comment of many unmatched backticks).
  const next = new Array<number>(runs.length).fill(-1);
  const lastOfLength = new Map<number, number>();
  for (let j = runs.length - 1; j >= 0; j--) {
    next[j] = lastOfLength.get(runs[j]!.length) ?? -1;
    lastOfLength.set(runs[j]!.length, j);
  }
  const spans: [number, number][] = [];
  for (let i = 0; i < runs.length; i++) {
    const open = runs[i]!;
    const close = next[i]!;
    if (close === -1) continue;
    spans.push([open.at, runs[close]!.at + open.length]);
    i = close;
  }
  return spans;
}
