import { describe, expect, it } from "vitest";
import { FALLBACK_IDENTITY, identityFallbackEnv } from "./identity.ts";

const all = {
  GIT_AUTHOR_NAME: FALLBACK_IDENTITY.name,
  GIT_COMMITTER_NAME: FALLBACK_IDENTITY.name,
  GIT_AUTHOR_EMAIL: FALLBACK_IDENTITY.email,
  GIT_COMMITTER_EMAIL: FALLBACK_IDENTITY.email,
};

describe("identityFallbackEnv", () => {
  it("fills in everything on a machine with no identity", () => {
    expect(identityFallbackEnv({}, new Map())).toEqual(all);
  });

  it("adds nothing when the repository has an identity configured", () => {
    expect(identityFallbackEnv({}, new Map([["user.name", "Ada"], ["user.email", "ada@example.com"]]))).toEqual({});
  });

  it("fills in only the missing half, and respects identity from the environment", () => {
    expect(identityFallbackEnv({}, new Map([["user.name", "Ada"]]))).toEqual({
      GIT_AUTHOR_EMAIL: FALLBACK_IDENTITY.email,
      GIT_COMMITTER_EMAIL: FALLBACK_IDENTITY.email,
    });
    expect(identityFallbackEnv({ GIT_AUTHOR_NAME: "Bot", EMAIL: "bot@example.com" }, new Map())).toEqual({ GIT_COMMITTER_NAME: FALLBACK_IDENTITY.name });
    expect(identityFallbackEnv({}, new Map([["author.name", "A"], ["committer.email", "c@x"]]))).toEqual({
      GIT_COMMITTER_NAME: FALLBACK_IDENTITY.name,
      GIT_AUTHOR_EMAIL: FALLBACK_IDENTITY.email,
    });
  });
});
