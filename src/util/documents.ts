import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { z } from 'zod';
import { InputError } from './errors.js';
import { describeZodError } from './zodErrors.js';

/**
 * Writes a file atomically: a temp file in the same directory, then rename. An interrupted run
 * leaves either the old document or the new one, never half of one.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await writeFile(tmp, data);
    await rename(tmp, path);
  } catch (error) {
    await rm(tmp, { force: true });
    throw error;
  }
}

export async function writeJsonAtomic(path: string, value: unknown): Promise<void> {
  await writeFileAtomic(path, `${JSON.stringify(value, null, 2)}\n`);
}

/**
 * Reads and validates a persisted document. Errors name the file and the first bad field; a
 * document of another schemaVersion gets its own message so users know to re-run or convert.
 */
export async function readDocument<S extends z.ZodType>(
  path: string,
  schema: S,
  what: string,
  expectedVersion?: number | readonly number[],
): Promise<z.infer<S>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputError(`cannot read ${what} '${path}': ${code === 'ENOENT' ? 'no such file' : String(code ?? error)}`, 'check the path');
  }
  return parseDocument(text, path, schema, what, expectedVersion);
}

export function parseDocument<S extends z.ZodType>(
  text: string,
  path: string,
  schema: S,
  what: string,
  expectedVersion?: number | readonly number[],
): z.infer<S> {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new InputError(`${what} '${path}' is not valid JSON: ${(error as Error).message}`);
  }
  if (expectedVersion !== undefined && raw && typeof raw === 'object' && 'schemaVersion' in raw) {
    const version = (raw as { schemaVersion: unknown }).schemaVersion;
    const readable = typeof expectedVersion === 'number' ? [expectedVersion] : expectedVersion;
    if (!readable.includes(version as number)) {
      throw new InputError(
        `${what} '${path}' has schemaVersion ${JSON.stringify(version)}, this version of capacity-plan reads schemaVersion ${readable.join(' or ')}`,
        'regenerate it with this version of capacity-plan',
      );
    }
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    throw new InputError(`${what} '${path}' is invalid: ${describeZodError(parsed.error)}`);
  }
  return parsed.data;
}
