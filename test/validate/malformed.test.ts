// Malformed agencies. Each case copies the mini fixture, makes ONE change, and checks that `ateams validate`
// (and for some, `ateams plan`) reports it as `path:line:col: error: message`, exits 1, prints no stack trace,
// and writes nothing. Files are written whole from the numbered base texts below, so every expected line and
// column can be read straight off this file.
import { spawnSync } from "node:child_process";
import { chmod, mkdir, readdir, rm, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT, snapshot, tempAgency } from "../support/agency-fixture.ts";
import { runCli, type CliResult } from "../support/run-cli.ts";

const BIN = join(REPO_ROOT, "engine/cli/bin.ts");
/** A clean environment for child processes: in particular no GITHUB_ACTIONS leaking in from CI. */
const CHILD_ENV = { PATH: process.env.PATH ?? "" };
const NOBODY = 65534;
const IS_ROOT = process.getuid?.() === 0;
const HAS_MKFIFO = process.platform !== "win32" && spawnSync("sh", ["-c", "command -v mkfifo"]).status === 0;

// ── Base texts (all valid together with the fixture's roles/researcher.yaml; see "the base texts are valid") ──

const AGENCY = [
  "name: Mini Agency", //                                   1
  "directors:", //                                          2
  "  - id: boss", //                                        3
  "    github: octocat", //                                 4
  "models:", //                                             5
  "  tiers:", //                                            6
  "    - id: fast", //                                      7
  "      model: small-model", //                            8
  "      price: { inputPerMTok: 1, outputPerMTok: 2 }", //  9
  "    - id: strong", //                                    10
  "      model: big-model", //                              11
  "      price: { inputPerMTok: 10, outputPerMTok: 20 }", // 12
  "  routing:", //                                          13
  "    criteria:", //                                       14
  "      - { id: reasoning, weight: 0.5 }", //              15
  "      - { id: quality, weight: 0.5 }", //                16
  "    thresholds:", //                                     17
  "      - { tier: fast, minScore: 1 }", //                 18
  "      - { tier: strong, minScore: 3.5 }", //             19
  "tools:", //                                              20
  "  - { id: web-search, kind: web-search }", //            21
  "defaults:", //                                           22
  "  oversight: approve-plan", //                           23
];

const WRITER = [
  "id: writer", //                                          1
  "name: Writer", //                                        2
  "type: task", //                                          3
  "summary: Writes clear prose.", //                        4
  "expertise: [Plain language]", //                         5
  "expectations:", //                                       6
  "  input: [Notes]", //                                    7
  "  output: [A draft]", //                                 8
  "collaboration: Asks for missing facts.", //              9
  "adaptability: Restates the goal when it changes.", //    10
  "commands:", //                                           11
  "  - name: /outline", //                                  12
  "    description: Outline first.", //                     13
];

const ALPHA = [
  "id: alpha", //                                           1
  "name: Alpha", //                                         2
  "objectives:", //                                         3
  "  - Explain the product", //                             4
  "successCriteria:", //                                    5
  "  - A reader understands it", //                         6
];

const BETA = [
  "id: beta", //                                            1
  "name: Beta", //                                          2
  "objectives: [Plan a launch]", //                         3
  "successCriteria: [A dated launch checklist]", //         4
  "oversight: autonomous", //                               5
];

const PLAN = [
  "project: alpha", //                                      1
  "options:", //                                            2
  "  - id: quick", //                                       3
  "    title: Quick", //                                    4
  "    approach: Research then write.", //                  5
  "    pros: [cheap]", //                                   6
  "    cons: [shallow]", //                                 7
  "    estimate: { costUsd: 1 }", //                        8
  "  - id: deep", //                                        9
  "    title: Deep", //                                     10
  "    approach: Two research passes.", //                  11
  "    pros: [thorough]", //                                12
  "    cons: [slower]", //                                  13
  "    estimate: { costUsd: 3 }", //                        14
  "recommended: quick", //                                  15
  "chosen: quick", //                                       16
  'approval: { by: octocat, at: "2026-11-20T10:00:00Z" }', // 17
  "basedOn: quick", //                                      18
  "streams:", //                                            19
  "  - id: research", //                                    20
  "    title: Research", //                                 21
  "    goal: Gather facts.", //                             22
  "    successCriteria: [Facts are sourced]", //            23
  "    tasks:", //                                          24
  "      - id: facts", //                                   25
  "        title: Gather facts", //                         26
  "        role: researcher", //                            27
  "        description: Collect facts about the product.", // 28
  "        outputs: [{ path: facts.md }]", //               29
  "        criteria: [Every fact has a source]", //         30
  "        scores: { reasoning: 4, quality: 4 }", //        31
  "  - id: docs", //                                        32
  "    title: Docs", //                                     33
  "    goal: Write it up.", //                              34
  "    successCriteria: [Readable]", //                     35
  "    tasks:", //                                          36
  "      - id: draft", //                                   37
  "        title: Draft", //                                38
  "        role: writer", //                                39
  "        description: Write the explainer.", //           40
  "        dependsOn: [facts]", //                          41
  "        outputs: [{ path: draft.md }]", //               42
  "        criteria: [Under 800 words]", //                 43
  "      - id: polish", //                                  44
  "        title: Polish", //                               45
  "        description: Edit the draft.", //                46
  "        role: writer", //                                47
  "        dependsOn: [draft]", //                          48
  "        outputs: [{ path: final.md }]", //               49
  "        criteria: [No typos]", //                        50
];

