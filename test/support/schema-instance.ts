// Makes a value that satisfies a JSON Schema from the schema alone: what a grammar-constrained server (llama.cpp,
// vLLM, Ollama) guarantees for a model that understood nothing of the prompt. Two modes:
// - "minimal": required properties only, arrays at minItems, the shortest string a pattern allows, numbers at their
//   minimum;
// - "odd": every property, arrays at maxItems (when unbounded: one more item than minItems for objects, minItems
//   for plain values),
//   random strings matching their patterns, unicode and markup in free text, numbers at their maximum.
// In both, an enum inside an array (or inside an array's item object) takes the value at the item's position
// (cycling), so that the items of one array differ where the schema allows it, as a model's would; anyOf takes its
// first branch. Seeded: same schema, same value.
// Only the keywords a strict reply schema uses are understood; anything else throws, so a schema outside that subset
// is noticed rather than silently half-honoured.

export type InstanceMode = "minimal" | "odd";

type Schema = { [k: string]: unknown };

export interface InstanceOptions {
  mode: InstanceMode;
  seed?: number;
}

const IGNORED = new Set(["title", "description", "$schema", "$id", "default", "examples", "format", "strict", "$comment"]);
const UNDERSTOOD = new Set([
  "type", "properties", "required", "additionalProperties", "items", "prefixItems", "minItems", "maxItems", "enum", "const",
  "pattern", "minLength", "maxLength", "minimum", "maximum", "anyOf", "$ref", "$defs", "definitions", "uniqueItems",
  "exclusiveMinimum", "exclusiveMaximum", "propertyNames", "minProperties", "maxProperties",
]);

/** Longest array or string "odd" mode makes when the schema sets no bound of its own. */
const ODD_CAP = 6;
const ODD_TEXT = ["Ünïcödé", "漢字テスト", "🙂🚀", "\"quoted\"", "back\\slash", "line\nbreak", "<b>markup</b>", "`code`", "# heading", "tab\there", "ß∑∆", "ℵ₀"];

