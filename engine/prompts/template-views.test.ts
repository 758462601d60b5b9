import { expect, it } from "vitest";
import { TEMPLATE_NAMES } from "./template-views.ts";
import { loadTemplates, type Templates } from "./templates.ts";

it("names every template under templates/ (init/ aside), and nothing else", async () => {
  expect([...TEMPLATE_NAMES].sort()).toEqual((await loadTemplates()).names().sort());
});

it("accepts only known names with their views (checked by tsc)", () => {
  const typed = (t: Templates) => {
    // @ts-expect-error a misspelt template name does not compile
    t.render("pm.sytem", {});
    // @ts-expect-error a view missing a key its template reads does not compile
    t.render("pm.blocker", { stream: 1, task: 1, blocker: "", roles: [] });
    return t.render("pm.blocker", { stream: 1, task: 1, blocker: "", roles: [], earlier: [] });
  };
  expect(typeof typed).toBe("function");
});
