// The test model server's /embeddings: a deterministic vector from a text's words and their character trigrams,
// hashed into a fixed number of dimensions (the "hashing trick"). It knows nothing of the prompts or the labelled
// set; like a small real embedding model it places texts that share words or word parts near each other, and unlike
// one it has no notion of synonyms, so the figures it gives are a floor, not a forecast.
import { createHash } from "node:crypto";

export const EMBEDDING_DIMENSIONS = 384;

/** Function words carry no topic; real embedding models learn to give them little weight. */
const STOP = new Set(
  "a about above after again all also an and any are as at be because been before being between both but by can could did do does doing down each few for from further had has have having he her here hers him his how i if in into is it its just me more most my no nor not now of off on once only or other our out over own same she should so some such than that the their them then there these they this those through to too under until up very was we were what when where which while who whom why will with would you your".split(" "),
);

function slot(feature: string): { index: number; sign: number } {
  const h = createHash("md5").update(feature).digest();
  return { index: h.readUInt32LE(0) % EMBEDDING_DIMENSIONS, sign: h[4]! & 1 ? 1 : -1 };
}

export function hashedEmbedding(text: string): number[] {
  const v = new Array<number>(EMBEDDING_DIMENSIONS).fill(0);
  const words = text.toLowerCase().normalize("NFKD").replace(/[^\p{L}\p{N}\s]/gu, " ").split(/\s+/).filter((w) => w.length > 1 && !STOP.has(w));
  for (const w of words) {
    const add = (feature: string, weight: number) => {
      const s = slot(feature);
      v[s.index]! += s.sign * weight;
    };
    add(`w:${w}`, 1);
    // Word parts as fastText uses them: the word's trigrams share one unit of weight, so "deploy" and "deployment"
    // are near without long words drowning short ones.
    const padded = `<${w}>`;
    const n = padded.length - 2;
    for (let i = 0; i < n; i++) add(`t:${padded.slice(i, i + 3)}`, 1 / n);
  }
  const norm = Math.sqrt(v.reduce((n, x) => n + x * x, 0)) || 1;
  return v.map((x) => x / norm);
}
