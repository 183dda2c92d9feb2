import type { IncomingMessage } from 'node:http'
import { AppError } from '../app-error.js'

/**
 * Reads a request body up to `maxBytes`. A declared or actual size over the limit is a 413
 * raised before the rest is read; the caller then closes the connection.
 */
export async function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const declared = req.headers['content-length']
  if (declared !== undefined && Number(declared) > maxBytes) throw tooLarge(maxBytes)
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length
    if (size > maxBytes) throw tooLarge(maxBytes)
    chunks.push(chunk)
  }
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size)
}

function tooLarge(maxBytes: number) {
  return new AppError('PAYLOAD_TOO_LARGE', `The body exceeds the limit of ${maxBytes} bytes.`)
}

/** Parses JSON, turning every parse failure (syntax, bad UTF-8, nesting) into BAD_JSON. */
export function parseJson(bytes: Buffer): unknown {
  try {
    return JSON.parse(bytes.toString('utf8'))
  } catch {
    throw new AppError('BAD_JSON', 'The body is not valid JSON.')
  }
}
