/**
 * Ids the SDK gives to the threads and messages it creates, so that a create can be sent
 * again after a lost response without making a duplicate (the server returns the stored item
 * for an id it already has). 128 random bits behind a time prefix, within the id alphabet.
 * Uses Web Crypto where the platform has it (browsers, Node 18+); React Native without a
 * crypto polyfill falls back to Math.random, which is still unique enough per user.
 */
export function newClientId(prefix = 'c'): string {
  const bytes = new Uint8Array(16)
  const crypto = (globalThis as { crypto?: { getRandomValues?: (a: Uint8Array) => Uint8Array } })
    .crypto
  if (crypto?.getRandomValues) crypto.getRandomValues(bytes)
  else for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(Math.random() * 256)
  let random = ''
  for (const byte of bytes) random += byte.toString(16).padStart(2, '0')
  return `${prefix}-${Date.now().toString(36)}-${random}`
}