export function schemaInstance(schema: unknown, opts: InstanceOptions): unknown {
  const rng = mulberry32(opts.seed ?? 1);
  const root = schema as Schema;
  const resolve = (ref: string): Schema => {
    const m = /^#\/(\$defs|definitions)\/(.+)$/.exec(ref);
    const defs = m ? (root[m[1]!] as Schema | undefined) : undefined;
    const target = m && defs ? defs[m[2]!] : undefined;
    if (!target) throw new Error(`schema-instance: cannot resolve $ref ${ref}`);
    return target as Schema;
  };

  const gen = (s: Schema, at: string, index: number): unknown => {
    for (const k of Object.keys(s)) {
      if (!UNDERSTOOD.has(k) && !IGNORED.has(k)) throw new Error(`schema-instance: keyword '${k}' at ${at} is not supported`);
    }
    if (typeof s.$ref === "string") return gen(resolve(s.$ref), at, index);
    if ("const" in s) return s.const;
    if (Array.isArray(s.enum)) {
      if (s.enum.length === 0) throw new Error(`schema-instance: empty enum at ${at}`);
      return s.enum[index % s.enum.length];
    }
    if (Array.isArray(s.anyOf)) return gen(s.anyOf[0] as Schema, `${at}/anyOf/0`, index);
    const type = Array.isArray(s.type) ? s.type[0] : s.type;
    switch (type) {
      case "object":
        return object(s, at, index);
      case "array":
        return array(s, at);
      case "string":
        return string(s, at, index);
      case "integer":
      case "number":
        return number(s, type === "integer");
      case "boolean":
        return opts.mode === "odd";
      case "null":
        return null;
      default:
        if (s.properties) return object(s, at, index);
        throw new Error(`schema-instance: no type at ${at}`);
    }
  };

  // The properties of an array's item take the item's position: option-1, option-2 for an id enum in options[0], [1].
  const object = (s: Schema, at: string, index: number): Record<string, unknown> => {
    const props = (s.properties ?? {}) as Record<string, Schema>;
    const required = new Set((s.required ?? []) as string[]);
    const out: Record<string, unknown> = {};
    for (const [name, sub] of Object.entries(props)) {
      if (opts.mode === "odd" || required.has(name)) out[name] = gen(sub, `${at}/${name}`, index);
    }
    // A map (additionalProperties: {schema}) with no named properties: "odd" adds a few keys.
    const extra = s.additionalProperties;
    if (opts.mode === "odd" && extra && typeof extra === "object" && Object.keys(props).length === 0) {
      for (let i = 0; i < 2; i++) out[`k${i}-${randomWord()}`] = gen(extra as Schema, `${at}/*`, i);
    }
    return out;
  };

  const array = (s: Schema, at: string): unknown[] => {
    const min = (s.minItems as number | undefined) ?? 0;
    const max = s.maxItems as number | undefined;
    const prefix = (s.prefixItems ?? []) as Schema[];
    // "odd" fills a bounded array; an unbounded one of objects gets one item more than it must have (several streams,
    // several tasks), one of plain values stays at its minimum (a list of references must not invent any).
    const objects = (s.items as Schema | undefined)?.type === "object";
    const length = opts.mode === "minimal" ? Math.max(min, 0) : max !== undefined ? Math.max(min, Math.min(max, ODD_CAP)) : objects ? min + 1 : min;
    const out: unknown[] = [];
    for (let i = 0; i < length; i++) {
      const sub = prefix[i] ?? (s.items as Schema | undefined);
      if (!sub) break;
      out.push(gen(sub, `${at}/${i}`, i));
    }
    return out;
  };

  const string = (s: Schema, at: string, index: number): string => {
    const minLength = (s.minLength as number | undefined) ?? 0;
    const maxLength = s.maxLength as number | undefined;
    if (typeof s.pattern === "string") {
      const v = fromPattern(s.pattern, opts.mode, rng, at);
      if (v.length < minLength || (maxLength !== undefined && v.length > maxLength)) {
        throw new Error(`schema-instance: '${v}' from pattern at ${at} breaks its length bounds`);
      }
      return v;
    }
    if (opts.mode === "minimal") return "a".repeat(minLength);
    let text = `${ODD_TEXT[(index + Math.floor(rng() * ODD_TEXT.length)) % ODD_TEXT.length]} ${randomWord()}`;
    while (text.length < minLength) text += ` ${randomWord()}`;
    // JSON Schema counts code points (ajv too), so trim by code point, never splitting an emoji.
    if (maxLength !== undefined) text = [...text].slice(0, maxLength).join("");
    return text;
  };

  const number = (s: Schema, integer: boolean): number => {
    const lo = (s.minimum as number | undefined) ?? (typeof s.exclusiveMinimum === "number" ? s.exclusiveMinimum + (integer ? 1 : 0.5) : undefined);
    const hi = (s.maximum as number | undefined) ?? (typeof s.exclusiveMaximum === "number" ? s.exclusiveMaximum - (integer ? 1 : 0.5) : undefined);
    if (opts.mode === "minimal") return lo ?? Math.min(0, hi ?? 0);
    if (hi !== undefined) return hi;
    return integer ? (lo ?? 0) + 987_654 : (lo ?? 0) + 12_345.678;
  };

  const randomWord = () => Array.from({ length: 3 + Math.floor(rng() * 6) }, () => "abcdefghijklmnopqrstuvwxyz"[Math.floor(rng() * 26)]).join("");

  return gen(root, "#", 0);
}

/** A small seeded PRNG, so a run is reproducible. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// ---- patterns: a generator for the regular subset grammar-constrained servers accept ----
// Anchors, literals, escapes (\d \w \s \S \. …), classes with ranges and negation, groups (incl. (?:…)) with |,
// and the quantifiers ? * + {n} {n,} {n,m}. Lookarounds and backreferences are refused: a grammar cannot hold them.

type Node =
  | { kind: "chars"; set: CharSet }
  | { kind: "group"; alts: Node[][] }
  | { kind: "repeat"; node: Node; min: number; max: number | undefined };

interface CharSet {
  negated: boolean;
  ranges: [number, number][];
}

const DIGIT: [number, number][] = [[48, 57]];
const WORD: [number, number][] = [[97, 122], [65, 90], [48, 57], [95, 95]];
const SPACE: [number, number][] = [[32, 32], [9, 10], [13, 13]];
/** What a negated class or \S draws from in "odd" mode: ASCII and a few multi-byte letters. */
const ODD_POOL = [..."abcXYZ019_-.~é漢ß🙂Ωж"].map((c) => c.codePointAt(0)!);
const PLAIN_POOL = [..."abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-."].map((c) => c.codePointAt(0)!);