const BASES: Record<string, readonly string[]> = {
  "agency.yaml": AGENCY,
  "roles/writer.yaml": WRITER,
  "projects/alpha/project.yaml": ALPHA,
  "projects/alpha/plan.yaml": PLAN,
  "projects/beta/project.yaml": BETA,
};

/**
 * A base text with some lines replaced (1-based line numbers). `null` drops a line; a value holding "\n" adds
 * lines after it; numbers just past the end append.
 */
function text(base: readonly string[], patch: Record<number, string | null> = {}): string {
  const n = Math.max(base.length, ...Object.keys(patch).map(Number));
  const out: string[] = [];
  for (let i = 1; i <= n; i++) {
    const v = i in patch ? patch[i] : base[i - 1];
    if (v === undefined) throw new Error(`text(): nothing for line ${i}`);
    if (v !== null) out.push(v);
  }
  return `${out.join("\n")}\n`;
}

type Mutation = (agency: string) => Promise<unknown>;

/** Writes one file of the agency whole (it must already exist or its directory must). */
const put =
  (rel: string, content: string | Buffer): Mutation =>
  (a) =>
    writeFile(join(a, rel), content);

/** `roles/writer.yaml` with line 4 holding `marker`, then the marker's first byte replaced by `byte`. */
function writerWithByte(line4: string, marker: string, byte: number): Buffer {
  const buf = Buffer.from(text(WRITER, { 4: line4 }));
  const at = buf.indexOf(marker);
  if (at === -1 || buf.indexOf(marker, at + 1) !== -1) throw new Error("marker must occur exactly once");
  buf[at] = byte;
  return buf;
}

function mkfifo(path: string): void {
  const r = spawnSync("mkfifo", [path]);
  if (r.status !== 0) throw new Error(`mkfifo failed: ${r.stderr}`);
}

const ALIAS_BOMB = [
  'a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]',
  ..."bcdefghi".split("").map((k, i) => {
    const prev = "abcdefghi"[i]!;
    return `${k}: &${k} [${Array(9).fill(`*${prev}`).join(", ")}]`;
  }),
].join("\n");

// ── Running the CLI ──

interface ChildResult extends CliResult {
  timedOut: boolean;
}

/** Runs the real executable, for cases that could hang or need another user; never waits past the timeout. */
function runChild(argv: string[], cwd: string, opts: { timeoutMs?: number; uid?: number; gid?: number } = {}): ChildResult {
  const r = spawnSync(process.execPath, [BIN, ...argv], {
    cwd,
    env: CHILD_ENV,
    encoding: "utf8",
    timeout: opts.timeoutMs ?? 10_000,
    killSignal: "SIGKILL",
    uid: opts.uid,
    gid: opts.gid,
  });
  return { code: r.status ?? -1, stdout: r.stdout ?? "", stderr: r.stderr ?? "", timedOut: r.error !== undefined || r.signal !== null };
}

const LOCATED = /^[^\s:][^:]*:\d+:\d+: (error|warning): \S/;

/**
 * The common contract for an invalid agency: exit 1, nothing on stdout, a line starting with exactly
 * `<at>: error: ` that contains `message`, every other line located too, the summary last, no stack trace.
 */
function expectInvalid(r: CliResult, at: string | RegExp, message: string, summary: string): void {
  const lines = r.stderr.split("\n");
  expect(lines.pop(), "stderr ends with a newline").toBe("");
  const hit = lines.find((l) => (typeof at === "string" ? l.startsWith(`${at}: error: `) : at.test(l)) && l.includes(message));
  expect(hit, `expected a line "${String(at)}: error: …${message}…" in stderr:\n${r.stderr}`).toBeDefined();
  expect(lines.pop(), "the last line is the summary").toMatch(new RegExp(`^\\d+ errors? in ${summary}$`));
  for (const l of lines) expect(l, "every other stderr line is a located diagnostic").toMatch(LOCATED);
  expect(`${r.stdout}\n${r.stderr}`).not.toMatch(/^\s+at /m);
  expect(`${r.stdout}\n${r.stderr}`).not.toMatch(/internal error/i);
  expect(r.stdout).toBe("");
  expect(r.code).toBe(1);
}

// ── The cases ──

interface Case {
  name: string;
  mutate: Mutation;
  /** Expected start of the diagnostic: display path, line and column (a RegExp matching through "error: " when the column cannot be fixed). */
  at: string | RegExp;
  message: string;
  /** Arguments after the command name; default `--agency agency`. */
  args?: string[];
  /** Also run `ateams plan`, which must stop at the same diagnostic. */
  plan?: boolean;
  /** Wall-clock budget for the validate run. */
  maxMs?: number;
  /** Run the real executable in a child process, so a regression that hangs cannot take the test worker with it. */
  child?: boolean;
  /** Why this environment cannot express the case (the test is then skipped). */
  skip?: string | false;
  extra?: (r: CliResult) => void;
}

