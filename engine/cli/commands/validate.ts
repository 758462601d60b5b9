// `ateams validate`: load and check every spec file; report all problems at once.
import { resolve } from "node:path";
import { countErrors, displayPath } from "../../agency/diagnostic.ts";
import { loadAgency } from "../../agency/load-agency.ts";
import { COMMON_OPTIONS, parse } from "../args.ts";
import { EXIT, type CliIO } from "../io.ts";
import { reportDiagnostics } from "../load-or-report.ts";

export const VALIDATE_HELP = `Usage: ateams validate [--agency <dir>] [--json]

Loads every YAML file of the agency (agency.yaml, roles/, projects/), checks it against
its JSON Schema, then checks references across files: unknown roles, tiers, tasks and
options, duplicate ids, and dependency cycles. Every problem is reported at once as
path:line:col: error: message (and as ::error annotations inside GitHub Actions).

Options:
  --agency <dir>   the agency directory (default: ./agency)
  --json           print {"ok", "diagnostics": [...]} on stdout
  -h, --help       show this help

Exit status: 0 valid, 1 invalid specs, 2 usage error.
`;

export async function validateCommand(argv: string[], io: CliIO): Promise<number> {
  const { values } = parse(argv, { ...COMMON_OPTIONS, json: { type: "boolean", default: false } });
  if (values.help) {
    io.stdout(VALIDATE_HELP);
    return EXIT.ok;
  }
  const result = await loadAgency(resolve(io.cwd, values.agency));
  const diagnostics = result.ok ? result.warnings : result.diagnostics;
  if (values.json) {
    const list = diagnostics.map((d) => ({ ...d, file: displayPath(d.file, io.cwd) }));
    io.stdout(`${JSON.stringify({ ok: result.ok, diagnostics: list }, null, 2)}\n`);
    return result.ok ? EXIT.ok : EXIT.invalid;
  }
  reportDiagnostics(io, diagnostics);
  if (!result.ok) {
    const n = countErrors(diagnostics);
    io.stderr(`${n} error${n === 1 ? "" : "s"} in ${values.agency}\n`);
    return EXIT.invalid;
  }
  const m = result.model;
  const plans = [...m.projects.values()].filter((p) => p.plan).length;
  io.stdout(`✓ ${values.agency} is valid: ${plural(m.roles.size, "role")}, ${plural(m.projects.size, "project")} (${plans} planned), ${m.spec.models.tiers.length} model tiers\n`);
  return EXIT.ok;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
