import { describe, expect, it } from "vitest";
import type { Agency } from "../agency/types.gen.ts";
import { authorize, type Actor, type Permission } from "./authorize.ts";

const agency: Agency = {
  name: "Test",
  directors: [{ id: "boss", github: "OctoCat" }],
  commanders: ["@release-captain", "renovate[bot]"],
  models: {
    tiers: [{ id: "fast", model: "m", price: { inputPerMTok: 1, outputPerMTok: 1 } }],
    routing: { criteria: [{ id: "quality", weight: 1 }], thresholds: [{ tier: "fast", minScore: 1 }] },
  },
};

const permissions: Record<string, Permission> = {
  writer: "write",
  maintainer: "maintain",
  owner: "admin",
  triager: "triage",
  reader: "read",
  "dependabot[bot]": "write",
};

function lookup() {
  const calls: string[] = [];
  const fn = async (login: string): Promise<Permission> => {
    calls.push(login);
    return permissions[login] ?? "none";
  };
  return { fn, calls };
}

const user = (login: string): Actor => ({ login, type: "User" });
const bot = (login: string): Actor => ({ login, type: "Bot" });

describe("authorize", () => {
  it.each<[string, Actor, boolean, number, RegExp]>([
    ["a director, any case", user("octocat"), true, 0, /director 'boss'/],
    ["a listed commander, written with @", user("Release-Captain"), true, 0, /commanders/],
    ["a person with write", user("writer"), true, 1, /write permission/],
    ["a person with maintain", user("maintainer"), true, 1, /maintain permission/],
    ["a person with admin", user("owner"), true, 1, /admin permission/],
    ["a person with triage", user("triager"), false, 1, /triage permission; commands need write/],
    ["a person with read", user("reader"), false, 1, /read permission/],
    ["an outsider", user("stranger"), false, 1, /stranger has none permission/],
    ["an organization without permission", { login: "some-org", type: "Organization" }, false, 1, /none permission/],
    ["an unlisted bot, even with write access", bot("dependabot[bot]"), false, 0, /bot not listed/],
    ["a listed bot", bot("Renovate[bot]"), true, 0, /Renovate\[bot\] is listed in agency.yaml commanders/],
  ])("%s", async (_label, actor, allowed, lookups, reason) => {
    const { fn, calls } = lookup();
    const result = await authorize(actor, agency, fn);
    expect(result.allowed).toBe(allowed);
    expect(result.reason).toMatch(reason);
    expect(calls).toHaveLength(lookups);
  });

  it("does not let a bot borrow a person's listing by dropping the [bot] suffix", async () => {
    const { fn, calls } = lookup();
    expect((await authorize(bot("octocat"), agency, fn)).allowed).toBe(true);
    expect((await authorize(bot("renovate"), agency, fn)).allowed).toBe(false);
    expect((await authorize(bot("release-captain[bot]"), agency, fn)).allowed).toBe(false);
    expect(calls).toEqual([]);
  });

  it("works without a commanders list", async () => {
    const { commanders: _none, ...bare } = agency;
    const { fn } = lookup();
    expect((await authorize(user("release-captain"), bare, fn)).allowed).toBe(false);
    expect((await authorize(user("octocat"), bare, fn)).allowed).toBe(true);
  });

  it("lets a failing lookup reject instead of reporting a refusal", async () => {
    const failing = async (): Promise<Permission> => {
      throw new Error("502 Bad Gateway");
    };
    await expect(authorize(user("writer"), agency, failing)).rejects.toThrow("502");
  });
});
