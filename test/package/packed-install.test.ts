// The package as a user gets it: built, packed, installed from the tarball into a fresh repository outside this
// checkout, and driven only through its installed `ateams` bin, the way the README's "Use it in your repository" says.
import { execFile, execFileSync } from "node:child_process";
import { cp, mkdir, mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { delimiter, dirname, join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { REPO_ROOT } from "../support/agency-fixture.ts";
import { createFakeOpenAIServer, type FakeOpenAIServer } from "../support/fake-openai-server.ts";
import { scriptedTeam } from "../support/scripted-team.ts";

const exec = promisify(execFile);
const NODE24_BIN = join(REPO_ROOT, "node_modules", ".bin");
// Without this checkout's node_modules anywhere on it: only the Node 24 binary comes from there.
const SYSTEM_PATH = (process.env.PATH ?? "").split(delimiter).filter((p) => p && !p.includes("node_modules"));
const IDENTITY = { GIT_AUTHOR_NAME: "Dev", GIT_AUTHOR_EMAIL: "dev@example.com", GIT_COMMITTER_NAME: "Dev", GIT_COMMITTER_EMAIL: "dev@example.com" };

/**
 * A user's shell: this one's variables (proxies and certificates included, or the registry may be unreachable)
 * without npm's script variables, CI and GitHub Actions markers, vitest's own or a model endpoint; Node 24 first.
 */
function userEnv(extra: Record<string, string> = {}, path = [NODE24_BIN, ...SYSTEM_PATH]): NodeJS.ProcessEnv {
  const drop = /^(npm_|NODE_OPTIONS$|NODE_PATH$|VITEST|TEST$|CI$|GITHUB_|RUNNER_|OPENAI_|ATEAMS_)/i;
  const keep = Object.entries(process.env).filter(([k]) => !drop.test(k));
  return { ...Object.fromEntries(keep), PATH: path.join(delimiter), ...IDENTITY, ...extra };
}

interface Packed {
  filename: string;
  size: number;
  unpackedSize: number;
  files: { path: string }[];
}

let work: string;
let packed: Packed;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "ateams-pkg-"));
  // `npm pack` runs prepack, which is `npm run build`: the tarball always holds a fresh dist/.
  const { stdout } = await exec("npm", ["pack", "--json", "--pack-destination", work], { cwd: REPO_ROOT, env: userEnv(), maxBuffer: 1 << 26 });
  packed = (JSON.parse(stdout) as Packed[])[0]!;
}, 240_000);
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe("npm pack", () => {
  it("ships compiled JS with maps and types, the schemas and templates, LICENSE and README: no tests, fixtures, benches or state", async () => {
    const { stdout } = await exec("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], { cwd: REPO_ROOT, env: userEnv(), maxBuffer: 1 << 26 });
    const paths = (JSON.parse(stdout) as Packed[])[0]!.files.map((f) => f.path).sort();
    expect(paths).toEqual(packed.files.map((f) => f.path).sort());
    for (const p of ["bin/ateams.js", "dist/cli/bin.js", "dist/cli/bin.js.map", "dist/index.js", "dist/index.d.ts", "schemas/plan.schema.json", "schemas/replies/pm-options.schema.json", "templates/pm.system.hbs", "templates/init/agency.yaml.hbs", "LICENSE", "README.md", "package.json"]) {
      expect(paths).toContain(p);
    }
    for (const t of await readdir(join(REPO_ROOT, "templates/init/workflows"))) expect(paths).toContain(`templates/init/workflows/${t}`);
    const outside = paths.filter((p) => !/^(bin\/ateams\.js|dist\/.+\.(js|js\.map|d\.ts)|schemas\/.+\.schema\.json|templates\/.+\.hbs|LICENSE|README\.md|package\.json)$/.test(p));
    expect(outside).toEqual([]);
    const unwanted = paths.filter((p) => /\.test\.|test-fixtures|\/testing\/|fixtures|bench|\.ateams|(^|\/)test\/|\.ts$/.test(p) && !p.endsWith(".d.ts"));
    expect(unwanted).toEqual([]);
  });
});

describe("the packed package in a fresh repository", () => {
  let server: FakeOpenAIServer | undefined;
  afterAll(async () => {
    await server?.stop();
    await forgetNpxInstall(work);
  });

  it("init → npm install → validate → plan → run to a finished project → status → a run with nothing to do, on Node 24 and 22", async () => {
    const repo = join(work, "my-agency");
    const vendored = join(repo, "vendor", packed.filename);
    await mkdir(dirname(vendored), { recursive: true });
    await cp(join(work, packed.filename), vendored);
    const sh = async (cmd: string, args: string[], env: Record<string, string> = {}) => {
      const r = await exec(cmd, args, { cwd: repo, env: userEnv(env), maxBuffer: 1 << 26, timeout: 150_000, killSignal: "SIGKILL" }).catch((e: { code: number | null; signal: string | null; stdout: string; stderr: string }) => e);
      if ("code" in r && (r.code || r.signal)) throw new Error(`${cmd} ${args.join(" ")} exited ${r.code ?? r.signal}\n${r.stdout}\n${r.stderr}`);
      return r as { stdout: string; stderr: string };
    };
    const ateams = (...args: string[]) => sh(join(repo, "node_modules", ".bin", "ateams"), args, env);
    const git = (...args: string[]) => execFileSync("git", args, { cwd: repo, encoding: "utf8", env: userEnv() }).trim();
    const spec = `./vendor/${packed.filename}`;

    // The README's section gives these very commands, so it cannot drift from what is tested here.
    const readme = await readFile(join(REPO_ROOT, "README.md"), "utf8");
    const section = readme.slice(readme.indexOf("## Use it in your repository"), readme.indexOf("## Running the team"));
    for (const line of [`npx --yes --package ${spec} ateams init --package-spec ${spec}`, "npm install", "npx ateams validate", "npx ateams plan", `cp ${packed.filename} ~/my-agency/vendor/`]) {
      expect(section).toContain(`\n${line.startsWith("cp ") ? "mkdir -p ~/my-agency/vendor && " : ""}${line}`);
    }

    const t0 = performance.now();
    // npx keys its install by the spec text: an absolute path never meets an install an earlier run left behind.
    const init = await sh("npx", ["--yes", "--package", vendored, "ateams", "init", "--package-spec", spec]);
    expect(init.stdout).toContain("initialized a git repository (branch main)");
    expect(init.stdout).toContain("\nNext:\n  npm install\n  npx ateams validate\n  npx ateams plan\n");
    const install = await sh("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund"]);
    expect(install.stderr).not.toMatch(/EBADENGINE|npm warn/i);
    const installed = JSON.parse(await readFile(join(repo, "node_modules", "ateams", "package.json"), "utf8"));
    expect(installed.version).toBe(JSON.parse(await readFile(join(REPO_ROOT, "package.json"), "utf8")).version);
    // The installed package runs its compiled dist/: it has no TypeScript sources to fall back on.
    expect(await readdir(join(repo, "node_modules", "ateams"))).not.toContain("engine");
    const env = {};
    expect((await ateams("validate")).stdout).toMatch(/^✓ agency is valid: 1 role, 1 project/);
    const plan = JSON.parse((await ateams("plan", "--json")).stdout);
    const initToPlanMs = performance.now() - t0;
    expect(plan.projects).toMatchObject([{ id: "first-project", stage: "needs-plan" }]);
    // Editors resolve the scaffold's $schema lines inside the installed package.
    const ref = /\$schema=(\S+)/.exec(await readFile(join(repo, "agency", "agency.yaml"), "utf8"))![1]!;
    expect(JSON.parse(await readFile(join(repo, "agency", ref), "utf8")).$id ?? "schema").toBeTruthy();
    git("add", "-A");
    git("commit", "-q", "-m", "agency");

    const team = scriptedTeam({ roles: ["writer", "writer"] });
    server = createFakeOpenAIServer({ handler: team.handler });
    await server.start();
    Object.assign(env, { OPENAI_BASE_URL: server.url, OPENAI_API_KEY: "test-key" });
    const first = await ateams("run");
    expect(first.stdout).toContain("● first-project  stage: awaiting-approval");
    await ateams("approve", "first-project");
    const second = await ateams("run");
    expect(second.stdout, second.stderr).toContain("● first-project  stage: done");
    const deliverable = await readFile(join(repo, "agency", "projects", "first-project", "outputs", "introduction.md"), "utf8");
    expect(deliverable).toContain("# Deliverable");
    const planYaml = await readFile(join(repo, "agency", "projects", "first-project", "plan.yaml"), "utf8");
    expect(planYaml.split("\n")[0]).toBe("# yaml-language-server: $schema=../../../node_modules/ateams/schemas/plan.schema.json");
    expect(parse(planYaml)).toMatchObject({ chosen: "option-1" });
    const status = JSON.parse((await ateams("status", "--json")).stdout);
    expect(status.projects[0]).toMatchObject({ id: "first-project", stage: "done", summary: "all 3 tasks done and the deliverable assembled" });
    expect(status.projects[0].tasks.map((t: { stage: string }) => t.stage)).toEqual(["done", "done", "done"]);
    // From the installed package too: the L&P Manager's review ran, the metrics report renders (Chart.js inlined from
    // the package's own dependency), and learn shows the review.
    expect(team.log.calls.filter((c) => c.kind === "learning_review")).toHaveLength(1);
    expect((await ateams("report", "--project", "first-project")).stdout).toContain("## 📊 first-project: metrics");
    const page = join(work, "report.html");
    await ateams("report", "--html", page);
    expect(await readFile(page, "utf8")).toContain("Chart.js v4");
    expect((await ateams("learn")).stdout).toContain("● first-project  reviewed");

    const calls = server.chatRequests.length;
    const commits = git("rev-list", "--count", "--all");
    const third = await ateams("run");
    expect(third.stdout).toContain("● first-project  stage: done");
    expect(server.chatRequests.length).toBe(calls);
    expect(git("rev-list", "--count", "--all")).toBe(commits);
    expect(git("status", "--porcelain")).toBe("");
    // Node 22, the oldest Node the package supports, from the npm registry: the finished project, nothing to do.
    const node22 = await registryNode("22", work);
    if (!node22) console.warn("node@22 could not be installed from the registry: the Node 22 check is skipped");
    else {
      const on22 = await exec(join(repo, "node_modules", ".bin", "ateams"), ["run"], { cwd: repo, env: userEnv(env, [dirname(node22.path), ...SYSTEM_PATH]) });
      expect(node22.version).toMatch(/^22\./);
      expect(on22.stdout).toContain("● first-project  stage: done");
      expect(server.chatRequests.length).toBe(calls);
      expect(git("rev-list", "--count", "--all")).toBe(commits);
    }
    // The figures the closing notes quote, printed only when asked for (the suite stays quiet).
    if (process.env.ATEAMS_TEST_FIGURES) console.log(`packed ${packed.filename}: ${packed.size} bytes, unpacked ${packed.unpackedSize}; init → first plan ${(initToPlanMs / 1000).toFixed(1)} s; installed size ${await installedSize(repo)}`);

    // The same installed bin on a Node older than 22: one line saying what it found, what it needs, how to get it.
    const old = await olderNode(work);
    if (!old) return console.warn("no Node older than 22 on this machine and none from the registry: old-Node check skipped");
    const r = await exec(join(repo, "node_modules", ".bin", "ateams"), ["plan"], { cwd: repo, env: userEnv({}, [dirname(old.path), ...SYSTEM_PATH]) }).catch((e: { code: number; stdout: string; stderr: string }) => e);
    expect("code" in r && r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr.split("\n")).toEqual([expect.stringMatching(new RegExp(`^ateams: needs Node\\.js 22 or newer, found ${old.version.replace(/\./g, "\\.")} .*https://nodejs\\.org/`)), ""]);
  }, 240_000);
});

