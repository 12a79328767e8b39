import type { z } from 'zod';
import { didYouMean } from './didYouMean.js';

/**
 * One line naming the offending key path and what was expected, for error messages. Unknown keys
 * come first and are all named (a misspelt key also makes the key it meant "missing", and the
 * typo is what the user must fix); given the schema, each gets the nearest known key:
 * "timezone: unknown key (did you mean timeZone?)".
 */
export function describeZodError(error: z.ZodError, schema?: z.ZodType): string {
  const unknown = error.issues.filter((issue) => issue.code === 'unrecognized_keys');
  if (unknown.length > 0) {
    return unknown
      .flatMap((issue) => {
        const known = schema ? keysAt(schema, issue.path) : undefined;
        return (issue as { keys: string[] }).keys.map((key) => {
          const path = [...issue.path, key].join('.');
          const near = known ? didYouMean(key, known) : undefined;
          return `${path}: unknown key${near ? ` (${near})` : ''}`;
        });
      })
      .join('; ');
  }
  const issue = error.issues[0];
  if (!issue) return 'invalid value';
  const path = issue.path.length > 0 ? issue.path.join('.') : '(root)';
  return `${path}: ${issue.message}`;
}

interface Def {
  type: string;
  innerType?: z.ZodType;
  in?: z.ZodType;
  shape?: Record<string, z.ZodType>;
  element?: z.ZodType;
  options?: z.ZodType[];
}

const def = (schema: z.ZodType): Def => (schema as unknown as { _zod: { def: Def } })._zod.def;

/** The object schemas at `path` (a union contributes each of its options), wrappers unwrapped. */
function objectsAt(schema: z.ZodType, path: readonly PropertyKey[]): Def[] {
  let d = def(schema);
  while (d.innerType || (d.type === 'pipe' && d.in)) d = def((d.innerType ?? d.in)!);
  if (d.type === 'union' && d.options) return d.options.flatMap((option) => objectsAt(option, path));
  if (path.length === 0) return d.type === 'object' ? [d] : [];
  const [head, ...rest] = path;
  if (d.type === 'object' && d.shape && typeof head === 'string' && d.shape[head]) return objectsAt(d.shape[head], rest);
  if (d.type === 'array' && d.element && typeof head === 'number') return objectsAt(d.element, rest);
  return [];
}

/** The keys an object at `path` may have, or undefined when the schema does not say. */
export function keysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] | undefined {
  const objects = objectsAt(schema, path);
  return objects.length > 0 ? [...new Set(objects.flatMap((o) => Object.keys(o.shape ?? {})))] : undefined;
}