const W = "agency/roles/writer.yaml";
const P = "agency/projects/alpha/plan.yaml";
const A = "agency/agency.yaml";

const CASES: Case[] = [
  // ── schema ──
  {
    name: "schema: wrong type (expertise is a string)",
    mutate: put("roles/writer.yaml", text(WRITER, { 5: "expertise: Plain language" })),
    at: `${W}:5:12`,
    message: "expertise must be an array",
    plan: true,
  },
  {
    name: "schema: missing required property (summary)",
    mutate: put("roles/writer.yaml", text(WRITER, { 4: null })),
    at: `${W}:1:1`,
    message: "document is missing required property 'summary'",
  },
  {
    name: "schema: unknown top-level property, with did-you-mean",
    mutate: put("roles/writer.yaml", text(WRITER, { 14: "toolz: [web-search]" })),
    at: `${W}:14:1`,
    message: "unknown property 'toolz' (did you mean 'tools'?)",
  },
  {
    name: "schema: unknown nested property, with did-you-mean",
    mutate: put("roles/writer.yaml", text(WRITER, { 8: "  outptu: [A draft]" })),
    at: `${W}:8:3`,
    message: "unknown property 'outptu' in expectations (did you mean 'output'?)",
  },
  {
    name: "schema: bad enum (role type)",
    mutate: put("roles/writer.yaml", text(WRITER, { 3: "type: manager" })),
    at: `${W}:3:7`,
    message: "type must be one of: task, domain, collaborative, support, reviewer",
  },
  {
    name: "schema: bad enum (project oversight)",
    mutate: put("projects/beta/project.yaml", text(BETA, { 5: "oversight: yolo" })),
    at: "agency/projects/beta/project.yaml:5:12",
    message: "oversight must be one of: autonomous, approve-plan, review-streams",
  },
  {
    name: "schema: bad id pattern",
    mutate: put("roles/writer.yaml", text(WRITER, { 1: "id: Writer_2" })),
    at: `${W}:1:5`,
    message: 'id must be a lowercase id (letters, digits and single dashes, starting with a letter) (got "Writer_2")',
  },
  {
    name: "schema: negative price",
    mutate: put("agency.yaml", text(AGENCY, { 9: "      price: { inputPerMTok: -1, outputPerMTok: 2 }" })),
    at: `${A}:9:30`,
    message: "models.tiers[0].price.inputPerMTok must be >= 0",
  },
  {
    name: "schema: minItems (empty objectives)",
    mutate: put("projects/alpha/project.yaml", text(ALPHA, { 3: "objectives: []", 4: null })),
    at: "agency/projects/alpha/project.yaml:3:13",
    message: "objectives must have at least 1 item",
  },
  {
    name: "schema: approval.at is not a date-time",
    mutate: put("projects/alpha/plan.yaml", text(PLAN, { 17: 'approval: { by: octocat, at: "yesterday" }' })),
    at: `${P}:17:30`,
    message: "approval.at must be a valid date-time",
  },
  {
    name: "schema: task input with two keys",
    mutate: put("projects/alpha/plan.yaml", text(PLAN, { 31: "        inputs: [{ resource: style-guide, file: notes.md }]" })),
    at: `${P}:31:18`,
    message: "streams[0].tasks[0].inputs[0] must have exactly one of: resource, file",
  },
  {
    name: "schema: output path escaping with ..",
    mutate: put("projects/alpha/plan.yaml", text(PLAN, { 29: "        outputs: [{ path: ../escape.md }]" })),
    at: `${P}:29:27`,
    message: "streams[0].tasks[0].outputs[0].path must be a relative path that stays inside its directory",
  },
  {
    name: "schema: absolute output path",
    mutate: put("projects/alpha/plan.yaml", text(PLAN, { 29: "        outputs: [{ path: /etc/passwd }]" })),
    at: `${P}:29:27`,
    message: "streams[0].tasks[0].outputs[0].path must be a relative path that stays inside its directory",
  },
  {
    // Issue 10: a newline hid the `..` from the old pattern, and join() then collapsed it onto agency.yaml.
    name: "schema: output path with a newline before '..'",
    mutate: put("projects/alpha/plan.yaml", text(PLAN, { 29: '        outputs: [{ path: "x\\n/../../../../../agency.yaml" }]' })),
    at: `${P}:29:27`,
    message: "streams[0].tasks[0].outputs[0].path must be a relative path that stays inside its directory",
  },
  {
    name: "schema: output path into .git",
    mutate: put("projects/alpha/plan.yaml", text(PLAN, { 29: "        outputs: [{ path: sub/.git/hooks/pre-commit }]" })),
    at: `${P}:29:27`,
    message: "streams[0].tasks[0].outputs[0].path must be a relative path that stays inside its directory",
  },
  {
    name: "schema: wrong type deep in the plan (streams[1].tasks[0].criteria)",
    mutate: put("projects/alpha/plan.yaml", text(PLAN, { 43: "        criteria: Under 800 words" })),
    at: `${P}:43:19`,
    message: "streams[1].tasks[0].criteria must be an array",
  },
  {
    name: "schema: status.yaml is a scalar",
    mutate: (a) => writeFile(join(a, "projects/beta/status.yaml"), "done\n"),
    at: "agency/projects/beta/status.yaml:1:1",
    message: "document must be a mapping",
  },

  // ── YAML syntax ──
  {
    name: "yaml: bad indentation",
    mutate: put("roles/writer.yaml", text(WRITER, { 8: "   output: [A draft]" })),
    at: `${W}:8:1`,
    message: "All mapping items must start at the same column",
  },
  {
    name: "yaml: unclosed flow sequence",
    mutate: put("roles/writer.yaml", text(WRITER, { 5: "expertise: [Plain language" })),
    at: `${W}:6:1`,
    message: "Flow sequence in block collection must be sufficiently indented and end with a ]",
  },
  {
    name: "yaml: tab indentation",
    mutate: put("roles/writer.yaml", text(WRITER, { 7: "\tinput: [Notes]" })),
    at: `${W}:7:1`,
    message: "Tabs are not allowed as indentation",
  },
  {
    name: "yaml: duplicate key",
    mutate: put("roles/writer.yaml", text(WRITER, { 14: "name: Another writer" })),
    at: `${W}:14:1`,
    message: "Map keys must be unique",
    plan: true,
  },
  {
    name: "yaml: two documents in one file",
    mutate: put("roles/writer.yaml", text(WRITER, { 14: "---", 15: "id: second" })),
    at: `${W}:14:1`,
    message: "expected a single YAML document, found another one here",
  },
  {
    name: "yaml: only a comment (no document)",
    mutate: put("roles/writer.yaml", "# TODO: describe the writer\n"),
    at: `${W}:1:1`,
    message: "no YAML document found",
  },
  {
    name: "yaml: a scalar at top level instead of a mapping",
    mutate: put("roles/writer.yaml", "Writes clear prose.\n"),
    at: `${W}:1:1`,
    message: "document must be a mapping",
  },
  {
    name: "yaml: CRLF line endings keep line and column",
    mutate: put("roles/writer.yaml", text(WRITER, { 5: "expertise: Plain language" }).replace(/\n/g, "\r\n")),
    at: `${W}:5:12`,
    message: "expertise must be an array",
  },
  {
    name: "yaml: a byte-order mark does not shift columns",
    mutate: put("roles/writer.yaml", `\uFEFF${text(WRITER, { 1: "id: Writer_2" })}`),
    at: `${W}:1:5`,
    message: "id must be a lowercase id",
  },

  // ── hostile ──
  {
    name: "hostile: alias bomb (billion laughs) fails fast",
    mutate: put("roles/writer.yaml", `${ALIAS_BOMB}\n`),
    at: `${W}:1:1`,
    message: "too many alias expansions",
    maxMs: 2000,
    plan: true,
  },
  {
    name: "hostile: 2 MiB file is refused before parsing",
    mutate: put("roles/writer.yaml", "# comment line.\n".repeat(131_072)),
    at: `${W}:1:1`,
    message: "file is too large (2097152 bytes; the limit is 1048576)",
    maxMs: 2000,
    plan: true,
  },
  {
    name: "hostile: binary content (NUL byte) is located",
    mutate: put("roles/writer.yaml", text(WRITER, { 4: "summary: Writes\0 clear prose." })),
    at: `${W}:4:16`,
    message: "binary content (NUL byte)",
    plan: true,
  },
  {
    name: "hostile: invalid UTF-8 byte is located",
    mutate: put("roles/writer.yaml", writerWithByte("summary: caf#.", "#", 0xff)),
    at: `${W}:4:13`,
    message: "is not valid UTF-8 text",
  },
  {
    name: "hostile: empty file (0 bytes)",
    mutate: put("roles/writer.yaml", ""),
    at: `${W}:1:1`,
    message: "file is empty",
  },
  {
    name: "hostile: whitespace-only file",
    mutate: put("roles/writer.yaml", "  \n\t\n   \n"),
    at: `${W}:1:1`,
    message: "file is empty",
  },
  {
    name: "hostile: a directory where a role file should be",
    mutate: (a) => mkdir(join(a, "roles/extra.yaml")),
    at: "agency/roles/extra.yaml:1:1",
    message: "is a directory, expected a YAML file",
  },
  {
    name: "hostile: a directory in place of agency.yaml",
    mutate: async (a) => {
      await rm(join(a, "agency.yaml"));
      await mkdir(join(a, "agency.yaml"));
    },
    at: `${A}:1:1`,
    message: "is a directory, expected a YAML file",
  },
  {
    name: "hostile: a dangling symlink as a role file",
    mutate: (a) => symlink("nowhere.yaml", join(a, "roles/ghost.yaml")),
    at: "agency/roles/ghost.yaml:1:1",
    message: "is a symbolic link to a missing file",
    plan: true,
  },
  {
    name: "hostile: a symlink loop",
    mutate: (a) => symlink("loop.yaml", join(a, "roles/loop.yaml")),
    at: "agency/roles/loop.yaml:1:1",
    message: "symbolic link loop",
  },
  {
    name: "hostile: a FIFO as a role file does not hang",
    mutate: async (a) => mkfifo(join(a, "roles/pipe.yaml")),
    at: "agency/roles/pipe.yaml:1:1",
    message: "is not a regular file",
    child: true,
    maxMs: 10_000,
    skip: !HAS_MKFIFO && "mkfifo is not available",
  },
  {
    name: "hostile: 100k nested flow sequences: an error, no crash, few lines",
    mutate: put("roles/writer.yaml", text(WRITER, { 5: `expertise: ${"[".repeat(100_000)}` })),
    // Where the parser gives up depends on the stack size, so the column is not fixed.
    at: /^agency\/roles\/writer\.yaml:5:\d+: error: /,
    message: "nesting too deep",
    maxMs: 5000,
    extra: (r) => expect(r.stderr.split("\n").filter((l) => l.startsWith(`${W}:`)).length).toBeLessThan(20),
  },

  // ── cross-file ──
  {
    name: "cross: unknown role in a task, with did-you-mean",
    mutate: put("projects/alpha/plan.yaml", text(PLAN, { 39: "        role: writter" })),
    at: `${P}:39:15`,
    message: "unknown role 'writter' (did you mean 'writer'?)",
    plan: true,
  },
  {
    name: "cross: unknown tier as a role's preferredTier",
    mutate: put("roles/writer.yaml", text(WRITER, { 14: "preferredTier: strnog" })),
    at: `${W}:14:16`,
    message: "unknown tier 'strnog' (did you mean 'strong'?)",
  },
  {
    name: "cross: unknown tier in routing thresholds",
    mutate: put("agency.yaml", text(AGENCY, { 18: "      - { tier: fsat, minScore: 1 }" })),
    at: `${A}:18:17`,
    message: "unknown tier 'fsat' (did you mean 'fast'?)",
  },
  {
    name: "cross: duplicate task id across streams",
    mutate: put("projects/alpha/plan.yaml", text(PLAN, { 44: "      - id: facts" })),
    at: `${P}:44:13`,
    message: "duplicate task id 'facts' (task ids are unique across the project)",
  },
  {
    name: "cross: dependsOn an unknown task",
    mutate: put("projects/alpha/plan.yaml", text(PLAN, { 41: "        dependsOn: [fcats]" })),
    at: `${P}:41:21`,
    message: "unknown task 'fcats' (did you mean 'facts'?)",
  },
  {
    name: "cross: dependency cycle draft → polish → draft",
    mutate: put("projects/alpha/plan.yaml", text(PLAN, { 41: "        dependsOn: [facts, polish]" })),
    at: `${P}:41:28`,
    message: "dependency cycle: draft → polish → draft",
    plan: true,
  },
  {
    name: "cross: self-dependency",
    mutate: put("projects/alpha/plan.yaml", text(PLAN, { 48: "        dependsOn: [polish]" })),
    at: `${P}:48:21`,
    message: "task 'polish' depends on itself",
  },
  {
    name: "cross: chosen option does not exist",
    mutate: put("projects/alpha/plan.yaml", text(PLAN, { 16: "chosen: quik" })),
    at: `${P}:16:9`,
    message: "chosen unknown option 'quik' (did you mean 'quick'?)",
  },
  {
    name: "cross: recommended option does not exist",
    mutate: put("projects/alpha/plan.yaml", text(PLAN, { 15: "recommended: slow" })),
    at: `${P}:15:14`,
    message: "recommended unknown option 'slow'",
  },
  {
    name: "cross: role id does not match its file name",
    mutate: put("roles/writer.yaml", text(WRITER, { 1: "id: author" })),
    at: `${W}:1:5`,
    message: "role id 'author' must match its file name 'writer'",
  },
  {
    name: "cross: project id does not match its directory",
    mutate: put("projects/alpha/project.yaml", text(ALPHA, { 1: "id: alfa" })),
    at: "agency/projects/alpha/project.yaml:1:5",
    message: "project id 'alfa' must match its directory name 'alpha'",
    plan: true,
  },
  {
    name: "cross: plan.project names another project",
    mutate: put("projects/alpha/plan.yaml", text(PLAN, { 1: "project: beta" })),
    at: `${P}:1:10`,
    message: "plan belongs to project 'beta', not 'alpha'",
  },
  {
    name: "cross: status.yaml names another project",
    mutate: (a) => writeFile(join(a, "projects/beta/status.yaml"), "project: alpha\n"),
    at: "agency/projects/beta/status.yaml:1:10",
    message: "status belongs to project 'alpha', not 'beta'",
  },
  {
    name: "cross: unknown routing criterion in scores",
    mutate: put("projects/alpha/plan.yaml", text(PLAN, { 31: "        scores: { reasoning: 4, qualty: 4 }" })),
    at: `${P}:31:33`,
    message: "unknown routing criterion 'qualty' (did you mean 'quality'?)",
  },
  {
    name: "cross: stream humanSpecialists not in the project",
    // The replacement adds line 24.
    mutate: put("projects/alpha/plan.yaml", text(PLAN, { 23: "    successCriteria: [Facts are sourced]\n    humanSpecialists: [hubot]" })),
    at: `${P}:24:24`,
    message: "'hubot' is not one of the project's humanSpecialists",
  },
  {
    name: "cross: duplicate custom command in a role",
    mutate: put("roles/writer.yaml", text(WRITER, { 14: "  - name: /outline", 15: "    description: Outline again." })),
    at: `${W}:14:11`,
    message: "duplicate command '/outline'",
  },
  {
    name: "cross: a role redefines a built-in command (/help)",
    mutate: put("roles/writer.yaml", text(WRITER, { 12: "  - name: /help" })),
    at: `${W}:12:11`,
    message: "/help is a built-in command and cannot be redefined",
  },
  {
    name: "cross: unknown tool in a role's tools",
    mutate: put("roles/writer.yaml", text(WRITER, { 14: "tools: [web-serch]" })),
    at: `${W}:14:9`,
    message: "unknown tool 'web-serch' (did you mean 'web-search'?)",
  },
  {
    name: "layout: agency.yaml is missing",
    mutate: (a) => rm(join(a, "agency.yaml")),
    at: `${A}:1:1`,
    message: "file not found",
    plan: true,
  },
  {
    name: "layout: a file in projects/ where a directory should be",
    mutate: (a) => writeFile(join(a, "projects/gamma"), "id: gamma\n"),
    at: "agency/projects/gamma:1:1",
    message: "expected a project directory holding project.yaml",
  },
  {
    name: "layout: a project directory without project.yaml",
    mutate: (a) => mkdir(join(a, "projects/gamma")),
    at: "agency/projects/gamma/project.yaml:1:1",
    message: "file not found",
  },
  {
    name: "layout: roles/ is a file",
    mutate: async (a) => {
      await rm(join(a, "roles"), { recursive: true });
      await writeFile(join(a, "roles"), "writer\n");
    },
    at: "agency/roles:1:1",
    message: "expected a directory",
  },
  {
    name: "layout: --agency points at a missing directory",
    mutate: async () => undefined,
    args: ["--agency", "nowhere"],
    at: "nowhere:1:1",
    message: "agency directory not found",
  },
  {
    name: "layout: --agency points at a file",
    mutate: async () => undefined,
    args: ["--agency", "agency/agency.yaml"],
    at: `${A}:1:1`,
    message: "is not a directory",
  },
];

