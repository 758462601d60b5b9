// Hidden metadata in PR bodies and comments, so the next run rebuilds what it knows from GitHub itself
// (release-please's pull-request-body.ts): the branch is the PR's identity, the marker its state.

export interface PrMeta {
  project: string;
  kind: "plan" | "stream" | "assembly" | "learning";
  stream?: string;
  /** Fingerprint the body was rendered for: an unchanged fingerprint means an unchanged body. */
  fingerprint?: string;
}

const MARKER = /<!-- ateams:pr (\{.*?\}) -->/s;

export function formatPrMeta(meta: PrMeta): string {
  return `<!-- ateams:pr ${JSON.stringify(meta)} -->`;
}

export function parsePrMeta(body: string | null | undefined): PrMeta | undefined {
  const m = body ? MARKER.exec(body) : null;
  if (!m) return undefined;
  try {
    const v = JSON.parse(m[1]!) as Partial<PrMeta>;
    if (typeof v.project !== "string" || !["plan", "stream", "assembly"].includes(String(v.kind))) return undefined;
    return v as PrMeta;
  } catch {
    return undefined;
  }
}

/** The sticky status comment's marker: one comment per PR, found and edited in place. */
export function statusMarker(key: string): string {
  return `<!-- ateams:status:${key} -->`;
}
