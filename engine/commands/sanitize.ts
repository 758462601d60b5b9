// Comment text as a reader sees it, before it reaches the command parser or a model. Hidden HTML comments and
// invisible characters are the usual carriers of prompt injection: text a reviewer never sees on GitHub but a model
// reads and obeys. Whatever the rendered page does not show is removed.

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
    out = out.replace(HTML_COMMENT, "");
  }
  return out
    .split("\n")
    .map((line) => line.replace(/[ \t]+$/, ""))
    .join("\n")
    .replace(/\n+$/, "");
}
