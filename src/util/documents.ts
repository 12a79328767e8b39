import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { PLAN_READABLE_VERSIONS, PlanDocument, type Plan } from '../schema/plan.js';
import { PROFILE_READABLE_VERSIONS, ProfileResultDocument, type ProfileResult } from '../schema/profileResult.js';
import { SWEEP_SCHEMA_VERSIONS_READ, SweepResult } from '../schema/sweepResult.js';
import { InputError } from './errors.js';
import { describeZodError } from './zodErrors.js';

/**
 * Writes a file atomically: a temp file in the same directory, flushed to disk (fsync), then
 * renamed over the target. An interrupted run or a power cut leaves either the old document or the
 * new one, never half of one (without the fsync a crash after the rename can leave an empty file).
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    const file = await open(tmp, 'w');
    try {
      await file.writeFile(data);
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(tmp, path);
  } catch (error) {
    await rm(tmp, { force: true });
    throw error;
  }
}

export async function writeJsonAtomic(path: string, value: unknown): Promise<void> {
  await writeFileAtomic(path, `${JSON.stringify(value, null, 2)}\n`);
}

/** A file's text; undefined when it does not exist and `optional` is set (a cache, a checkpoint). */
export async function readDocumentText(path: string, what: string, optional: true): Promise<string | undefined>;
export async function readDocumentText(path: string, what: string, optional?: false, shownPath?: string, hint?: string): Promise<string>;
export async function readDocumentText(path: string, what: string, optional = false, shownPath = path, hint = 'check the path'): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (optional && code === 'ENOENT') return undefined;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder' : String(code ?? error);
    throw new InputError(`cannot read ${what} '${shownPath}': ${reason}`, hint);
  }
}

/**
 * Reads and validates a persisted document. Errors name the file and the first bad field; a
 * document of another schemaVersion gets its own message so users know to re-run or convert.
 */
export async function readDocument<S extends z.ZodType>(path: string, schema: S, what: string, expectedVersion?: number | readonly number[]): Promise<z.infer<S>> {
  return parseDocument(await readDocumentText(path, what), path, schema, what, expectedVersion);
}

/**
 * Reads a YAML (or JSON) file a user wrote (a fleet, a batch spec), parsed with its schema: errors
 * name the file as the user typed it and every unknown key, with a "did you mean".
 */
export async function readYamlDocument<S extends z.ZodType>(
  path: string,
  schema: S,
  what: string,
  options: { shownPath: string; readHint: string; invalidHint: string },
): Promise<z.output<S>> {
  const { shownPath } = options;
  const text = await readDocumentText(path, what, false, shownPath, options.readHint);
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (error) {
    throw new InputError(`${what} '${shownPath}' is not valid YAML: ${(error as Error).message.split('\n')[0]}`);
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new InputError(`${what} '${shownPath}' is invalid: ${describeZodError(parsed.error, schema)}`, options.invalidHint);
  return parsed.data;
}

export function parseDocument<S extends z.ZodType>(
  text: string,
  path: string,
  schema: S,
  what: string,
  /** The version this build writes, or every version it reads (older ones upgraded by the schema). */
  expectedVersion?: number | readonly number[],
): z.infer<S> {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new InputError(`${what} '${path}' is not valid JSON: ${(error as Error).message}`);
  }
  if (expectedVersion !== undefined && raw && typeof raw === 'object' && 'schemaVersion' in raw) {
    const version = raw.schemaVersion;
    const readable = typeof expectedVersion === 'number' ? [expectedVersion] : expectedVersion;
    if (!readable.includes(version as number)) {
      throw new InputError(
        `${what} '${path}' has schemaVersion ${JSON.stringify(version)}, this version of capacity-plan reads schemaVersion ${readable.length > 1 ? `${readable.slice(0, -1).join(', ')} or ${readable.at(-1)}` : readable.join('')}`,
        'regenerate it with this version of capacity-plan',
      );
    }
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    throw new InputError(`${what} '${path}' is invalid: ${describeZodError(parsed.error, schema)}`);
  }
  return parsed.data;
}

/** Every document a user hands to plan, serve or rightsize, told apart by its `kind`. */
export type AnyDocument =
  | { kind: 'profile-result'; path: string; doc: ProfileResult }
  | { kind: 'sweep-result'; path: string; doc: SweepResult }
  | { kind: 'plan'; path: string; doc: Plan };

const KIND_NAMES: Readonly<Record<AnyDocument['kind'], string>> = { 'profile-result': 'profile', 'sweep-result': 'sweep', plan: 'plan' };
const ALL_KINDS: readonly AnyDocument['kind'][] = ['profile-result', 'sweep-result', 'plan'];

/** "a profile, sweep or plan document" */
function expectedKinds(kinds: readonly AnyDocument['kind'][]): string {
  const names = kinds.map((k) => KIND_NAMES[k]);
  return `expected a ${names.length > 1 ? `${names.slice(0, -1).join(', ')} or ${names.at(-1)}` : names[0]} document`;
}

/**
 * Reads a profile, sweep or plan document (or only the `kinds` given), each parsed with its own
 * schema and version check. `shownPath` is the path as the user typed it: errors name that.
 */
export async function readAnyDocument<K extends AnyDocument['kind'] = AnyDocument['kind']>(
  path: string,
  shownPath = path,
  kinds: readonly K[] = ALL_KINDS as readonly K[],
): Promise<Extract<AnyDocument, { kind: K }>> {
  return parseAnyDocumentText(await readDocumentText(path, 'document', false, shownPath), shownPath, kinds);
}

/** readAnyDocument for text already read (the report server hashes the same bytes it parses). */
export function parseAnyDocumentText<K extends AnyDocument['kind'] = AnyDocument['kind']>(
  text: string,
  shownPath: string,
  kinds: readonly K[] = ALL_KINDS as readonly K[],
): Extract<AnyDocument, { kind: K }> {
  const hint = 'pass a JSON file that `capacity-plan profile`, `sweep` or `plan` wrote';
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new InputError(`'${shownPath}' is not a JSON document (${expectedKinds(kinds)})`, hint);
  }
  const kind = raw !== null && typeof raw === 'object' ? (raw as { kind?: unknown }).kind : undefined;
  if (!(kinds as readonly unknown[]).includes(kind)) {
    throw new InputError(`'${shownPath}' has kind ${JSON.stringify(kind ?? null)} (${expectedKinds(kinds)})`, hint);
  }
  return parseAnyDocument(text, shownPath, kind as K) as Extract<AnyDocument, { kind: K }>;
}

function parseAnyDocument(text: string, shownPath: string, kind: AnyDocument['kind']): AnyDocument {
  switch (kind) {
    case 'profile-result':
      return { kind, path: shownPath, doc: parseDocument(text, shownPath, ProfileResultDocument, 'profile', PROFILE_READABLE_VERSIONS) };
    case 'sweep-result':
      return { kind, path: shownPath, doc: parseDocument(text, shownPath, SweepResult, 'sweep', SWEEP_SCHEMA_VERSIONS_READ) };
    case 'plan':
      return { kind, path: shownPath, doc: parseDocument(text, shownPath, PlanDocument, 'plan', PLAN_READABLE_VERSIONS) };
  }
}
