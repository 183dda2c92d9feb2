/**
 * How a client proves who it is (docs/api.md, Auth). Exactly one shape:
 * - a publishable frontend key with the user's id and a signature from your backend
 *   (`userSignature`, or `getUserSignature` to fetch one and fetch again when it expires);
 * - a secret backend key acting as `userId` (server-side only);
 * - a bare `apiKey` for routes that need no user (backend signing, admin).
 */
export type Credentials =
  | { frontendKey: string; userId: string; userSignature: string }
  | { frontendKey: string; userId: string; getUserSignature: () => Promise<string> | string }
  | { backendKey: string; userId: string }
  | { apiKey: string }

/** Headers for one request, and the signature generation they were built from. */
export interface AuthHeaders {
  headers: Record<string, string>
  generation: number
}

export interface Auth {
  /** The user the credentials act for, if any. */
  readonly userId: string | undefined
  headers(): Promise<AuthHeaders>
  /**
   * Called when the server rejected the signature of `generation`. Returns true when a new
   * signature is available (the request may be sent again), false when nothing can change.
   */
  refresh(generation: number): Promise<boolean>
}

/** Leading and trailing HTTP whitespace: fetch strips it from every header value. */
const OUTER_WHITESPACE = /^[\t\n\r ]+|[\t\n\r ]+$/g
/** A credential, once trimmed: printable ASCII (the Python SDK checks the same). */
const HEADER_SAFE = /^[\x20-\x7e]+$/

/**
 * A key, user id or signature as it is sent: trimmed as fetch trims header values (so a key
 * read from a file with its newline works, in headers and in the WebSocket URL alike), and
 * refused, without quoting it, when it cannot be a header value at all.
 */
export function toCredential(value: unknown, name: string): string {
  const text = typeof value === 'string' ? value.replace(OUTER_WHITESPACE, '') : ''
  if (!HEADER_SAFE.test(text))
    throw new TypeError(
      `ProgressDB: ${name} must be a non-empty string of printable ASCII characters.`,
    )
  return text
}

const bearer = (key: string, name: string) => ({
  authorization: `Bearer ${toCredential(key, name)}`,
})

/** Builds the auth headers for `credentials`; a signature function is called lazily, once. */
export function createAuth(credentials: Credentials): Auth {
  if ('apiKey' in credentials) {
    const headers = bearer(credentials.apiKey, 'apiKey')
    return {
      userId: undefined,
      headers: async () => ({ headers, generation: 0 }),
      refresh: async () => false,
    }
  }
  if ('backendKey' in credentials) {
    const userId = toCredential(credentials.userId, 'userId')
    const headers = { ...bearer(credentials.backendKey, 'backendKey'), 'x-user-id': userId }
    return {
      userId,
      headers: async () => ({ headers, generation: 0 }),
      refresh: async () => false,
    }
  }
  const userId = toCredential(credentials.userId, 'userId')
  const base = { ...bearer(credentials.frontendKey, 'frontendKey'), 'x-user-id': userId }
  if ('userSignature' in credentials) {
    const signature = toCredential(credentials.userSignature, 'userSignature')
    const headers = { ...base, 'x-user-signature': signature }
    return {
      userId,
      headers: async () => ({ headers, generation: 0 }),
      refresh: async () => false,
    }
  }
  return signatureFetchingAuth(userId, base, credentials.getUserSignature)
}

function signatureFetchingAuth(
  userId: string,
  base: Record<string, string>,
  getUserSignature: () => Promise<string> | string,
): Auth {
  let generation = 0
  let signature: Promise<string> | undefined
  const fetchSignature = () => {
    const pending = Promise.resolve()
      .then(getUserSignature)
      .then((value) => toCredential(value, 'the signature getUserSignature returned'))
    // A failed fetch is not cached: the next request asks again.
    pending.catch(() => {
      if (signature === pending) signature = undefined
    })
    return pending
  }
  return {
    userId,
    async headers() {
      signature ??= fetchSignature()
      const [pending, used] = [signature, generation]
      return { headers: { ...base, 'x-user-signature': await pending }, generation: used }
    },
    async refresh(rejected) {
      // Requests that failed together share one new signature.
      if (rejected === generation) {
        generation += 1
        signature = fetchSignature()
      }
      return true
    },
  }
}

/**
 * The same credentials as query parameters (`api_key`, `user_id`, `signature`), for the
 * WebSocket: browsers cannot set headers on one.
 */
export function toQueryCredentials(headers: Record<string, string>): Record<string, string> {
  const params: Record<string, string> = {}
  const key = /^Bearer (.+)$/.exec(headers.authorization ?? '')?.[1]
  if (key !== undefined) params.api_key = key
  if (headers['x-user-id'] !== undefined) params.user_id = headers['x-user-id']
  if (headers['x-user-signature'] !== undefined) params.signature = headers['x-user-signature']
  return params
}