export function fromPattern(pattern: string, mode: InstanceMode, rng: () => number, at = "pattern"): string {
  const tree = parsePattern(pattern, at);
  const out: string[] = [];
  const emit = (n: Node): void => {
    switch (n.kind) {
      case "chars":
        out.push(String.fromCodePoint(pickChar(n.set, mode, rng, at)));
        return;
      case "group": {
        const alt = mode === "minimal" ? shortestAlt(n.alts) : n.alts[Math.floor(rng() * n.alts.length)]!;
        alt.forEach(emit);
        return;
      }
      case "repeat": {
        const top = n.max ?? n.min + 4;
        const count = mode === "minimal" ? n.min : n.min + Math.floor(rng() * (Math.min(top, n.min + 8) - n.min + 1));
        for (let i = 0; i < count; i++) emit(n.node);
        return;
      }
    }
  };
  tree.forEach(emit);
  const value = out.join("");
  if (!new RegExp(pattern, "u").test(value)) throw new Error(`schema-instance: generated '${value}' does not match ${pattern} at ${at}`);
  return value;
}

function shortestAlt(alts: Node[][]): Node[] {
  const size = (ns: Node[]): number => ns.reduce((n, x) => n + (x.kind === "chars" ? 1 : x.kind === "repeat" ? x.min * size([x.node]) : Math.min(...x.alts.map(size))), 0);
  return alts.reduce((best, a) => (size(a) < size(best) ? a : best));
}

/** Every code point not in `ranges` (for \S, \D, \W inside a class). */
function complement(ranges: [number, number][]): [number, number][] {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0]);
  const out: [number, number][] = [];
  let next = 0;
  for (const [lo, hi] of sorted) {
    if (lo > next) out.push([next, lo - 1]);
    next = Math.max(next, hi + 1);
  }
  if (next <= 0x10ffff) out.push([next, 0x10ffff]);
  return out;
}

function inSet(set: CharSet, c: number): boolean {
  const hit = set.ranges.some(([lo, hi]) => c >= lo && c <= hi);
  return set.negated ? !hit : hit;
}

function pickChar(set: CharSet, mode: InstanceMode, rng: () => number, at: string): number {
  const preferred = mode === "minimal" ? [97, ...PLAIN_POOL] : [...ODD_POOL, ...PLAIN_POOL];
  if (mode === "odd") {
    const candidates = preferred.filter((c) => inSet(set, c));
    if (candidates.length) return candidates[Math.floor(rng() * candidates.length)]!;
  } else {
    const first = preferred.find((c) => inSet(set, c));
    if (first !== undefined) return first;
  }
  if (!set.negated && set.ranges.length) return set.ranges[0]![0];
  throw new Error(`schema-instance: no character satisfies a class at ${at}`);
}

