import { createHmac, timingSafeEqual } from 'node:crypto'

/**
 * User signatures (SPEC section 4). Two forms, both checked in constant time against every
 * configured signing secret, so secrets can be rotated:
 *  - plain: hex HMAC-SHA256 of the user id (ProgressDB 0.2 compatible), never expires;
 *  - expiring: `e.<expiry unix seconds>.<hex HMAC-SHA256 of "progressdb-exp-v1\n<user>\n<expiry>">`.
 * User ids cannot contain a newline, so the two MAC inputs can never collide.
 */
export type SignatureCheck = 'valid' | 'invalid' | 'expired'

const hmacHex = (secret: string, input: string) => createHmac('sha256', secret).update(input).digest('hex')
const expiringInput = (userId: string, expiresS: number) => `progressdb-exp-v1\n${userId}\n${expiresS}`
const HEX64 = /^[0-9a-f]{64}$/

function sameHex(a: string, b: string): boolean {
  return a.length === b.length && timingSafeEqual(Buffer.from(a, 'latin1'), Buffer.from(b, 'latin1'))
}

export function signUser(secret: string, userId: string, expiresAtS?: number): string {
  if (expiresAtS === undefined) return hmacHex(secret, userId)
  return `e.${expiresAtS}.${hmacHex(secret, expiringInput(userId, expiresAtS))}`
}

export function verifyUserSignature(
  secrets: readonly string[],
  userId: string,
  signature: string,
  nowMs: number,
): SignatureCheck {
  let input = userId
  let mac = signature.toLowerCase()
  let expiresS: number | undefined
  if (signature.startsWith('e.')) {
    const parts = signature.split('.')
    expiresS = Number(parts[1])
    mac = (parts[2] ?? '').toLowerCase()
    if (parts.length !== 3 || !Number.isSafeInteger(expiresS)) return 'invalid'
    input = expiringInput(userId, expiresS)
  }
  if (!HEX64.test(mac)) return 'invalid'
  let matched = false
  for (const secret of secrets) if (sameHex(hmacHex(secret, input), mac)) matched = true
  if (!matched) return 'invalid'
  if (expiresS !== undefined && expiresS * 1000 <= nowMs) return 'expired'
  return 'valid'
}
