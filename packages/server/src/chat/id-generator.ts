import { randomBytes } from 'node:crypto'
import type { Clock } from './clock.js'

const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz' // Crockford base32, lower case
const CHAR_CODES = Array.from(ALPHABET, (c) => c.charCodeAt(0))
const FIRST_CODE = CHAR_CODES[0]!
const LAST_CODE = CHAR_CODES[31]!
/** The next digit's character code, indexed by a digit's character code. */
const NEXT_CODE: number[] = []
for (let d = 0; d < 31; d++) NEXT_CODE[CHAR_CODES[d]!] = CHAR_CODES[d + 1]!

function encodeTime(ms: number): string {
  let out = ''
  for (let i = 0; i < 10; i++) {
    out = ALPHABET[ms % 32]! + out
    ms = Math.floor(ms / 32)
  }
  return out
}

/**
 * Unique, time-ordered ids (ULID-shaped: 10 characters of millisecond time, then 16 of
 * randomness). Within one millisecond the random part is incremented, so ids a process
 * generates sort in generation order.
 */
export function createIdGenerator(clock: Clock): () => string {
  let lastMs = -1
  let time = ''
  /** The random part, as the character codes of its 16 base-32 digits. */
  const tail: number[] = new Array<number>(16).fill(FIRST_CODE)
  const pool = { bytes: randomBytes(0), used: 0 }
  const randomizeTail = () => {
    if (pool.used + 16 > pool.bytes.length) {
      pool.bytes = randomBytes(4096)
      pool.used = 0
    }
    for (let i = 0; i < 16; i++) tail[i] = CHAR_CODES[pool.bytes[pool.used++]! % 32]!
  }
  return () => {
    const ms = Math.max(clock.now(), lastMs)
    if (ms === lastMs) {
      let i = tail.length - 1
      while (i >= 0 && tail[i] === LAST_CODE) tail[i--] = FIRST_CODE
      if (i >= 0) tail[i] = NEXT_CODE[tail[i]!]!
    } else {
      lastMs = ms
      time = encodeTime(ms)
      randomizeTail()
    }
    // One call rather than 16 concatenations or an array joined: ~0.3 against ~0.7-1 µs.
    return time + String.fromCharCode(...tail)
  }
}