/** A Node older than 22: one on the machine's PATH, else the `node@20` package from the npm registry. */
async function olderNode(scratch: string): Promise<{ path: string; version: string } | undefined> {
  const version = (path: string) => exec(path, ["--version"]).then((r) => r.stdout.trim().replace(/^v/, ""), () => undefined);
  for (const dir of SYSTEM_PATH) {
    const v = await version(join(dir, "node"));
    if (v && Number(v.split(".")[0]) < 22) return { path: join(dir, "node"), version: v };
  }
  return registryNode("20", scratch);
}

/** Node <major> from the `node` package on the npm registry, installed under scratch; undefined when it cannot be. */
async function registryNode(major: string, scratch: string): Promise<{ path: string; version: string } | undefined> {
  const prefix = join(scratch, `node-${major}`);
  try {
    await exec("npm", ["install", "--prefix", prefix, "--no-save", "--no-audit", "--no-fund", "--prefer-offline", `node@${major}`], { env: userEnv(), timeout: 120_000 });
    const path = join(prefix, "node_modules", ".bin", "node");
    return { path, version: (await exec(path, ["--version"])).stdout.trim().replace(/^v/, "") };
  } catch {
    return undefined;
  }
}

/** `du -sh`-style size of what `npm install` put into the repository: the tarball's production install. */
async function installedSize(repo: string): Promise<string> {
  const { stdout } = await exec("du", ["-sk", join(repo, "node_modules")]);
  return `${(Number(stdout.split("\t")[0]) / 1024).toFixed(1)} MiB`;
}

/** npx keeps what it installed for `--package` in the npm cache; drop the copy this test made. */
async function forgetNpxInstall(scratch: string): Promise<void> {
  const cache = (await exec("npm", ["config", "get", "cache"], { env: userEnv() })).stdout.trim();
  const npx = join(cache, "_npx");
  for (const d of await readdir(npx).catch(() => [])) {
    const manifest = await readFile(join(npx, d, "package.json"), "utf8").catch(() => "");
    if (manifest.includes(scratch.split("/").pop()!)) await rm(join(npx, d), { recursive: true, force: true });
  }
}
