/**
 * At most how many bytes `JSON.stringify(value)` takes as UTF-8, without serialising it: a
 * string's UTF-16 units take at most 6 bytes each (`\uXXXX`, the widest a unit becomes), a
 * number at most 24 characters, and brackets, quotes, colons and commas are counted as written.
 * Walked with a stack of its own (never by recursion). For a stream's body, usually one text
 * that grows, this is a few steps where serialising it again would copy the whole text on every
 * append (docs/performance.md, session 16).
 */
export function jsonSizeBound(root: unknown): number {
  let bytes = 0
  const pending: unknown[] = [root]
  while (pending.length > 0) {
    const value = pending.pop()
    if (typeof value === 'string') bytes += 2 + 6 * value.length
    else if (typeof value === 'number') bytes += 25
    else if (value === null || typeof value !== 'object') bytes += 5
    else if (Array.isArray(value)) {
      bytes += 2 + value.length
      for (const item of value) pending.push(item)
    } else {
      bytes += 2
      for (const key of Object.keys(value)) {
        bytes += 4 + 6 * key.length
        pending.push((value as Record<string, unknown>)[key])
      }
    }
  }
  return bytes
}
