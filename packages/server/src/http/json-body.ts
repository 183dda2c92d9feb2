import type { IncomingMessage } from 'node:http'
import { AppError } from '../app-error.js'

/**
 * Reads a request body up to `maxBytes`. A declared or actual size over the limit is a 413
 * raised before the rest is read; the caller then closes the connection.
 */
export function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const declared = req.headers['content-length']
  if (declared !== undefined && Number(declared) > maxBytes) return Promise.reject(tooLarge(maxBytes))
  // Plain listeners: an async iterator over the stream costs measurably more per request.
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    const onData = (chunk: Buffer) => {
      size += chunk.length
      if (size > maxBytes) {
        req.off('data', onData)
        reject(tooLarge(maxBytes))
      } else chunks.push(chunk)
    }
    const onAborted = () => reject(new AppError('BAD_JSON', 'The request was aborted before its body arrived.'))
    req.on('data', onData)
    req.once('error', reject)
    req.once('aborted', onAborted)
    req.once('end', () => {
      // Once read, the body's listeners would only settle a settled promise, yet they keep it
      // and the body reachable for as long as the request object lives; removing them measurably
      // cut what survives the young generation's collections (docs/performance.md, session 6).
      // An error still needs a listener.
      req.off('data', onData)
      req.off('error', reject)
      req.off('aborted', onAborted)
      req.on('error', ignore)
      resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size))
    })
  })
}

const ignore = () => {}

/**
 * After a 413: read and drop the rest of the body, so the client (which may still be sending)
 * reads the 413 rather than a connection reset. Past `capBytes` the sender is not worth waiting
 * for and the socket is destroyed.
 */
export function discardBody(req: IncomingMessage, capBytes: number): void {
  let dropped = 0
  req.on('data', (chunk: Buffer) => {
    dropped += chunk.length
    if (dropped > capBytes) req.socket.destroy()
  })
  req.resume()
}

function tooLarge(maxBytes: number) {
  return new AppError('PAYLOAD_TOO_LARGE', `The body exceeds the limit of ${maxBytes} bytes.`)
}

/** Deeper documents are refused: nothing a chat app sends needs them, and they can exhaust the stack. */
export const JSON_MAX_DEPTH = 256

const utf8 = new TextDecoder('utf-8', { fatal: true })

/**
 * Parses JSON, turning every failure into BAD_JSON: invalid UTF-8 (never silently replaced),
 * syntax errors, and nesting deeper than JSON_MAX_DEPTH. V8's JSON.parse is not recursive, so a
 * deep document parses safely; the depth is then checked on what it built, not on the text: a
 * walk of its arrays and objects instead of a pass over every character, which for a 1 MiB body
 * took three times as long as the parse itself (docs/performance.md, session 16).
 */
export function parseJson(bytes: Buffer): unknown {
  let text: string
  try {
    text = utf8.decode(bytes)
  } catch {
    throw new AppError('BAD_JSON', 'The body is not valid UTF-8.')
  }
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    throw new AppError('BAD_JSON', 'The body is not valid JSON.')
  }
  if (deeperThan(value, JSON_MAX_DEPTH))
    throw new AppError('BAD_JSON', `The body is nested deeper than ${JSON_MAX_DEPTH} levels.`)
  return value
}

/**
 * Whether arrays and objects nest more than `limit` deep in a parsed document (a bare array or
 * object is one level). Walked with a stack of its own, never by recursion, and given up as soon
 * as a level past the limit is seen.
 */
function deeperThan(root: unknown, limit: number): boolean {
  if (root === null || typeof root !== 'object') return false
  const containers: object[] = [root]
  const depths: number[] = [1]
  while (containers.length > 0) {
    const container = containers.pop()!
    const depth = depths.pop()!
    if (depth > limit) return true
    const children: unknown[] = Array.isArray(container) ? container : Object.values(container)
    for (const child of children) {
      if (child !== null && typeof child === 'object') {
        containers.push(child)
        depths.push(depth + 1)
      }
    }
  }
  return false
}
