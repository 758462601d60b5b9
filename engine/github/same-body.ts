// GitHub may hand a body back with CRLF line ends (anything edited in the web UI) or without trailing whitespace;
// neither is a change of ours, so neither should cause a write.
export function sameBody(a: string, b: string): boolean {
  const norm = (s: string) => s.replace(/\r\n/g, "\n").trimEnd();
  return norm(a) === norm(b);
}
