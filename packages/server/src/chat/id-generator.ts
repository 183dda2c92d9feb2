import { randomBytes } from 'node:crypto'
import type { Clock } from './clock.js'

const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz' // Crockford base32, lower case

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
  let tail: number[] = []
  const pool = { bytes: randomBytes(0), used: 0 }
  const randomTail = () => {
    if (pool.used + 16 > pool.bytes.length) {
      pool.bytes = randomBytes(4096)
      pool.used = 0
    }
    const out: number[] = []
    for (let i = 0; i < 16; i++) out.push(pool.bytes[pool.used++]! % 32)
    return out
  }
  return () => {
    const ms = Math.max(clock.now(), lastMs)
    if (ms === lastMs) {
      let i = tail.length - 1
      while (i >= 0 && tail[i] === 31) tail[i--] = 0
      if (i >= 0) tail[i]! += 1
    } else {
      lastMs = ms
      tail = randomTail()
    }
    return encodeTime(ms) + tail.map((d) => ALPHABET[d]).join('')
  }
}
