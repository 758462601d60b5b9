import { APIError } from "openai";
import { afterEach, describe, expect, it } from "vitest";
import { addSecret, clearSecrets } from "../secrets/redact.ts";
import { LlmApiError } from "./errors.ts";
import { ERROR_MESSAGE_CHARS, summariseErrorBody, toLlmError } from "./openai-errors.ts";

afterEach(() => clearSecrets());
const ctx = { timedOut: false, timeoutMs: 1000 };

describe("provider error bodies are summarised, never kept whole", () => {
  it("keeps status, type, code and the start of the message, redacted", () => {
    addSecret("plain-key-value-123456");
    const body = { error: { message: `bad request; headers were {"authorization":"Bearer plain-key-value-123456"} ${"x".repeat(5000)}`, type: "invalid_request_error", code: "echo", param: null } };
    const s = summariseErrorBody(400, body);
    expect(s).toMatchObject({ status: 400, type: "invalid_request_error", code: "echo" });
    expect(s.message).not.toContain("plain-key-value-123456");
    expect(s.message.length).toBeLessThan(ERROR_MESSAGE_CHARS + 40);
  });

  it("an SDK APIError becomes an LlmApiError whose message, body and cause hold only the summary", () => {
    addSecret("plain-key-value-123456");
    const body = { error: { message: "quoting Bearer plain-key-value-123456 back at you", type: "invalid_request_error", code: null } };
    const sdk = APIError.generate(400, body, undefined, new Headers());
    const e = toLlmError(sdk, ctx) as LlmApiError;
    expect(e).toBeInstanceOf(LlmApiError);
    expect(e.status).toBe(400);
    const everything = `${e.message} ${JSON.stringify(e.responseBody)} ${String((e.cause as Error).message)} ${String((e.cause as Error).stack)}`;
    expect(everything).not.toContain("plain-key-value-123456");
    expect(e.message).toMatch(/^400 invalid_request_error: quoting Bearer \[REDACTED\]/);
  });

  it("a body that is not OpenAI's envelope is clipped text", () => {
    const s = summariseErrorBody(502, `<html>${"y".repeat(1000)}</html>`);
    expect(s.status).toBe(502);
    expect(s.message.length).toBeLessThan(ERROR_MESSAGE_CHARS + 40);
  });
});
