import crypto from 'node:crypto'

export type KeyKind = 'backend' | 'frontend' | 'admin'

export interface KeyLists {
  backendKeys: readonly string[]
  frontendKeys: readonly string[]
  adminKeys: readonly string[]
}

export interface PresentedKey {
  kind: KeyKind
  /** A stable, non-secret name for the key (a digest prefix), for rate limits and logs. */
  id: string
}

/**
 * SHA-256 in hex. One-shot `crypto.hash` where the runtime has it (Node 20.12+) costs a third of
 * `createHash(...).update(...).digest()`, which was 3.6 % of the main thread in a create profile
 * (docs/performance.md, session 13); older Node 20 releases get the latter.
 */
const digest: (key: string) => string =
  typeof crypto.hash === 'function'
    ? (key) => crypto.hash('sha256', key, 'hex')
    : (key) => crypto.createHash('sha256').update(key).digest('hex')

/**
 * The configured API keys. Presented keys are looked up by SHA-256 digest, so the lookup's
 * timing depends on the digest, not on how many leading characters of a real key match.
 */
export function createKeyRing(lists: KeyLists) {
  const byDigest = new Map<string, PresentedKey>()
  const add = (keys: readonly string[], kind: KeyKind) => {
    for (const key of keys) {
      const d = digest(key)
      byDigest.set(d, { kind, id: `${kind}:${d.slice(0, 12)}` })
    }
  }
  add(lists.backendKeys, 'backend')
  add(lists.frontendKeys, 'frontend')
  add(lists.adminKeys, 'admin')
  return {
    identify(key: string): PresentedKey | undefined {
      return byDigest.get(digest(key))
    },
  }
}

export type KeyRing = ReturnType<typeof createKeyRing>