function parsePattern(src: string, at: string): Node[] {
  let i = 0;
  const fail = (why: string): never => {
    throw new Error(`schema-instance: pattern ${src} at ${at}: ${why} (position ${i})`);
  };
  const escapeSet = (c: string): CharSet | undefined => {
    switch (c) {
      case "d": return { negated: false, ranges: DIGIT };
      case "D": return { negated: true, ranges: DIGIT };
      case "w": return { negated: false, ranges: WORD };
      case "W": return { negated: true, ranges: WORD };
      case "s": return { negated: false, ranges: SPACE };
      case "S": return { negated: true, ranges: SPACE };
      default: return undefined;
    }
  };
  const literal = (c: string): number => {
    const map: Record<string, number> = { n: 10, t: 9, r: 13, f: 12, v: 11, "0": 0 };
    if (c in map) return map[c]!;
    if (/[A-Za-z0-9]/.test(c)) fail(`unsupported escape \\${c}`);
    return c.codePointAt(0)!;
  };
  const readEscape = (): number => {
    const c = src[i++]!;
    if (c === "u") {
      const hex = src.slice(i, i + 4);
      if (!/^[0-9a-fA-F]{4}$/.test(hex)) fail("bad \\u escape");
      i += 4;
      return parseInt(hex, 16);
    }
    return literal(c);
  };
  const parseClass = (): CharSet => {
    const set: CharSet = { negated: false, ranges: [] };
    if (src[i] === "^") {
      set.negated = true;
      i++;
    }
    let first = true;
    while (i < src.length && (src[i] !== "]" || first)) {
      first = false;
      let lo: number;
      if (src[i] === "\\") {
        i++;
        const named = escapeSet(src[i]!);
        if (named) {
          i++;
          set.ranges.push(...(named.negated ? complement(named.ranges) : named.ranges));
          continue;
        }
        lo = readEscape();
      } else lo = src.codePointAt(i++)!;
      if (src[i] === "-" && src[i + 1] !== "]" && i + 1 < src.length) {
        i++;
        let hi: number;
        if (src[i] === "\\") {
          i++;
          hi = readEscape();
        } else hi = src.codePointAt(i++)!;
        set.ranges.push([lo, hi]);
      } else set.ranges.push([lo, lo]);
    }
    if (src[i] !== "]") fail("unclosed class");
    i++;
    return set;
  };
  const parseAlts = (): Node[][] => {
    const alts: Node[][] = [[]];
    while (i < src.length && src[i] !== ")") {
      const c = src[i]!;
      if (c === "|") {
        i++;
        alts.push([]);
        continue;
      }
      let atom: Node | undefined;
      if (c === "^" || c === "$") {
        i++;
        continue; // anchors: the generated value is the whole string anyway
      } else if (c === "(") {
        i++;
        if (src[i] === "?") {
          if (src[i + 1] !== ":") fail("lookarounds and named groups are not supported");
          i += 2;
        }
        const inner = parseAlts();
        if (src[i] !== ")") fail("unclosed group");
        i++;
        atom = { kind: "group", alts: inner };
      } else if (c === "[") {
        i++;
        atom = { kind: "chars", set: parseClass() };
      } else if (c === ".") {
        i++;
        atom = { kind: "chars", set: { negated: true, ranges: [[10, 10], [13, 13]] } };
      } else if (c === "\\") {
        i++;
        const named = escapeSet(src[i]!);
        if (named) {
          i++;
          atom = { kind: "chars", set: named };
        } else {
          if (/[1-9]/.test(src[i]!)) fail("backreferences are not supported");
          const code = readEscape();
          atom = { kind: "chars", set: { negated: false, ranges: [[code, code]] } };
        }
      } else {
        const code = src.codePointAt(i)!;
        i += code > 0xffff ? 2 : 1;
        atom = { kind: "chars", set: { negated: false, ranges: [[code, code]] } };
      }
      // Quantifier?
      const q = src[i];
      let node: Node = atom;
      if (q === "?" || q === "*" || q === "+") {
        i++;
        node = { kind: "repeat", node: atom, min: q === "+" ? 1 : 0, max: q === "?" ? 1 : undefined };
      } else if (q === "{") {
        const m = /^\{(\d+)(,(\d*))?\}/.exec(src.slice(i));
        if (!m) fail("bad {n,m}");
        i += m![0].length;
        const min = Number(m![1]);
        const max = m![2] === undefined ? min : m![3] === "" ? undefined : Number(m![3]);
        node = { kind: "repeat", node: atom, min, max };
      }
      if (src[i] === "?" && node !== atom) i++; // lazy: same language
      alts[alts.length - 1]!.push(node);
    }
    return alts;
  };
  const alts = parseAlts();
  if (i < src.length) fail("unbalanced )");
  return alts.length === 1 ? alts[0]! : [{ kind: "group", alts }];
}
