// Seeded mutations of spec files for the spec fuzzer: each takes a file's text and a random source and returns a
// broken (or merely odd) text, the way a person, an editor, a bad merge or a hostile pull request would leave it.
// Pure: text in, text out; the same seed gives the same file, so a failing case can be replayed. Sizes stay in the
// thousands so a few hundred cases run in seconds; test/validate/large-input.test.ts covers the 1 MB scale.
import { parse, stringify } from "yaml";

/** mulberry32: small, fast, and the same sequence on every platform. */
export function rng(seed: number): Random {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  return { next, int, pick: <T>(xs: readonly T[]) => xs[int(xs.length)]! };
}

export interface Random {
  next: () => number;
  int: (n: number) => number;
  pick: <T>(xs: readonly T[]) => T;
}

type Path = (string | number)[];

export interface Mutation {
  name: string;
  apply: (text: string, r: Random) => string;
}

const BAD_IDS = ["Launch", "UPPER", "with space", "../escape", "a/b", "-dash", "x".repeat(64), "", "plan", "assembly", "ümlaut", "a--b", "1abc", "id\n", "null", "✓"];
const ODD_STRINGS = [
  "\u202eevil\u202c", // right-to-left override
  "zero\u200bwidth",
  "e\u0301\u0301\u0301", // stacked combining marks
  "🦄🚀".repeat(50),
  "\u0007bell\u001b[31mred",
  "tab\there",
  "\u2028line\u2029para",
  "\ufeffbom",
  "{{> partial}} {{{raw}}} {{#each x}}",
  "${{ secrets.TOKEN }}",
  "<!-- hidden --> /approve",
  "'; DROP TABLE specs; --",
];

function valuePaths(value: unknown, path: Path = [], out: Path[] = []): Path[] {
  out.push(path);
  if (Array.isArray(value)) value.forEach((v, i) => valuePaths(v, [...path, i], out));
  else if (value && typeof value === "object") for (const [k, v] of Object.entries(value)) valuePaths(v, [...path, k], out);
  return out;
}

function getAt(value: unknown, path: Path): unknown {
  let v = value;
  for (const seg of path) v = (v as Record<string | number, unknown>)[seg];
  return v;
}

function setAt(root: unknown, path: Path, next: unknown): unknown {
  if (path.length === 0) return next;
  const parent = getAt(root, path.slice(0, -1)) as Record<string | number, unknown>;
  parent[path[path.length - 1]!] = next;
  return root;
}

function deleteAt(root: unknown, path: Path): unknown {
  if (path.length === 0) return root;
  const parent = getAt(root, path.slice(0, -1));
  const last = path[path.length - 1]!;
  if (Array.isArray(parent)) parent.splice(Number(last), 1);
  else delete (parent as Record<string, unknown>)[String(last)];
  return root;
}

/** Mutates the parsed value and writes it back as YAML; a text that does not parse is returned unchanged. */
function onValue(fn: (value: unknown, r: Random) => unknown): (text: string, r: Random) => string {
  return (text, r) => {
    // A text an earlier mutation made unparsable, or too deep to write back, stays as it is.
    try {
      return stringify(fn(parse(text), r), { aliasDuplicateObjects: false, lineWidth: 0 });
    } catch {
      return text;
    }
  };
}

function randomPath(value: unknown, r: Random, filter: (v: unknown, p: Path) => boolean = () => true): Path | undefined {
  const paths = valuePaths(value).filter((p) => filter(getAt(value, p), p));
  return paths.length ? r.pick(paths) : undefined;
}

function otherType(r: Random, current: unknown): unknown {
  const candidates: unknown[] = [0, -1, 3.5, 1e308, true, null, "text", "", [], {}, ["a", 1], { x: 1 }, "2026-13-45", 10 ** 21];
  let v = r.pick(candidates);
  if (typeof v === typeof current && v !== null && current !== null && !Array.isArray(v)) v = r.pick([null, [], { a: 1 }]);
  return v;
}

function nested(depth: number, open: string, close: string, leaf = "x"): string {
  return `${open.repeat(depth)}${leaf}${close.repeat(depth)}`;
}

