import { describe, expect, it } from "vitest";
import type { Agency, Task } from "../agency/types.gen.ts";
import { agentTier, escalate, routeTask, weightedScore } from "./route.ts";

const agency: Agency = {
  name: "A",
  directors: [{ id: "d", github: "octocat" }],
  models: {
    tiers: [
      { id: "fast", model: "m-fast", price: { inputPerMTok: 1, outputPerMTok: 1 } },
      { id: "mid", model: "m-mid", price: { inputPerMTok: 2, outputPerMTok: 2 } },
      { id: "strong", model: "m-strong", price: { inputPerMTok: 3, outputPerMTok: 3 } },
    ],
    routing: {
      criteria: [
        { id: "reasoning", weight: 3 },
        { id: "quality", weight: 1, default: 5 },
      ],
      thresholds: [
        { tier: "fast", minScore: 1 },
        { tier: "mid", minScore: 3 },
        { tier: "strong", minScore: 4.2 },
      ],
    },
  },
};
const task = (extra: Partial<Task>): Task => ({ id: "t", title: "T", role: "r", description: "d", outputs: [{ path: "o.md" }], criteria: ["c"], ...extra });

describe("routing", () => {
  it("weights scores and fills unrated criteria with their default", () => {
    expect(weightedScore(agency, { reasoning: 2 })).toEqual({ score: 2.75, scores: { reasoning: 2, quality: 5 } });
  });

  it("picks the highest threshold not above the score", () => {
    expect(routeTask(agency, task({ scores: { reasoning: 1, quality: 1 } }), undefined).tier).toBe("fast");
    expect(routeTask(agency, task({ scores: { reasoning: 3, quality: 3 } }), undefined).tier).toBe("mid");
    expect(routeTask(agency, task({ scores: { reasoning: 4, quality: 5 } }), undefined)).toMatchObject({ tier: "strong", score: 4.25, rule: "score 4.25 ≥ 4.2 → strong" });
    expect(routeTask(agency, task({ scores: { reasoning: 4, quality: 4 } }), undefined).tier).toBe("mid");
  });

  it("a pin beats scores; scores beat the role's preference; defaults come last", () => {
    expect(routeTask(agency, task({ tier: "fast", scores: { reasoning: 5 } }), undefined).tier).toBe("fast");
    const role = { id: "r", preferredTier: "strong" } as never;
    expect(routeTask(agency, task({ scores: { reasoning: 1, quality: 1 } }), role).tier).toBe("fast");
    expect(routeTask(agency, task({}), role)).toMatchObject({ tier: "strong", rule: "no scores; role r prefers strong" });
    expect(routeTask(agency, task({}), undefined)).toMatchObject({ tier: "mid", score: 3.5 });
  });

  it("escalation climbs one tier per failure and stops at the top", () => {
    expect(escalate(agency, "fast", 1).id).toBe("mid");
    expect(escalate(agency, "fast", 5).id).toBe("strong");
    expect(routeTask(agency, task({ tier: "mid" }), undefined, 1)).toMatchObject({ tier: "strong", model: "m-strong", rule: "pinned to mid by the plan, escalated 1× → strong" });
  });

  it("agents default to the strongest (PM, L&P) or cheapest (Collaborator) tier", () => {
    expect(agentTier(agency, "projectManager").id).toBe("strong");
    expect(agentTier(agency, "collaborator").id).toBe("fast");
    expect(agentTier(agency, "collaborator", "mid").id).toBe("mid");
  });
});
