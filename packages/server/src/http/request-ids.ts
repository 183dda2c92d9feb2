import { randomBytes } from 'node:crypto'
import type { IncomingHttpHeaders } from 'node:http'

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/

/** Request ids for one process: a random prefix and a counter, cheap and unique per server. */
export function createRequestIds(): () => string {
  const prefix = randomBytes(4).toString('hex')
  let n = 0
  return () => `${prefix}-${(++n).toString(36)}`
}

/** The caller's own `X-Request-ID` when it is a sane token, else the next generated id. */
export function requestIdOf(headers: IncomingHttpHeaders, next: () => string): string {
  const given = headers['x-request-id']
  return typeof given === 'string' && REQUEST_ID.test(given) ? given : next()
}
