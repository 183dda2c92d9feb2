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
 * syntax errors, and nesting deeper than JSON_MAX_DEPTH.
 */
export function parseJson(bytes: Buffer): unknown {
  let text: string
  try {
    text = utf8.decode(bytes)
  } catch {
    throw new AppError('BAD_JSON', 'The body is not valid UTF-8.')
  }
  if (nestingDepth(text) > JSON_MAX_DEPTH)
    throw new AppError('BAD_JSON', `The body is nested deeper than ${JSON_MAX_DEPTH} levels.`)
  try {
    return JSON.parse(text)
  } catch {
    throw new AppError('BAD_JSON', 'The body is not valid JSON.')
  }
}

/** The deepest bracket nesting outside strings, in one pass; stops counting past the limit. */
function nestingDepth(text: string): number {
  let depth = 0
  let max = 0
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (inString) {
      if (c === 92) i++ // backslash: skip the escaped character
      else if (c === 34) inString = false
    } else if (c === 34) inString = true
    else if (c === 91 || c === 123) {
      if (++depth > max && (max = depth) > JSON_MAX_DEPTH) return max
    } else if (c === 93 || c === 125) depth--
  }
  return max
}
