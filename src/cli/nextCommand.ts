import { isAbsolute, relative } from 'node:path';
import { formatSla, type Sla } from '../schema/sla.js';

/**
 * The `next:` line a command prints after writing a document: the plan command to run on it,
 * with placeholders for what the document cannot tell.
 */
export function nextPlanCommand(shownPath: string, sla: Sla | undefined, instanceType: string | undefined): string {
  return (
    `next: capacity-plan plan ${shellQuote(shownPath)} --sla ${sla ? `'${formatSla(sla)}'` : '<sla>'} --peak-rps <peak req/s>` +
    (instanceType ? '' : ' --instance-type <type>') +
    // Figures measured on a SageMaker endpoint are most likely to be priced there.
    (instanceType?.startsWith('ml.') ? ' --platform sagemaker' : '')
  );
}

/** The path relative to cwd when it lies under it: shorter to read and to paste. */
export function displayPath(cwd: string, path: string): string {
  const rel = relative(cwd, path);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path;
}

export function shellQuote(text: string): string {
  return /^[\w./@%+=:,-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}