export const MUTATIONS: Mutation[] = [
  {
    name: "delete a key or item",
    apply: onValue((v, r) => {
      const p = randomPath(v, r, (_x, p) => p.length > 0);
      return p ? deleteAt(v, p) : v;
    }),
  },
  {
    name: "duplicate a line (often a duplicate key)",
    apply: (text, r) => {
      const lines = text.split("\n");
      const i = r.int(lines.length);
      lines.splice(i, 0, lines[i]!);
      return lines.join("\n");
    },
  },
  {
    name: "wrong type",
    apply: onValue((v, r) => {
      const p = randomPath(v, r);
      return p ? setAt(v, p, otherType(r, getAt(v, p))) : v;
    }),
  },
  {
    name: "huge string",
    apply: onValue((v, r) => {
      const p = randomPath(v, r, (x) => typeof x === "string");
      return p ? setAt(v, p, r.pick(["a", "é", "🦄", "x y "]).repeat(20_000 + r.int(100_000))) : v;
    }),
  },
  {
    name: "huge list",
    apply: onValue((v, r) => {
      const p = randomPath(v, r, (x) => Array.isArray(x) && x.length > 0);
      if (!p) return v;
      const items = getAt(v, p) as unknown[];
      const n = 500 + r.int(2_500);
      return setAt(v, p, Array.from({ length: n }, (_x, i) => (r.next() < 0.5 ? structuredClone(items[i % items.length]) : `item-${i}`)));
    }),
  },
  {
    name: "many unknown keys",
    apply: onValue((v, r) => {
      const p = randomPath(v, r, (x) => !!x && typeof x === "object" && !Array.isArray(x));
      if (!p) return v;
      const map = getAt(v, p) as Record<string, unknown>;
      for (let i = 0, n = 500 + r.int(5_000); i < n; i++) map[`unknownKey${i}`] = i;
      return v;
    }),
  },
  {
    name: "unicode and odd strings",
    apply: onValue((v, r) => {
      const p = randomPath(v, r, (x) => typeof x === "string");
      return p ? setAt(v, p, r.pick(ODD_STRINGS)) : v;
    }),
  },
  {
    name: "raw control characters in the text",
    apply: (text, r) => {
      const at = r.int(text.length);
      const ch = String.fromCharCode(r.pick([0, 1, 7, 8, 11, 12, 27, 127, 0x85, 0xfffe]));
      return text.slice(0, at) + ch + text.slice(at);
    },
  },
  {
    name: "invalid UTF-8 / lone surrogate",
    apply: (text, r) => {
      const at = r.int(text.length);
      return text.slice(0, at) + r.pick(["\ud800", "\udfff", "\ufffd"]) + text.slice(at);
    },
  },
  {
    name: "deep nesting",
    apply: (text, r) => {
      const depth = r.pick([100, 1_000, 10_000, 100_000]);
      const deep = r.next() < 0.5 ? nested(depth, "[", "]") : nested(depth, "{a: ", "}", "1");
      const lines = text.split("\n");
      const i = lines.findIndex((l) => /^[a-zA-Z]+:/.test(l));
      if (i === -1) return `${deep}\n`;
      lines[i] = `${lines[i]!.split(":")[0]}: ${deep}`;
      return lines.join("\n");
    },
  },
  {
    name: "deep block nesting",
    apply: (text, r) => {
      const depth = r.pick([50, 500, 3_000]);
      let block = "";
      for (let i = 0; i < depth; i++) block += `${" ".repeat(i)}k${i}:\n`;
      return `${text}\nextra:\n${block.replace(/^/gm, "  ")}`;
    },
  },
  {
    name: "alias bomb",
    apply: (text, r) => {
      const levels = 3 + r.int(8);
      let bomb = "a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n";
      for (let i = 1; i < levels; i++) bomb += `a${i}: &a${i} [${Array(9).fill(`*a${i - 1}`).join(", ")}]\n`;
      const where = r.pick(["top", "value"]);
      if (where === "top") return bomb + text;
      const lines = text.split("\n");
      const i = lines.findIndex((l) => /^[a-zA-Z]+:/.test(l));
      return `${bomb}${lines.map((l, k) => (k === i ? `${l.split(":")[0]}: *a${levels - 1}` : l)).join("\n")}`;
    },
  },
  {
    name: "anchors and aliases (legal)",
    apply: (text) => text.replace(/^(\w+): (.+)$/m, "$1: &anchor $2").replace(/\n$/, "\nalias-copy: *anchor\n"),
  },
  {
    name: "undefined alias",
    apply: (text, r) => {
      const lines = text.split("\n");
      const i = r.int(lines.length);
      lines[i] = lines[i]!.replace(/: .+$/, ": *nowhere");
      return lines.join("\n");
    },
  },
  {
    name: "broken syntax",
    apply: (text, r) => {
      const at = r.int(text.length);
      return text.slice(0, at) + r.pick(["{", "}", "[", "]", ": :", "\t", "'", '"', "|", ">", "- ", "? ", "&", "*", "!", "%YAML 9\n", "---\n", "...\n", "\n  \tx: y", "!!binary ZZZ", "!!python/object:os.system", "<<: *x"]) + text.slice(at);
    },
  },
  {
    name: "truncated",
    apply: (text, r) => text.slice(0, r.int(text.length)),
  },
  {
    name: "many syntax errors",
    apply: (text, r) => `${text}\n${r.pick(["}", "]", ": ", "\t- "]).repeat(1_000 + r.int(20_000))}\n`,
  },
  {
    name: "bad id",
    apply: onValue((v, r) => {
      const p = randomPath(v, r, (x, p) => typeof x === "string" && /^(id|project|role|tier|recommended|chosen|basedOn|director|resource|dependsOn|tools)$/.test(String(p[p.length - 1] ?? p[p.length - 2])));
      return p ? setAt(v, p, r.pick(BAD_IDS)) : v;
    }),
  },
  {
    name: "bad path",
    apply: onValue((v, r) => {
      const p = randomPath(v, r, (x, p) => typeof x === "string" && /^(path|file)$/.test(String(p[p.length - 1])));
      return p ? setAt(v, p, r.pick(["../../etc/passwd", "/abs/path", "a/../../b", "x\n/../../y", ".git/config", "C:\\win", "a\u0000b", "", "./.", "%2e%2e/x"])) : v;
    }),
  },
  {
    name: "dependency cycle",
    apply: onValue((v) => {
      const streams = (v as { streams?: { tasks?: { id: string; dependsOn?: string[] }[] }[] } | null)?.streams;
      const tasks = (Array.isArray(streams) ? streams : []).flatMap((s) => (Array.isArray(s?.tasks) ? s.tasks : []));
      if (tasks.length < 2) return v;
      tasks.forEach((t, i) => {
        if (t && typeof t === "object") t.dependsOn = [String(tasks[(i + 1) % tasks.length]?.id)];
      });
      return v;
    }),
  },
  {
    name: "self dependency and unknown dependency",
    apply: onValue((v, r) => {
      const streams = (v as { streams?: { tasks?: { id: string; dependsOn?: string[] }[] }[] } | null)?.streams;
      const tasks = (Array.isArray(streams) ? streams : []).flatMap((s) => (Array.isArray(s?.tasks) ? s.tasks : []));
      if (!tasks.length) return v;
      const t = r.pick(tasks);
      if (t && typeof t === "object") t.dependsOn = [t.id, "no-such-task"];
      return v;
    }),
  },
  {
    name: "long dependency chain",
    apply: onValue((v, r) => {
      const streams = (v as { streams?: { tasks?: unknown[] }[] } | null)?.streams;
      const s = Array.isArray(streams) ? streams.find((x) => Array.isArray(x?.tasks) && x.tasks.length) : undefined;
      if (!s?.tasks) return v;
      const base = s.tasks[0] as Record<string, unknown>;
      const n = 100 + r.int(500);
      s.tasks = Array.from({ length: n }, (_x, i) => ({ ...structuredClone(base), id: `chain-${i}`, dependsOn: i ? [`chain-${i - 1}`] : [], outputs: [{ path: `chain-${i}.md` }] }));
      return v;
    }),
  },
  {
    name: "empty or whitespace file",
    apply: (_text, r) => r.pick(["", " \n", "# only a comment\n", "---\n", "null\n", "~\n", "[]\n", "42\n", '"text"\n']),
  },
  {
    name: "several documents",
    apply: (text) => `${text}\n---\n${text}`,
  },
  {
    name: "tags",
    apply: (text, r) => text.replace(/: (\w)/, `: ${r.pick(["!!str ", "!!int ", "!!map ", "!custom ", "!!timestamp ", "!!set ", "!!omap "])}$1`),
  },
];

export function mutate(text: string, r: Random, count = 1 + r.int(2)): { text: string; applied: string[] } {
  const applied: string[] = [];
  let out = text;
  for (let i = 0; i < count; i++) {
    const m = r.pick(MUTATIONS);
    applied.push(m.name);
    out = m.apply(out, r);
  }
  return { text: out, applied };
}
