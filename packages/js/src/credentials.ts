/**
 * How a client proves who it is (docs/api.md, Auth). Exactly one shape:
 * - a publishable frontend key with the user's id and a signature from your backend
 *   (`userSignature`, or `getUserSignature` to fetch one, and another when the server
 *   rejects it or an expiring one nears its expiry);
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
   * Called when the server rejected the signature of `generation` (SIGNATURE_EXPIRED or
   * INVALID_SIGNATURE): it is dropped, and the next `headers()` fetches another. Returns true
   * when another may be fetched (the request may be sent again), false when nothing can change.
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

/**
 * Builds the auth headers for `credentials`; a signature function is called lazily (see
 * `signatureFetchingAuth`). `now` is the clock expiring signatures are judged by.
 */
export function createAuth(credentials: Credentials, now: () => number = Date.now): Auth {
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
  return signatureFetchingAuth(userId, base, credentials.getUserSignature, now)
}

/** `e.<expiry unix seconds>.<hex>`: an expiring signature (`/backend/v1/sign` with `expires_in_s`). */
const EXPIRING_SIGNATURE = /^e\.(\d{1,15})\.[0-9a-fA-F]+$/

/**
 * When an expiring signature stops being accepted (ms since the epoch, by this clock), or
 * undefined for a plain signature, which does not expire.
 *
 * @example signatureExpiryMs('e.1767225600.9f3c…') // 1767225600000
 */
export function signatureExpiryMs(signature: string): number | undefined {
  const match = EXPIRING_SIGNATURE.exec(signature)
  return match ? Number(match[1]) * 1000 : undefined
}

/** Renewal starts this long before an expiring signature expires (less for short-lived ones). */
const RENEW_AHEAD_MS = 60_000
/** After a failed renewal while the held signature still works, the next try waits this long. */
const RENEW_RETRY_MS = 5_000

/** A signature from `getUserSignature`, and when to ask for its successor. */
interface HeldSignature {
  value: string
  generation: number
  /** Past this (by the local clock) it is expired: not sent again. */
  expiresAtMs: number
  /** From this on a successor is fetched in the background while it is still used. */
  renewAtMs: number
}

/**
 * A `getUserSignature` signature, kept until the server rejects it (SIGNATURE_EXPIRED or
 * INVALID_SIGNATURE, via `refresh`) or, for an expiring one, until its expiry nears: a
 * successor is then fetched in the background, the held one being used meanwhile, and if
 * that fetch fails the held one goes on serving until it expires (another fetch is tried
 * later). A request fails with CREDENTIALS_UNAVAILABLE only when no usable signature is held
 * and the fetch fails: a backend that cannot sign (e.g. because ProgressDB is down) never
 * turns a held, valid signature into a failure that hides the real one.
 */
function signatureFetchingAuth(
  userId: string,
  base: Record<string, string>,
  getUserSignature: () => Promise<string> | string,
  now: () => number,
): Auth {
  let generation = 0
  let held: HeldSignature | undefined
  let fetching: Promise<HeldSignature> | undefined
  let nextRenewalMs = 0

  const hold = (value: string): HeldSignature => {
    const receivedMs = now()
    const expiresAtMs = signatureExpiryMs(value) ?? Infinity
    const ahead = Math.min(RENEW_AHEAD_MS, Math.max(0, (expiresAtMs - receivedMs) / 2))
    held = { value, generation: ++generation, expiresAtMs, renewAtMs: expiresAtMs - ahead }
    return held
  }
  /** One fetch at a time; every caller waiting for a signature shares it. */
  const fetchSignature = () => {
    fetching ??= Promise.resolve()
      .then(getUserSignature)
      .then((value) => hold(toCredential(value, 'the signature getUserSignature returned')))
      .finally(() => (fetching = undefined))
    return fetching
  }
  const toHeaders = (signature: HeldSignature): AuthHeaders => ({
    headers: { ...base, 'x-user-signature': signature.value },
    generation: signature.generation,
  })
  return {
    userId,
    async headers() {
      const current = held
      if (current && now() < current.expiresAtMs) {
        if (now() >= current.renewAtMs && now() >= nextRenewalMs && !fetching)
          fetchSignature().catch(() => (nextRenewalMs = now() + RENEW_RETRY_MS))
        return toHeaders(current)
      }
      // Nothing usable: wait for a signature (a failure is not cached; the next request asks again).
      return toHeaders(await fetchSignature())
    },
    async refresh(rejected) {
      // Requests that failed together drop the same signature and share one new fetch.
      if (held?.generation === rejected) held = undefined
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
