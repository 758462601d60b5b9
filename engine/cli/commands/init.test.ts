import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { REPO_ROOT, snapshot } from "../../../test/support/agency-fixture.ts";
import { gitIn } from "../../../test/support/git-repo.ts";
import { runCli } from "../../../test/support/run-cli.ts";
import pkg from "../../../package.json" with { type: "json" };

let dir: string;
beforeEach(async () => void (dir = await mkdtemp(join(tmpdir(), "ateams-init-"))));
afterEach(() => rm(dir, { recursive: true, force: true }));

const schemaLine = /^# yaml-language-server: \$schema=(\S+)\n/;

describe("ateams init", () => {
  it("makes a git repository with the agency, package.json, workflow and .gitignore; it validates and plans as written", async () => {
    const ref = "acme/ateams/.github/workflows/pipeline.yml@v1";
    const r = await runCli(["init", "acme", "--name", "Acme", "--project", "kickoff", "--pipeline-ref", ref], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    const root = join(dir, "acme");
    expect(gitIn(root, "rev-parse", "--show-toplevel")).toBe(root);
    expect(gitIn(root, "symbolic-ref", "HEAD")).toBe("refs/heads/main");
    expect((await readFile(join(root, ".gitignore"), "utf8")).split("\n")).toEqual(expect.arrayContaining([".ateams/", "node_modules/"]));
    const manifest = JSON.parse(await readFile(join(root, "package.json"), "utf8"));
    expect(manifest).toMatchObject({ name: "acme", private: true, dependencies: { ateams: `^${pkg.version}` } });
    // Every workflow template is shipped, whatever the pipeline names its files.
    for (const t of await readdir(join(REPO_ROOT, "templates/init/workflows"))) {
      const written = await readFile(join(root, ".github/workflows", t.replace(/\.hbs$/, "")), "utf8");
      if ((await readFile(join(REPO_ROOT, "templates/init/workflows", t), "utf8")).includes("pipelineRef")) expect(written).toContain(`uses: ${ref}`);
    }
    // $schema lines name the installed package's schemas, which are this checkout's schemas/ once installed.
    for (const [file, kind] of [["agency/agency.yaml", "agency"], ["agency/roles/writer.yaml", "role"], ["agency/projects/kickoff/project.yaml", "project"]]) {
      const ref = schemaLine.exec(await readFile(join(root, file!), "utf8"))?.[1];
      expect(join(dirname(join(root, file!)), ref!)).toBe(join(root, "node_modules/ateams/schemas", `${kind}.schema.json`));
      expect(existsSync(join(REPO_ROOT, "schemas", `${kind}.schema.json`))).toBe(true);
    }
    expect(r.stdout).toContain("\nNext:\n  cd acme\n  npm install\n  npx ateams validate\n  npx ateams plan\n");
    expect((await runCli(["validate"], { cwd: root })).code).toBe(0);
    const plan = await runCli(["plan", "--json"], { cwd: root });
    expect(JSON.parse(plan.stdout).projects[0]).toMatchObject({ id: "kickoff", stage: "needs-plan" });
  });

  it("in an existing repository: keeps its history, package.json and .nvmrc, and only appends to .gitignore", async () => {
    gitIn(dir, "init", "-q", "-b", "trunk");
    await writeFile(join(dir, ".gitignore"), "dist\nnode_modules");
    await writeFile(join(dir, "package.json"), '{ "name": "mine" }\n');
    await writeFile(join(dir, ".nvmrc"), "22\n");
    gitIn(dir, "add", "-A");
    gitIn(dir, "commit", "-q", "-m", "theirs");
    const head = gitIn(dir, "rev-parse", "HEAD");
    const r = await runCli(["init", "--package-spec", "../ateams-9.9.9.tgz"], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(gitIn(dir, "rev-parse", "HEAD")).toBe(head);
    expect(gitIn(dir, "symbolic-ref", "HEAD")).toBe("refs/heads/trunk");
    expect(await readFile(join(dir, ".gitignore"), "utf8")).toBe("dist\nnode_modules\n.ateams/\n");
    expect(await readFile(join(dir, "package.json"), "utf8")).toBe('{ "name": "mine" }\n');
    expect(await readFile(join(dir, ".nvmrc"), "utf8")).toBe("22\n");
    expect(r.stdout).toContain("kept package.json (already there)");
    expect(r.stdout).not.toContain("initialized a git repository");
    expect(r.stdout).toContain(`\nNext:\n  npm install ${join(dirname(dir), "ateams-9.9.9.tgz")}\n`);
  });

  it("a package.json that already depends on ateams only needs npm install", async () => {
    await writeFile(join(dir, "package.json"), '{ "devDependencies": { "ateams": "^0.1.0" } }\n');
    const r = await runCli(["init"], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("\nNext:\n  npm install\n  npx ateams validate\n");
  });

  it("--package-spec: a tarball inside the repository is written relative to it, an npm spec as given", async () => {
    await runCli(["init", "a", "--package-spec", "a/vendor/ateams.tgz"], { cwd: dir });
    expect(JSON.parse(await readFile(join(dir, "a/package.json"), "utf8")).dependencies.ateams).toBe("file:./vendor/ateams.tgz");
    await runCli(["init", "b", "--package-spec", "github:someone/ateams#v1"], { cwd: dir });
    expect(JSON.parse(await readFile(join(dir, "b/package.json"), "utf8")).dependencies.ateams).toBe("github:someone/ateams#v1");
  });

  it("never overwrites: one existing scaffold file and nothing is written", async () => {
    await runCli(["init"], { cwd: dir });
    await rm(join(dir, "agency/roles/writer.yaml"));
    await rm(join(dir, ".gitignore"));
    const before = await snapshot(dir);
    const again = await runCli(["init"], { cwd: dir });
    expect(again.code).toBe(1);
    expect(again.stderr).toContain("agency/agency.yaml:1:1: error: already exists");
    expect(again.stderr).toContain("nothing was written");
    expect(await snapshot(dir)).toEqual(before);
  });

  it("refuses a target that is a file, and an --agency outside the repository", async () => {
    await writeFile(join(dir, "f"), "x");
    expect((await runCli(["init", "f"], { cwd: dir })).code).toBe(2);
    expect((await runCli(["init", "--agency", "../out"], { cwd: dir })).code).toBe(2);
    expect(execFileSync("ls", ["-A", dir], { encoding: "utf8" })).toBe("f\n");
  });
});