describe("malformed agencies: located error, exit 1, nothing written", () => {
  it("the base texts are valid, so each case's error comes from its one change", async () => {
    const t = await tempAgency();
    try {
      for (const [rel, base] of Object.entries(BASES)) await writeFile(join(t.agency, rel), text(base));
      const r = await runCli(["validate", "--agency", "agency"], { cwd: t.root });
      expect(r.stderr).toBe("");
      expect(r.stdout).toBe("✓ agency is valid: 2 roles, 2 projects (1 planned), 2 model tiers\n");
      expect(r.code).toBe(0);
    } finally {
      await t.cleanup();
    }
  });

  it("has at least 36 cases with distinct names", () => {
    expect(CASES.length).toBeGreaterThanOrEqual(36);
    expect(new Set(CASES.map((c) => c.name)).size).toBe(CASES.length);
  });

  for (const c of CASES) {
    it.skipIf(Boolean(c.skip))(c.name, async () => {
      const t = await tempAgency();
      try {
        await c.mutate(t.agency);
        const before = await snapshot(t.root);
        const args = c.args ?? ["--agency", "agency"];
        const agencyArg = args[args.indexOf("--agency") + 1]!;
        const started = performance.now();
        const r = c.child ? runChild(["validate", ...args], t.root, { timeoutMs: c.maxMs }) : await runCli(["validate", ...args], { cwd: t.root });
        const ms = performance.now() - started;
        if ("timedOut" in r) expect(r.timedOut, "validate finished before its timeout").toBe(false);
        expectInvalid(r, c.at, c.message, agencyArg);
        if (c.maxMs) expect(ms).toBeLessThan(c.maxMs);
        c.extra?.(r);
        if (c.plan) {
          const p = await runCli(["plan", ...args], { cwd: t.root });
          expectInvalid(p, c.at, c.message, `${agencyArg}; nothing was written`);
        }
        expect(await snapshot(t.root)).toEqual(before);
      } finally {
        await t.cleanup();
      }
    });
  }
});

