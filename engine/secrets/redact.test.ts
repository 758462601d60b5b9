import { afterEach, describe, expect, it } from "vitest";
import { addSecret, addSecretsFromEnv, clearSecrets, containsSecret, redact, redactDeep, REDACTED } from "./redact.ts";

afterEach(() => clearSecrets());

describe("redact", () => {
  it("removes configured keys by value, wherever they appear", () => {
    addSecretsFromEnv({ OPENAI_API_KEY: "local-key-1234567890", GITHUB_TOKEN: "tok_abcdefghij", TIER_KEY: "tier-secret-value" }, ["TIER_KEY"]);
    const text = "auth local-key-1234567890 then tok_abcdefghij and tier-secret-value.";
    expect(redact(text)).toBe(`auth ${REDACTED} then ${REDACTED} and ${REDACTED}.`);
    expect(containsSecret(text)).toBe(true);
    expect(containsSecret(redact(text))).toBe(false);
  });

  it("removes credential shapes it was never told about", () => {
    const key = `sk-proj-${"A1b2C3d4".repeat(4)}`;
    const out = redact(`{"headers":{"authorization":"Bearer ${key}"},"x":"${key}","gh":"ghp_${"a".repeat(36)}","pat":"github_pat_${"B".repeat(40)}"}`);
    expect(out).not.toContain(key);
    expect(out).not.toContain("ghp_a");
    expect(out).not.toContain("github_pat_B");
    expect(out).toContain(`Bearer ${REDACTED}`);
  });

  it("leaves ordinary text alone, and ignores values too short to be keys", () => {
    addSecret("x");
    addSecret("dev");
    const text = "use sk-learn-compatible-estimators for the task-list; Bearer authentication; export OPENAI_API_KEY=x in dev";
    expect(redact(text)).toBe(text);
  });

  it("redacts every string in a JSON-like value", () => {
    addSecret("secret-value-123");
    expect(redactDeep({ a: ["secret-value-123"], b: { c: "ok secret-value-123" }, n: 3 })).toEqual({ a: [REDACTED], b: { c: `ok ${REDACTED}` }, n: 3 });
  });
});
