/**
 * A user mistake: besides progress lines (`[name] ...`, printed before the failure), exactly one
 * line on stderr, the last, starting `error:`, and no stack trace. Returns that line; throws (so
 * the test fails showing all of stderr) otherwise.
 */
export function expectOneLineError(stderr: string): string {
  const lines = stderr.trimEnd().split('\n').filter((line) => !/^\[[^\]]+\] /.test(line));
  if (lines.length !== 1 || !lines[0]!.startsWith('error: ') || !stderr.trimEnd().endsWith(lines[0]!) || /\n\s+at /.test(stderr) || stderr.includes('internal error')) {
    throw new Error(`expected one 'error:' line on stderr, got:\n${stderr}`);
  }
  return lines[0]!;
}
