// A hidden first line that names what a comment of ours is for (`<!-- ateams:status:site -->`), so the next run can
// find it again and edit it in place (the sticky-comment pattern of Renovate and release-please), and event intake
// can tell the engine's own comments from people's. Formats and parses; the key is kept to a safe alphabet so a
// marker can never close the HTML comment early.

export interface CommentMarker {
  /** What the comment is: `status` (the sticky status comment), `reply` (an answer to a command), … */
  kind: string;
  key: string;
}

const PART = /^[a-z0-9][a-z0-9._/-]*$/i;
const LINE = /^<!-- ateams:([a-z0-9][a-z0-9._/-]*):([a-z0-9][a-z0-9._/-]*) -->$/i;

export class CommentMarkerError extends Error {
  override name = "CommentMarkerError";
}

export function statusMarker(key: string): CommentMarker {
  return { kind: "status", key };
}

export function formatMarker(marker: CommentMarker): string {
  for (const part of [marker.kind, marker.key]) {
    if (!PART.test(part)) throw new CommentMarkerError(`${JSON.stringify(part)} cannot be part of a comment marker`);
  }
  return `<!-- ateams:${marker.kind}:${marker.key} -->`;
}

/** The marker on a comment's first line; undefined for anything else (a person quoting it is not a match). */
export function parseMarker(body: string): CommentMarker | undefined {
  const first = body.split(/\r?\n/, 1)[0]!.trim();
  const m = LINE.exec(first);
  return m ? { kind: m[1]!, key: m[2]! } : undefined;
}

/** The comment body as stored on GitHub: marker line, then the visible text. */
export function withMarker(marker: CommentMarker, body: string): string {
  return `${formatMarker(marker)}\n${body}`;
}
