// Comment text as a reader sees it, before it reaches the command parser or a model. Hidden HTML comments and
// invisible characters are the usual carriers of prompt injection: text a reviewer never sees on GitHub but a model
// reads and obeys. Whatever the rendered page does not show is removed: HTML comments, elements marked `hidden`,
// scripts and styles, unused link reference definitions (`[//]: # (…)`), invisible characters.

/**
 * Characters that render as nothing (or only reorder what is shown) and have no place in a comment:
 * - U+00AD soft hyphen, U+061C Arabic letter mark, U+180E Mongolian vowel separator;
 * - U+200B–U+200F zero-width space/non-joiner/joiner and LRM/RLM;
 * - U+202A–U+202E bidi embeddings and overrides (the "Trojan Source" characters);
 * - U+2060–U+2064 word joiner and invisible operators; U+2066–U+2069 bidi isolates; U+FEFF BOM/ZWNBSP;
 * - U+E0000–U+E007F tag characters ("ASCII smuggling": invisible copies of every ASCII character);
 * - U+E0100–U+E01EF variation selectors 17–256, which encode arbitrary bytes after any visible character.
 * Stripping the zero-width joiner splits composite emoji into their parts, which a model reads just as well.
 */
const INVISIBLE = /[\u00AD\u061C\u180E\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF\u{E0000}-\u{E007F}\u{E0100}-\u{E01EF}]/gu;

/** `<!-- … -->`, or an unterminated `<!--` which GitHub hides to the end of the comment. */
const HTML_COMMENT = /<!--[\s\S]*?(?:-->|$)/g;

/**
 * Elements GitHub does not show: anything carrying the `hidden` attribute, and `<script>`, `<style>`, `<template>`
 * and `<noscript>`, which its sanitizer drops with their content. Void elements lose only their tag.
 */
const HIDDEN_OPEN = /<([A-Za-z][A-Za-z0-9-]*)(?=[\s/>])(?:[^>]{0,2000}?\shidden(?=[\s=/>])[^>]{0,2000}|(?<=<(?:script|style|template|noscript))[^>]{0,2000})>/gi;
const VOID = new Set(["area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"]);

// Tags and titles are bounded (2,000 characters) so that a hostile comment of unclosed `<a ` or `"` cannot make
// matching quadratic; GitHub caps a comment at 65,536 characters.

/** Removes each hidden element with its content, up to its matching closing tag (or to the end, if unclosed). */
function withoutHiddenElements(text: string): string {
  let out = "";
  let from = 0;
  HIDDEN_OPEN.lastIndex = 0;
  for (let m = HIDDEN_OPEN.exec(text); m; m = HIDDEN_OPEN.exec(text)) {
    out += text.slice(from, m.index);
    const name = m[1]!.toLowerCase();
    let end = m.index + m[0].length;
    if (!VOID.has(name) && !m[0].endsWith("/>")) end = closingEnd(text, name, end);
    from = end;
    HIDDEN_OPEN.lastIndex = end;
  }
  return out + text.slice(from);
}

/** Offset just past the tag that closes an element opened before `from`, counting nested ones; the text's end if none. */
function closingEnd(text: string, name: string, from: number): number {
  const tags = new RegExp(`<(/?)${name}(?=[\\s/>])[^>]{0,2000}>`, "gi");
  tags.lastIndex = from;
  let depth = 1;
  for (let m = tags.exec(text); m; m = tags.exec(text)) {
    if (m[1]) depth--;
    else if (!m[0].endsWith("/>")) depth++;
    if (depth === 0) return m.index + m[0].length;
  }
  return text.length;
}

/**
 * Link reference definitions (`[label]: url "title"`) render as nothing; `[//]: # (note)` is the usual "Markdown
 * comment". A definition some link in the text uses keeps its label and URL (the link shows them) without its
 * title; one nothing uses is removed.
 */
const LINK_DEFINITION =
  /^ {0,3}\[((?:[^\]\\\n]|\\.)+)\]:[ \t]*\n?[ \t]*(<[^>\n]*>|\S+)(?:(?:[ \t]+|[ \t]*\n[ \t]*)("(?:[^"\\]|\\.){0,2000}"|'(?:[^'\\]|\\.){0,2000}'|\((?:[^()\\]|\\.){0,2000}\)))?[ \t]*$/gm;

function withoutLinkDefinitions(text: string): string {
  if (!text.includes("]:")) return text;
  const norm = (label: string) => label.trim().replace(/\s+/g, " ").toLowerCase();
  // Labels used by links: `[text][label]`, `[label][]` and `[label]`. A title (which may run over lines) is only a
  // tooltip, so a used definition keeps its label and URL alone.
  const used = new Set<string>();
  const body = text.replace(LINK_DEFINITION, "");
  for (const m of body.matchAll(/\[((?:[^\]\\\n]|\\.)*)\](?:\[((?:[^\]\\\n]|\\.)*)\])?/g)) used.add(norm(m[2] ? m[2] : m[1]!));
  return text.replace(LINK_DEFINITION, (_match, label: string, url: string) => (used.has(norm(label)) ? `[${label}]: ${url}` : ""));
}

/**
 * Cleans comment text: line endings become `\n`, then invisible characters go, then HTML comments, then trailing
 * whitespace on each line and at the end. Invisible characters go first so that none can split a `<!--` that would
 * re-form once they are gone; comments are removed until none is left (`<!<!-- -->--` leaves a new `<!--`). The
 * result therefore holds no HTML comment and the function is idempotent. Leading indentation is kept: it decides
 * what Markdown renders as code.
 */
export function sanitizeCommentText(text: string): string {
  let out = text.replace(/\r\n?/g, "\n").replace(INVISIBLE, "");
  for (let prev = ""; prev !== out; ) {
    prev = out;
    out = withoutLinkDefinitions(withoutHiddenElements(out.replace(HTML_COMMENT, "")));
  }
  return out
    .split("\n")
    .map((line) => line.replace(/[ \t]+$/, ""))
    .join("\n")
    .replace(/\n+$/, "");
}
