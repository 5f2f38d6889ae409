import { Type, type TSchema, type Static } from '@sinclair/typebox';

/** `T | null` as one JSON Schema with a type list, so validation reports one error per field. */
export function Nullable<T extends TSchema>(schema: T): ReturnType<typeof Type.Unsafe<Static<T> | null>> {
  const copy = { ...(schema as Record<string, unknown>) };
  copy.type = [copy.type as string, 'null'];
  return Type.Unsafe<Static<T> | null>(copy);
}

/** A closed set of strings with pydantic's literal message (`Input should be 'a', 'b' or 'c'`). */
export function Literal<const T extends readonly string[]>(values: T, options: Record<string, unknown> = {}) {
  const quoted = values.map((v) => `'${v}'`);
  const message = `Input should be ${quoted.length > 1 ? `${quoted.slice(0, -1).join(', ')} or ${quoted[quoted.length - 1]}` : quoted[0]}`;
  return Type.Unsafe<T[number]>({ type: 'string', enum: [...values], 'x-literal': message, ...options });
}

/** Fills every `default` the schema declares into a copy of `value` (pydantic's model_dump of a defaulted model). */
export function withDefaults(schema: TSchema, value: Record<string, unknown>): Record<string, unknown> {
  const props = (schema as { properties?: Record<string, TSchema & { default?: unknown; properties?: unknown }> }).properties ?? {};
  const out: Record<string, unknown> = {};
  for (const [key, sub] of Object.entries(props)) {
    if (key in value) {
      const v = value[key];
      out[key] = sub.properties && v && typeof v === 'object' && !Array.isArray(v) ? withDefaults(sub, v as Record<string, unknown>) : v;
    } else if ('default' in sub) {
      const d = structuredClone(sub.default);
      out[key] = sub.properties && d && typeof d === 'object' ? withDefaults(sub, d as Record<string, unknown>) : d;
    }
  }
  for (const [k, v] of Object.entries(value)) if (!(k in out)) out[k] = v;
  return out;
}
