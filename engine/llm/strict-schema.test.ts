import { describe, expect, it } from "vitest";
import { validatorFor } from "./json-validator.ts";
import { toStrictSchema } from "./strict-schema.ts";

describe("toStrictSchema", () => {
  const natural = {
    $schema: "https://json-schema.org/draft/2020-12/schema",
    type: "object",
    properties: {
      title: { type: "string" },
      notes: { type: "string", description: "optional" },
      steps: { type: "array", items: { type: "object", properties: { id: { type: "string" }, after: { type: "string" } }, required: ["id"] } },
      labels: { type: "object", additionalProperties: { type: "string" } },
      kind: { enum: ["a", "b"], default: "a" },
    },
    required: ["title", "steps", "labels", "kind"],
  };

  it("requires every property, closes objects, and makes the optional ones nullable", () => {
    expect(toStrictSchema(natural)).toEqual({
      $schema: "https://json-schema.org/draft/2020-12/schema",
      type: "object",
      properties: {
        title: { type: "string" },
        notes: { anyOf: [{ type: "string", description: "optional" }, { type: "null" }] },
        steps: {
          type: "array",
          items: {
            type: "object",
            properties: { id: { type: "string" }, after: { anyOf: [{ type: "string" }, { type: "null" }] } },
            required: ["id", "after"],
            additionalProperties: false,
          },
        },
        labels: { type: "object", additionalProperties: { type: "string" } },
        kind: { enum: ["a", "b"], default: "a" },
      },
      required: ["title", "notes", "steps", "labels", "kind"],
      additionalProperties: false,
    });
  });

  it("yields a schema ajv accepts, with null standing in for an absent optional field", () => {
    const validate = validatorFor(toStrictSchema(natural), "plan");
    const value = { title: "t", notes: null, steps: [{ id: "s1", after: null }], labels: { x: "y" }, kind: "b" };
    expect(validate(value)).toBe(true);
    expect(validate({ ...value, notes: undefined })).toBe(false);
    expect(validate({ ...value, surprise: 1 })).toBe(false);
  });

  it("does not touch the input", () => {
    const copy = structuredClone(natural);
    toStrictSchema(natural);
    expect(natural).toEqual(copy);
  });
});
