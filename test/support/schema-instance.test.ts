import { describe, expect, it } from "vitest";
import { pmDecompositionSchema, pmOptionsSchema, replySchema, specialistWorkSchema, type ReplyName } from "../../engine/agents/reply-schemas.ts";
import { validatorFor } from "../../engine/llm/json-validator.ts";
import { fromPattern, mulberry32, schemaInstance } from "./schema-instance.ts";

const REPLIES: ReplyName[] = ["pm_options", "pm_decomposition", "pm_blocker", "pm_assembly", "specialist_work", "collaborator_verdict", "answer"];

describe("schemaInstance", () => {
  for (const mode of ["minimal", "odd"] as const) {
    it.each(REPLIES)(`makes a valid ${mode} instance of the %s reply schema`, (name) => {
      const schema = replySchema(name);
      for (let seed = 1; seed <= 20; seed++) {
        const value = schemaInstance(schema, { mode, seed });
        const validate = validatorFor(schema, name);
        expect(validate(value), JSON.stringify(validate.errors)).toBe(true);
      }
    });
  }

  it.each(["minimal", "odd"] as const)("makes valid %s instances of the specialised schemas", (mode) => {
    const schemas = {
      options: pmOptionsSchema(5),
      decomposition: pmDecompositionSchema({ criteria: ["reasoning", "quality"], roles: ["writer", "analyst"], resources: ["style-guide"], tiers: ["fast", "strong"] }),
      work: specialistWorkSchema(["a.md", "notes/b.csv"]),
    };
    for (const [name, schema] of Object.entries(schemas)) {
      for (let seed = 1; seed <= 10; seed++) {
        const validate = validatorFor(schema, name);
        expect(validate(schemaInstance(schema, { mode, seed })), JSON.stringify(validate.errors)).toBe(true);
      }
    }
  });

  it("keeps to the bounds in each mode", () => {
    const schema = {
      type: "object",
      additionalProperties: false,
      required: ["list", "n"],
      properties: {
        list: { type: "array", minItems: 2, maxItems: 4, items: { type: "string", enum: ["x", "y", "z"] } },
        n: { type: "integer", minimum: 1, maximum: 5 },
        opt: { type: "string", minLength: 3, maxLength: 5 },
      },
    };
    expect(schemaInstance(schema, { mode: "minimal" })).toEqual({ list: ["x", "y"], n: 1 });
    const odd = schemaInstance(schema, { mode: "odd" }) as { list: string[]; n: number; opt: string };
    expect(odd.list).toEqual(["x", "y", "z", "x"]);
    expect(odd.n).toBe(5);
    expect([...odd.opt].length).toBeGreaterThanOrEqual(3);
    expect([...odd.opt].length).toBeLessThanOrEqual(5);
  });

  it("refuses keywords it does not understand instead of ignoring them", () => {
    expect(() => schemaInstance({ type: "string", contentEncoding: "base64" }, { mode: "minimal" })).toThrow(/contentEncoding/);
  });
});

describe("fromPattern", () => {
  const patterns = ["^\\S[\\s\\S]*$", "^[a-z][a-z0-9]*(-[a-z0-9]+)*$", "^option-[0-9]+$", "^[A-Za-z0-9_][A-Za-z0-9_.-]*(/[A-Za-z0-9_][A-Za-z0-9_.-]*)*$", "\\S", "^(?:ab|c){2,3}x?$", "^[^/\\\\]+$"];
  it.each(patterns)("generates strings matching %s in both modes", (p) => {
    const rng = mulberry32(3);
    for (let k = 0; k < 50; k++) {
      expect(fromPattern(p, "odd", rng)).toMatch(new RegExp(p, "u"));
    }
    expect(fromPattern(p, "minimal", rng)).toMatch(new RegExp(p, "u"));
  });

  it("gives the shortest string in minimal mode", () => {
    expect(fromPattern("^[a-z][a-z0-9]*(-[a-z0-9]+)*$", "minimal", mulberry32(1))).toBe("a");
    expect(fromPattern("^option-[0-9]+$", "minimal", mulberry32(1))).toBe("option-0");
  });

  it("refuses lookarounds and backreferences", () => {
    expect(() => fromPattern("^(?!/)a$", "minimal", mulberry32(1))).toThrow(/lookaround/);
    expect(() => fromPattern("^(a)\\1$", "minimal", mulberry32(1))).toThrow(/backreference/);
  });
});
