import { readdir, readFile, stat } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { expect, it } from "vitest";
import { REPO_ROOT } from "../support/agency-fixture.ts";

const KIND_BY_NAME = (path: string) =>
  path.endsWith("agency.yaml") ? "agency" : path.includes("/roles/") ? "role" : path.endsWith("project.yaml") ? "project" : path.endsWith("plan.yaml") ? "plan" : "status";

it("every YAML file in agency/ starts with a $schema line pointing at its kind's schema", async () => {
  const root = join(REPO_ROOT, "agency");
  const files = (await readdir(root, { recursive: true })).filter((f) => f.endsWith(".yaml")).map((f) => join(root, f));
  expect(files.length).toBeGreaterThanOrEqual(10);
  for (const file of files) {
    const first = (await readFile(file, "utf8")).split("\n")[0]!;
    const m = /^# yaml-language-server: \$schema=(\S+)$/.exec(first);
    expect(m, file).not.toBeNull();
    const schema = resolve(dirname(file), m![1]!);
    expect(schema, file).toBe(join(REPO_ROOT, "schemas", `${KIND_BY_NAME(file)}.schema.json`));
    expect((await stat(schema)).isFile()).toBe(true);
  }
});

it("the example agency has at least six roles, a planned multi-stream project and an unplanned one", async () => {
  const roles = (await readdir(join(REPO_ROOT, "agency", "roles"))).filter((f) => f.endsWith(".yaml"));
  expect(roles.length).toBeGreaterThanOrEqual(6);
  const projects = await readdir(join(REPO_ROOT, "agency", "projects"));
  const planned = [];
  for (const p of projects) if (await stat(join(REPO_ROOT, "agency", "projects", p, "plan.yaml")).catch(() => undefined)) planned.push(p);
  expect(planned.length).toBeGreaterThanOrEqual(1);
  expect(projects.length - planned.length).toBeGreaterThanOrEqual(1);
});
