import type { AppendRequest } from '@progressdb/protocol'

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v)

/**
 * The body after a `message.appended` event, as the server computes it (docs/api.md): `text`
 * joins a string body or the body's `text`, a `delta` merges into an object body (strings
 * concatenate), a `body` replaces. A shape the server would have refused is left unchanged.
 */
export function grownBody(body: unknown, append: AppendRequest): unknown {
  if (append.body !== undefined) return append.body
  if (append.text !== undefined) {
    if (body === null || body === undefined || typeof body === 'string')
      return (body ?? '') + append.text
    if (isPlainObject(body) && (body.text === undefined || typeof body.text === 'string'))
      return { ...body, text: (body.text ?? '') + append.text }
    return body
  }
  if (body !== null && body !== undefined && !isPlainObject(body)) return body
  const merged: Record<string, unknown> = { ...(body ?? {}) }
  for (const [key, value] of Object.entries(append.delta ?? {})) {
    const before = merged[key]
    merged[key] = typeof before === 'string' && typeof value === 'string' ? before + value : value
  }
  return merged
}
