/**
 * Thread and message ids: 1-128 characters of `[A-Za-z0-9._~:@-]` (SPEC section 2), except `.`
 * and `..`: URL parsers (fetch, browsers, proxies) resolve those path segments away, so a thread
 * named `..` could be created but never reached at its own path.
 */
export const ID_PATTERN = '^(?!\\.{1,2}$)[A-Za-z0-9._~:@-]{1,128}$'
const idRegex = new RegExp(ID_PATTERN)

export function isValidId(id: string): boolean {
  return idRegex.test(id)
}

/**
 * User ids come from the application (emails, UUIDs, provider ids), so they allow any printable
 * ASCII except whitespace, up to 256 characters. They never contain a newline, which keeps the
 * expiring-signature MAC input unambiguous.
 */
export const USER_ID_PATTERN = '^[\\x21-\\x7E]{1,256}$'
const userIdRegex = new RegExp(USER_ID_PATTERN)

export function isValidUserId(id: string): boolean {
  return userIdRegex.test(id)
}
