import { existsSync, readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, extname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { ProfileSpec, type ProfileSpecInput } from '../schema/profileSpec.js';
import { UsageError } from '../util/errors.js';
import { describeZodError } from '../util/zodErrors.js';

/** profiles/presets/ of this package (two levels up from src/profile or dist/profile). */
export const PRESETS_DIR = fileURLToPath(new URL('../../profiles/presets/', import.meta.url));

export function listPresets(): string[] {
  if (!existsSync(PRESETS_DIR)) return [];
  return readdirSync(PRESETS_DIR)
    .filter((f) => /\.(ya?ml|json)$/.test(f))
    .map((f) => basename(f, extname(f)))
    .sort();
}

/**
 * Loads a preset by name (profiles/presets/<name>.yaml) or path, validated as a partial
 * ProfileSpec. Errors name the file, the key and, for enums, the allowed values.
 */
export async function loadPreset(nameOrPath: string, cwd: string): Promise<{ path: string; spec: ProfileSpecInput }> {
  const asPath = resolve(cwd, nameOrPath);
  let path: string;
  if (/[/\\]|\.(ya?ml|json)$/.test(nameOrPath)) {
    path = asPath;
    if (!existsSync(path)) throw new UsageError(`--preset: file '${nameOrPath}' not found`, `built-in presets: ${listPresets().join(', ')}`);
  } else {
    const found = ['.yaml', '.yml', '.json'].map((ext) => resolve(PRESETS_DIR, nameOrPath + ext)).find((p) => existsSync(p));
    if (!found) throw new UsageError(`--preset: unknown preset '${nameOrPath}'`, `built-in presets: ${listPresets().join(', ')}, or a path to a .yaml file`);
    path = found;
  }
  let raw: unknown;
  try {
    raw = parseYaml(await readFile(path, 'utf8'));
  } catch (error) {
    throw new UsageError(`preset '${path}' is not valid YAML: ${(error as Error).message.split('\n')[0]}`);
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new UsageError(`preset '${path}' must be a mapping of ProfileSpec keys`, 'see profiles/presets/triton-dynamic.yaml');
  }
  const parsed = ProfileSpec.safeParse(raw);
  if (!parsed.success) throw new UsageError(`preset '${path}': ${describeZodError(parsed.error)}`, 'fix the key in the preset file');
  return { path, spec: raw };
}
