/**
 * Record lookups keyed by user-chosen strings (user ids, emoji). A plain `obj[key]` finds
 * inherited members for keys like `constructor` or `__proto__`, and `obj[key] = v` with
 * `__proto__` replaces the prototype; these helpers only ever see and make own properties.
 */

export function ownValue<V>(record: Readonly<Record<string, V>>, key: string): V | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined
}

/** A copy with `key` set (a computed key in a literal defines an own property, never the prototype). */
export function withKey<V>(record: Readonly<Record<string, V>>, key: string, value: V): Record<string, V> {
  return { ...record, [key]: value }
}

export function withoutKey<V>(record: Readonly<Record<string, V>>, key: string): Record<string, V> {
  const copy = { ...record }
  if (Object.hasOwn(copy, key)) delete copy[key]
  return copy
}
