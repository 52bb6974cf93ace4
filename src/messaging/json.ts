// Chrome serialises extension messages like JSON while Firefox uses structured clone, so a value
// that is not plain JSON arrives differently (or not at all) depending on the browser. The router
// refuses such values on the way out instead of letting one browser silently mangle them.

export class NotJsonError extends Error {
  override readonly name = 'NotJsonError';
  constructor(readonly path: string, what: string) {
    super(`${path || '(root)'} is ${what}, which does not survive a message channel`);
  }
}

/** Throws NotJsonError at the first value that JSON.stringify would drop, change or refuse. */
export function assertJsonSafe(value: unknown, path = ''): void {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return;
    case 'number':
      if (!Number.isFinite(value)) throw new NotJsonError(path, String(value));
      return;
    case 'undefined':
      throw new NotJsonError(path, 'undefined');
    case 'bigint':
    case 'function':
    case 'symbol':
      throw new NotJsonError(path, `a ${typeof value}`);
  }
  if (value === null) return;
  if (Array.isArray(value)) {
    value.forEach((item, i) => assertJsonSafe(item, `${path}[${i}]`));
    return;
  }
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== null) {
    const name = (value as object).constructor?.name ?? 'an object with a prototype';
    throw new NotJsonError(path, `a ${name}`);
  }
  for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
    // An undefined property is simply absent on the other side, which is what optional fields
    // mean; anything else must be JSON all the way down.
    if (item === undefined) continue;
    assertJsonSafe(item, path ? `${path}.${key}` : key);
  }
}

/** What the other side of a Chrome message channel receives. */
export function jsonRoundTrip<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
