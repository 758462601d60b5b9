// The end of every switch over a kind: a kind added to a union and not handled there fails to compile.
export function assertNever(x: never): never {
  throw new Error(`unhandled kind: ${JSON.stringify(x)}`);
}
