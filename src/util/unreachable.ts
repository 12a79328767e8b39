/**
 * The end of a switch over a union: with every member handled the argument is `never`, so a new
 * member is a type error at each switch instead of a silent fall-through at run time.
 */
export function unreachable(value: never, what: string): never {
  throw new Error(`unhandled ${what}: ${JSON.stringify(value)}`);
}
