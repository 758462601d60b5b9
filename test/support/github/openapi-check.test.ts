// The checker must be able to fail: wrong requests and drifted replies are caught, both directly and through the
// nock interceptor that every GitHub test runs behind.
import { afterEach, describe, expect, it } from "vitest";
import { createOctokit } from "../../../engine/github/octokit.ts";
import { FakeRepo } from "./fake-repo.ts";
import { FAST } from "./harness.ts";
import { mockGitHub, type GitHubMock } from "./nock-github.ts";
import { openApiCheck } from "./openapi-check.ts";

const check = openApiCheck();

describe("OpenApiCheck", () => {
  it("matches literal paths before templated ones and converts path parameters", () => {
    expect(check.match("GET", "/repos/acme/agency/pulls/comments")?.operationId).toBe("pulls/list-review-comments-for-repo");
    expect(check.match("GET", "/repos/acme/agency/pulls/7")).toMatchObject({ operationId: "pulls/get", pathParams: { pull_number: 7 } });
    expect(check.match("DELETE", "/repos/acme/agency/issues/3/labels/project%3Asite")?.pathParams.name).toBe("project:site");
    expect(check.match("PUT", "/repos/acme/agency/pulls/7")).toBeUndefined();
    expect(check.match("GET", "/repos/acme/agency/pulls/not-a-number/reviews")).toBeUndefined();
  });

  it("rejects a pulls.create body without head, and unknown or mistyped fields", () => {
    const create = check.match("POST", "/repos/acme/agency/pulls")!;
    const none = new URLSearchParams();
    expect(check.checkRequest(create, none, { head: "ateams/x/y", base: "main", title: "t" })).toEqual([]);
    expect(check.checkRequest(create, none, { base: "main", title: "t" }).join()).toMatch(/must have required property 'head'/);
    expect(check.checkRequest(create, none, { head: "a", base: "main", title: "t", drafts: true }).join()).toMatch(/unknown field 'drafts'/);
    expect(check.checkRequest(create, none, { head: "a", base: "main", title: "t", draft: "yes" }).join()).toMatch(/\/draft must be boolean/);
    expect(check.checkRequest(create, none, undefined).join()).toMatch(/request body is required/);
  });

  it("checks query parameters by name and type", () => {
    const list = check.match("GET", "/repos/acme/agency/pulls")!;
    expect(check.checkRequest(list, new URLSearchParams("state=all&head=acme:x&per_page=100"), undefined)).toEqual([]);
    expect(check.checkRequest(list, new URLSearchParams("state=merged"), undefined).join()).toMatch(/query 'state' must be equal to one of the allowed values/);
    expect(check.checkRequest(list, new URLSearchParams("since=2025-01-01T00:00:00Z"), undefined).join()).toMatch(/unknown query parameter 'since'/);
    const since = check.match("GET", "/repos/acme/agency/issues/comments")!;
    expect(check.checkRequest(since, new URLSearchParams("since=yesterday"), undefined).join()).toMatch(/must match format "date-time"/);
  });

  it("checks GraphQL bodies for {query, variables}", () => {
    const gql = check.match("POST", "/graphql")!;
    expect(check.checkRequest(gql, new URLSearchParams(), { query: "mutation { x }", variables: { a: 1 } })).toEqual([]);
    expect(check.checkRequest(gql, new URLSearchParams(), { mutation: "x" }).join()).toMatch(/required property 'query'/);
  });

  it("catches replies that drift from the response schema, including GitHub's own example", () => {
    const example = check.example("pulls/get", 200) as Record<string, unknown>;
    // The published example's team lacks the `type` the schema requires: proof the check reads the real schema.
    expect(check.checkResponse("pulls/get", 200, example).join()).toMatch(/requested_teams\/0 must have required property 'type'/);
    expect(check.checkResponse("pulls/get", 200, { ...example, requested_teams: [] })).toEqual([]);
    expect(check.checkResponse("pulls/get", 200, { ...example, requested_teams: [], number: "1" }).join()).toMatch(/\/number must be integer/);
    expect(check.checkResponse("issues/get-label", 201, {}).join()).toMatch(/status not declared/);
    expect(check.checkResponse("pulls/list", 502, { message: "Server Error" })).toEqual([]);
  });
});

describe("nock interceptor", () => {
  let mock: GitHubMock;
  afterEach(() => mock.close());

  it("refuses a request GitHub would not understand and records it as a problem", async () => {
    const fake = new FakeRepo();
    mock = mockGitHub(fake);
    const octokit = createOctokit({ token: "t", owner: fake.owner, repo: fake.repo, ...FAST });
    // @ts-expect-error: octokit's types refuse this too; the point is that the checker does, at runtime.
    const bad = octokit.request("POST /repos/{owner}/{repo}/pulls", { owner: "acme", repo: "agency", title: "no head", base: "main" });
    await expect(bad).rejects.toMatchObject({ status: 400 });
    await expect(octokit.request("GET /repos/{owner}/{repo}/pulls/{pull_number}/files", { owner: "acme", repo: "agency", pull_number: 1 })).rejects.toMatchObject({ status: 400 });
    expect(mock.problems).toEqual([
      expect.stringMatching(/pulls\/create: body must have required property 'head'/),
      "no GitHub REST operation for GET /repos/acme/agency/pulls/1/files",
    ]);
    expect(() => mock.assertClean()).toThrow(/did not match the REST description/);
    expect(fake.pulls.size).toBe(0);
  });

  it("records a scripted reply that does not fit the operation's schema", async () => {
    const fake = new FakeRepo();
    mock = mockGitHub(fake);
    const octokit = createOctokit({ token: "t", owner: fake.owner, repo: fake.repo, ...FAST });
    mock.script("issues/get-label", { status: 200, body: { name: "ateams" } });
    await octokit.rest.issues.getLabel({ owner: "acme", repo: "agency", name: "ateams" });
    expect(mock.problems.join()).toMatch(/issues\/get-label reply 200: must have required property 'id'/);
  });

  it("counts reads and writes per call", async () => {
    const fake = new FakeRepo();
    mock = mockGitHub(fake);
    const octokit = createOctokit({ token: "t", owner: fake.owner, repo: fake.repo, ...FAST });
    await octokit.rest.pulls.list({ owner: "acme", repo: "agency" });
    await octokit.rest.issues.createLabel({ owner: "acme", repo: "agency", name: "ateams", color: "ededed" });
    expect([mock.reads, mock.writes]).toEqual([1, 1]);
    expect(mock.calls.map((c) => [c.operationId, c.status, c.write])).toEqual([
      ["pulls/list", 200, false],
      ["issues/create-label", 201, true],
    ]);
    mock.assertClean();
  });
});
