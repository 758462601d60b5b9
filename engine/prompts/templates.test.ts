import { describe, expect, it } from "vitest";
import { load, tempAgency } from "../../test/support/agency-fixture.ts";
import { loadTemplates, TemplateError, templatesFrom } from "./templates.ts";
import { collaboratorView, learningView, pmView, specialistView } from "./views.ts";

describe("templates", () => {
  it("strict mode: a missing variable is an error naming the template, not an empty string", () => {
    const t = templatesFrom(new Map([["x", "Hello {{name}} from {{place}}"]]));
    expect(t.render("x", { name: "a", place: "b" })).toBe("Hello a from b\n");
    expect(() => t.render("x", { name: "a" })).toThrow(TemplateError);
    expect(() => t.render("x", { name: "a" })).toThrow(/templates\/x\.hbs: "place" not defined/);
    expect(() => t.render("nope", {})).toThrow(/template 'nope.hbs' not found/);
  });

  it("renders every system message from the example-shaped fixture with every role field", async () => {
    const fx = await tempAgency("mini");
    try {
      const model = await load(fx.agency);
      const t = await loadTemplates();
      const project = model.projects.get("alpha")!;
      const stream = project.plan!.streams![1]!;
      const task = stream.tasks[0]!;
      const role = model.roles.get(task.role)!.spec;
      const specialist = t.render("specialist.system", specialistView(model, project, stream, task));
      for (const text of [role.name, role.summary, ...role.expertise, ...role.expectations.input, ...role.expectations.output, role.collaboration, role.adaptability, "/outline", stream.goal, ...project.spec.objectives]) {
        expect(specialist).toContain(text);
      }
      expect(t.render("collaborator.system", collaboratorView(model, project, stream))).toContain("[writer] Writer");
      const pm = t.render("pm.system", pmView(model, project));
      expect(pm).toContain("researcher (domain)");
      expect(pm).toContain("@octocat");
      expect(t.render("learning.system", learningView(model, project))).toContain("fast from 1, strong from 3.5");
    } finally {
      await fx.cleanup();
    }
  });
});

describe("render", () => {
  it("gives the same text for an equal view, and tells undefined from absent as strict mode does", () => {
    const t = templatesFrom(new Map([["x", "{{a}}-{{b}}"]]));
    expect(t.render("x", { a: 1, b: 2 })).toBe("1-2\n");
    expect(t.render("x", { a: 1, b: 2 })).toBe("1-2\n");
    expect(t.render("x", { a: 1, b: 3 })).toBe("1-3\n");
    expect(() => t.render("x", { a: 1 })).toThrow(TemplateError);
    expect(t.render("x", { a: 1, b: undefined })).toBe("1-\n");
    expect(() => t.render("x", { a: 1 })).toThrow(TemplateError);
  });
});

describe("compiled templates shared across loads", () => {
  it("renders each set from its own sources: one name with other text in another set is another template", () => {
    const a = templatesFrom(new Map([["greet", "Hello {{who}}"]]));
    const b = templatesFrom(new Map([["greet", "Goodbye {{who}}"]]));
    const again = templatesFrom(new Map([["greet", "Hello {{who}}"]]));
    expect(a.render("greet", { who: "Ada" })).toBe("Hello Ada\n");
    expect(b.render("greet", { who: "Ada" })).toBe("Goodbye Ada\n");
    expect(again.render("greet", { who: "Bob" })).toBe("Hello Bob\n");
    expect(() => again.render("greet", {})).toThrow(/greet\.hbs/);
  });
});