async function makeWorldReadable(dir: string): Promise<void> {
  await chmod(dir, 0o755);
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) await makeWorldReadable(p);
    else if (e.isFile()) await chmod(p, 0o644);
  }
}

/** Whether this root process can run the CLI as nobody (setuid allowed, repository and node readable by others). */
function canRunAsNobody(): boolean {
  if (!IS_ROOT) return false;
  const probe = `require("node:fs").accessSync(${JSON.stringify(BIN)}, require("node:fs").constants.R_OK)`;
  const r = spawnSync(process.execPath, ["-e", probe], { uid: NOBODY, gid: NOBODY, env: CHILD_ENV, timeout: 10_000 });
  return r.status === 0;
}

describe("malformed agencies: more than one file, and other outputs", () => {
  it.skipIf(IS_ROOT && !canRunAsNobody())(
    "hostile: an unreadable file (chmod 000) is reported, not thrown (as root: run as nobody, since root reads anything)",
    async () => {
      const t = await tempAgency();
      const file = join(t.agency, "roles/writer.yaml");
      try {
        await makeWorldReadable(t.root);
        const before = await snapshot(t.root);
        await chmod(file, 0o000);
        const r = IS_ROOT
          ? runChild(["validate", "--agency", "agency"], t.root, { uid: NOBODY, gid: NOBODY })
          : await runCli(["validate", "--agency", "agency"], { cwd: t.root });
        await chmod(file, 0o644);
        if ("timedOut" in r) expect(r.timedOut).toBe(false);
        expectInvalid(r, `${W}:1:1`, "permission denied", "agency");
        expect(await snapshot(t.root)).toEqual(before);
      } finally {
        await chmod(file, 0o644).catch(() => undefined);
        await t.cleanup();
      }
    },
  );

  it("reports errors in several files in one run, sorted by file, with the count", async () => {
    const t = await tempAgency();
    try {
      await writeFile(join(t.agency, "roles/writer.yaml"), text(WRITER, { 5: "expertise: Plain language" }));
      await writeFile(join(t.agency, "projects/beta/project.yaml"), text(BETA, { 5: "oversight: yolo" }));
      await writeFile(join(t.agency, "projects/alpha/project.yaml"), text(ALPHA, { 1: "id: alfa" }));
      await writeFile(join(t.agency, "projects/alpha/plan.yaml"), text(PLAN, { 39: "        role: writter" }));
      const before = await snapshot(t.root);
      const r = await runCli(["validate", "--agency", "agency"], { cwd: t.root });
      expect(r.stderr).toBe(
        [
          `${P}:39:15: error: unknown role 'writter' (did you mean 'writer'?)`,
          "agency/projects/alpha/project.yaml:1:5: error: project id 'alfa' must match its directory name 'alpha'",
          "agency/projects/beta/project.yaml:5:12: error: oversight must be one of: autonomous, approve-plan, review-streams",
          `${W}:5:12: error: expertise must be an array`,
          "4 errors in agency",
          "",
        ].join("\n"),
      );
      expect(r.stdout).toBe("");
      expect(r.code).toBe(1);
      expect(await snapshot(t.root)).toEqual(before);
    } finally {
      await t.cleanup();
    }
  });

  it("with GITHUB_ACTIONS=true also prints the error as a ::error annotation on stdout", async () => {
    const t = await tempAgency();
    try {
      await writeFile(join(t.agency, "roles/writer.yaml"), text(WRITER, { 5: "expertise: Plain language" }));
      await writeFile(join(t.agency, "projects/alpha/plan.yaml"), text(PLAN, { 41: "        dependsOn: [facts, polish]" }));
      const before = await snapshot(t.root);
      const r = await runCli(["validate", "--agency", "agency"], { cwd: t.root, env: { GITHUB_ACTIONS: "true" } });
      expect(r.stdout).toBe(
        [
          `::error file=${P},line=41,col=28::dependency cycle: draft → polish → draft`,
          `::error file=${W},line=5,col=12::expertise must be an array`,
          "",
        ].join("\n"),
      );
      expect(r.stderr).toContain(`${W}:5:12: error: expertise must be an array\n`);
      expect(r.stderr).toContain("2 errors in agency\n");
      expect(r.code).toBe(1);
      expect(await snapshot(t.root)).toEqual(before);
    } finally {
      await t.cleanup();
    }
  });
});

