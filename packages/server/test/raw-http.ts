import net from 'node:net'

export interface RawExchange {
  /** Null when the server closed the connection without answering. */
  status: number | null
  headers: Record<string, string>
  body: string
  /** True when the deadline passed with the connection still open. */
  timedOut: boolean
}

/**
 * Writes raw bytes to the server over TCP (for requests fetch cannot send: broken request
 * lines, bad header syntax, smuggling attempts) and reads the answer until the connection
 * closes or a complete response has arrived.
 */
export function rawExchange(
  port: number,
  request: string | Uint8Array,
  deadlineMs = 5_000,
): Promise<RawExchange> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1')
    const chunks: Buffer[] = []
    let settled = false
    const finish = (timedOut: boolean) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      socket.destroy()
      resolve({ ...parseResponse(Buffer.concat(chunks).toString('latin1')), timedOut })
    }
    const timer = setTimeout(() => finish(true), deadlineMs)
    socket.on('connect', () => socket.write(request))
    socket.on('data', (chunk) => {
      chunks.push(chunk)
      if (isComplete(Buffer.concat(chunks).toString('latin1'))) finish(false)
    })
    socket.on('error', () => finish(false))
    socket.on('close', () => finish(false))
  })
}

function isComplete(text: string): boolean {
  const end = text.indexOf('\r\n\r\n')
  if (end === -1) return false
  const length = /\r\ncontent-length:\s*(\d+)/i.exec(text.slice(0, end))
  return length !== null && text.length - end - 4 >= Number(length[1])
}

function parseResponse(text: string): Omit<RawExchange, 'timedOut'> {
  const end = text.indexOf('\r\n\r\n')
  const status = /^HTTP\/1\.[01] (\d{3})/.exec(text)
  if (!status || end === -1) return { status: null, headers: {}, body: text }
  const headers: Record<string, string> = {}
  for (const line of text.slice(0, end).split('\r\n').slice(1)) {
    const colon = line.indexOf(':')
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim()
  }
  return { status: Number(status[1]), headers, body: text.slice(end + 4) }
}
