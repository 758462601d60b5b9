// Commit messages as state we can read back: the trailer block (`Key: value` lines in the last paragraph, the format
// of `git interpret-trailers`) records which project, stream, task, role, model and fingerprint produced a commit,
// so the next run rebuilds what was already done from `git log` alone.

// Our keys and their meaning live in agency/commit-trailers.ts; this file is git's `Key: value` format only.
export { TRAILER_KEYS } from "../agency/commit-trailers.ts";

export type Trailers = Record<string, string>;

export interface CommitMessage {
  subject: string;
  body: string;
  trailers: Trailers;
}

export class TrailerError extends Error {
  override name = "TrailerError";
}

const KEY = /^[A-Za-z0-9][A-Za-z0-9-]*$/;
// git accepts "Key: value" and "Key:value"; continuation lines start with whitespace.
const TRAILER_LINE = /^([A-Za-z0-9][A-Za-z0-9-]*):[ \t]*(.*)$/;

/** Newlines inside a one-line field become single spaces: a value must never split into a second trailer. */
export function singleLine(text: string): string {
  return text.replace(/\s*[\r\n]+\s*/g, " ").trim();
}

function normaliseBody(body: string): string {
  return body
    .replace(/\r\n?/g, "\n")
    .split("\n")
    .map((l) => l.trimEnd())
    .join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}

/** Subject, blank line, body, blank line, trailer block; always ending in one newline (what git stores). */
export function formatCommitMessage(subject: string, body: string, trailers: Trailers): string {
  const s = singleLine(subject);
  if (!s) throw new TrailerError("commit subject is empty");
  const lines: string[] = [];
  for (const [key, raw] of Object.entries(trailers)) {
    if (!KEY.test(key)) throw new TrailerError(`invalid trailer key ${JSON.stringify(key)}`);
    const value = singleLine(String(raw));
    if (!value) throw new TrailerError(`trailer ${key} has an empty value`);
    lines.push(`${key}: ${value}`);
  }
  const b = normaliseBody(body);
  return [s, b, lines.join("\n")].filter((part) => part !== "").join("\n\n") + "\n";
}

/** Unfolded trailers of a paragraph, or undefined when any line is not part of a trailer block. */
function parseTrailerBlock(paragraph: string): Trailers | undefined {
  const entries: [string, string][] = [];
  for (const line of paragraph.split("\n")) {
    const m = TRAILER_LINE.exec(line);
    if (m) entries.push([m[1]!, m[2]!.trim()]);
    else if (/^[ \t]/.test(line) && entries.length) entries[entries.length - 1]![1] += ` ${line.trim()}`;
    else return undefined;
  }
  // A repeated key keeps its last value: our keys are written once, and a map is what callers filter on.
  return entries.length ? Object.fromEntries(entries) : undefined;
}

/**
 * Inverse of formatCommitMessage for any commit message. The subject is the first line; the trailer block is the
 * last paragraph when every line of it is a `Key: value` line (or a continuation), and never the subject itself.
 * Like git, a body whose own last paragraph looks like `Key: value` lines reads back as trailers when no trailers
 * follow it; every commit this package writes carries trailers, so its bodies are never mistaken.
 */
export function parseCommitMessage(text: string): CommitMessage {
  const clean = text.replace(/\r\n?/g, "\n").replace(/^\n+/, "").trimEnd();
  const nl = clean.indexOf("\n");
  const subject = (nl === -1 ? clean : clean.slice(0, nl)).trim();
  const rest = nl === -1 ? "" : clean.slice(nl + 1).replace(/^\s*\n/, "");
  const paragraphs = rest.trim() ? rest.trim().split(/\n(?:[ \t]*\n)+/) : [];
  const last = paragraphs.at(-1);
  const trailers = last === undefined ? undefined : parseTrailerBlock(last);
  if (trailers) paragraphs.pop();
  return { subject, body: paragraphs.join("\n\n").trim(), trailers: trailers ?? {} };
}

/** A free-form message (first line = subject, the rest = body) with our trailer block appended. */
export function withTrailers(message: string, trailers: Trailers): string {
  const text = message.replace(/\r\n?/g, "\n").trim();
  const nl = text.indexOf("\n");
  return formatCommitMessage(nl === -1 ? text : text.slice(0, nl), nl === -1 ? "" : text.slice(nl + 1), trailers);
}