// ── Engine bugs this suite found (fixed); kept as regression tests.

describe("regressions found by this suite", () => {
  it("a file with ~130k schema errors is reported, not a RangeError crash (load-agency: diags.push(...problems))", async () => {
    const t = await tempAgency();
    try {
      // 780 KB, under the size limit; every item is a schema error.
      await writeFile(join(t.agency, "roles/writer.yaml"), `expertise:\n${"  - 1\n".repeat(130_000)}`);
      const r = await runCli(["validate", "--agency", "agency"], { cwd: t.root });
      expectInvalid(r, `${W}:2:5`, "expertise[0] must be a string", "agency");
    } finally {
      await t.cleanup();
    }
  });

  it("an undefined alias is reported where it is, not as an alias bomb at 1:1", async () => {
    const t = await tempAgency();
    try {
      await writeFile(join(t.agency, "roles/writer.yaml"), text(WRITER, { 2: "name: *nope" }));
      const r = await runCli(["validate", "--agency", "agency"], { cwd: t.root });
      expectInvalid(r, `${W}:2:7`, "nope", "agency");
      expect(r.stderr).not.toContain("alias bomb");
    } finally {
      await t.cleanup();
    }
  });

  it("two files for one role (writer.yaml and writer.yml) are a duplicate role id", async () => {
    const t = await tempAgency();
    try {
      await writeFile(join(t.agency, "roles/writer.yml"), text(WRITER, { 4: "summary: A second writer." }));
      const r = await runCli(["validate", "--agency", "agency"], { cwd: t.root });
      expectInvalid(r, /^agency\/roles\/writer\.ya?ml:\d+:\d+: error: /, "writer", "agency");
    } finally {
      await t.cleanup();
    }
  });

  it("memory: an entry of an unknown kind, and one id in two files, are located errors", async () => {
    const t = await tempAgency();
    try {
      await mkdir(join(t.agency, "memory/roles"), { recursive: true });
      const entry = (id: string, kind: string) => `entries:\n  - id: ${id}\n    kind: ${kind}\n    text: Cite every price.\n    provenance:\n      - { by: "@octocat", at: "2026-12-01" }\n`;
      await writeFile(join(t.agency, "memory/roles/writer.yaml"), entry("writer-price", "tip"));
      const bad = await runCli(["validate", "--agency", "agency"], { cwd: t.root });
      expectInvalid(bad, "agency/memory/roles/writer.yaml:3:11", "kind must be one of", "agency");
      await writeFile(join(t.agency, "memory/roles/writer.yaml"), entry("shared-price", "lesson"));
      await writeFile(join(t.agency, "memory/collaboration.yaml"), entry("shared-price", "pattern"));
      const twice = await runCli(["validate", "--agency", "agency"], { cwd: t.root });
      expectInvalid(twice, "agency/memory/roles/writer.yaml:2:9", "memory entry id 'shared-price' is used twice (first in collaboration.yaml)", "agency");
      // .yml is read as well as .yaml; both for one file is an error.
      await writeFile(join(t.agency, "memory/roles/writer.yml"), entry("writer-price-2", "lesson"));
      await rm(join(t.agency, "memory/roles/writer.yaml"));
      expect((await runCli(["validate", "--agency", "agency"], { cwd: t.root })).code).toBe(0);
      await writeFile(join(t.agency, "memory/roles/writer.yaml"), entry("writer-price-3", "lesson"));
      expectInvalid(await runCli(["validate", "--agency", "agency"], { cwd: t.root }), /^agency\/memory\/roles\/writer\.ya?ml:1:1: error: /, "memory file roles/writer.yaml exists twice (.yaml and .yml): keep one", "agency");
      // A ranker that needs settings it was not given is refused where it is named, not at the first task.
      await writeFile(join(t.agency, "memory/collaboration.yaml"), entry("collab-price", "pattern"));
      await writeFile(join(t.agency, "agency.yaml"), `${text(AGENCY)}memory:\n  ranker: chroma\n  embeddings: { model: nomic-embed-text }\n`);
      const ranker = await runCli(["validate", "--agency", "agency"], { cwd: t.root });
      expectInvalid(ranker, /^agency\/agency\.yaml:\d+:3: error: /, "memory is missing required property 'chroma'", "agency");
    } finally {
      await t.cleanup();
    }
  });

  it("a score key that is not an id gets one diagnostic on the key, not also a garbled one on the mapping", async () => {
    const t = await tempAgency();
    try {
      await writeFile(join(t.agency, "projects/alpha/plan.yaml"), text(PLAN, { 31: "        scores: { Reasoning: 4, quality: 4 }" }));
      const r = await runCli(["validate", "--agency", "agency"], { cwd: t.root });
      expectInvalid(r, `${P}:31:19`, "'Reasoning' is not a valid key in streams[0].tasks[0].scores", "agency");
      expect(r.stderr).not.toContain("scores must be a lowercase id");
    } finally {
      await t.cleanup();
    }
  });

  it("a diagnostic quotes a bounded excerpt of a huge value, not all of it", async () => {
    const t = await tempAgency();
    try {
      await writeFile(join(t.agency, "roles/writer.yaml"), text(WRITER, { 1: `id: ${"A".repeat(900_000)}` }));
      const r = await runCli(["validate", "--agency", "agency"], { cwd: t.root });
      expectInvalid(r, `${W}:1:5`, "id must be a lowercase id", "agency");
      expect(r.stderr.length).toBeLessThan(64 * 1024);
    } finally {
      await t.cleanup();
    }
  });

  it.skipIf(!HAS_MKFIFO)("a FIFO where a declared output would be does not hang validate (hashOutputs reads it)", async () => {
    const t = await tempAgency();
    try {
      await mkdir(join(t.agency, "projects/alpha/outputs/research"), { recursive: true });
      mkfifo(join(t.agency, "projects/alpha/outputs/research/facts.md"));
      const r = runChild(["validate", "--agency", "agency"], t.root, { timeoutMs: 3000 });
      expect(r.timedOut, "validate hung on the FIFO").toBe(false);
      expect([0, 1]).toContain(r.code);
      expect(r.stderr).not.toMatch(/internal error|^\s+at /m);
    } finally {
      await t.cleanup();
    }
  });

  it("a declared output that is a symlink to /dev/zero does not make validate read forever", async () => {
    const t = await tempAgency();
    try {
      await mkdir(join(t.agency, "projects/alpha/outputs/research"), { recursive: true });
      await symlink("/dev/zero", join(t.agency, "projects/alpha/outputs/research/facts.md"));
      // Short timeout: the current engine reads /dev/zero into memory at about 0.5 GB/s until killed.
      const r = runChild(["validate", "--agency", "agency"], t.root, { timeoutMs: 1500 });
      expect(r.timedOut, "validate kept reading /dev/zero").toBe(false);
      expect([0, 1]).toContain(r.code);
      expect(r.stderr).not.toMatch(/internal error|^\s+at /m);
    } finally {
      await t.cleanup();
    }
  });
});
