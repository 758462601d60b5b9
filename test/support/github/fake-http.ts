// Test-only: the pieces of GitHub's HTTP behaviour every fake route shares: pagination with Link headers, `since`
// and sort filters, and the error bodies GitHub sends.

export interface FakeRequest {
  operationId: string;
  pathParams: Record<string, string | number>;
  query: URLSearchParams;
  body: unknown;
  /** The full request URL, for Link headers. */
  url: URL;
}

export interface FakeReply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

const DOCS = "https://docs.github.com/rest";

export function notFound(): FakeReply {
  return { status: 404, body: { message: "Not Found", documentation_url: DOCS, status: "404" } };
}

export function validationFailed(errors: { resource: string; code: string; field?: string; message?: string }[]): FakeReply {
  return { status: 422, body: { message: "Validation Failed", errors, documentation_url: DOCS, status: "422" } };
}

/** One page of `items` by `page`/`per_page` (GitHub's defaults: 30, at most 100), with a Link header when more remain. */
export function paginate(items: readonly unknown[], req: FakeRequest): FakeReply {
  const perPage = Math.min(Number(req.query.get("per_page") ?? 30) || 30, 100);
  const page = Math.max(Number(req.query.get("page") ?? 1) || 1, 1);
  const last = Math.max(Math.ceil(items.length / perPage), 1);
  const body = items.slice((page - 1) * perPage, page * perPage);
  const link = (n: number, rel: string) => {
    const url = new URL(req.url);
    url.searchParams.set("per_page", String(perPage));
    url.searchParams.set("page", String(n));
    return `<${url.toString()}>; rel="${rel}"`;
  };
  const links: string[] = [];
  if (page < last) links.push(link(page + 1, "next"), link(last, "last"));
  if (page > 1) links.push(link(1, "first"), link(page - 1, "prev"));
  return { status: 200, body, headers: links.length ? { link: links.join(", ") } : {} };
}

interface Timestamped {
  created_at: string;
  updated_at: string;
}

/** `since` (updated at or after), then `sort` (created|updated) and `direction` the way GitHub's list endpoints do. */
export function sinceAndSort<T>(items: readonly T[], req: FakeRequest, stamp: (item: T) => Timestamped, defaultDirection: "asc" | "desc" = "asc"): T[] {
  const since = req.query.get("since");
  const sort = req.query.get("sort") === "updated" ? "updated_at" : "created_at";
  const direction = req.query.get("direction") ?? defaultDirection;
  const kept = since ? items.filter((i) => Date.parse(stamp(i).updated_at) >= Date.parse(since)) : [...items];
  kept.sort((a, b) => (stamp(a)[sort] < stamp(b)[sort] ? -1 : stamp(a)[sort] > stamp(b)[sort] ? 1 : 0));
  return direction === "desc" ? kept.reverse() : kept;
}

/** The request body as an object (the validator has already checked its shape against the operation). */
export function bodyOf(req: FakeRequest): Record<string, unknown> {
  return typeof req.body === "object" && req.body !== null ? (req.body as Record<string, unknown>) : {};
}
