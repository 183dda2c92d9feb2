import type { IncomingHttpHeaders } from 'node:http'
import { isValidUserId } from '@progressdb/protocol'
import { AppError } from '../app-error.js'
import type { KeyRing, PresentedKey } from '../auth/key-ring.js'
import type { SignatureCheck } from '../auth/user-signature.js'
import type { Actor } from '../chat/actor.js'
import type { RouteAccess } from './route.js'

export interface AuthDeps {
  keys: KeyRing
  /** Checks a user signature against every signing key (see auth/user-signature.ts). */
  verifySignature: (userId: string, signature: string, nowMs: number) => SignatureCheck
  now: () => number
}

export interface Authenticated {
  key: PresentedKey | undefined
  actor: Actor | undefined
}

const header = (headers: IncomingHttpHeaders, name: string): string | undefined => {
  const value = headers[name]
  return Array.isArray(value) ? value[0] : value
}

function presentedKey(headers: IncomingHttpHeaders): string | undefined {
  const authorization = header(headers, 'authorization')
  if (authorization !== undefined) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization)
    return match?.[1]
  }
  return header(headers, 'x-api-key')
}

/**
 * Who is calling, per SPEC section 4: the key decides the kind of caller; user routes also need
 * `X-User-ID`, which a frontend key must back with a valid `X-User-Signature`.
 */
export function authenticate(deps: AuthDeps, headers: IncomingHttpHeaders, access: RouteAccess): Authenticated {
  if (access === 'public') return { key: undefined, actor: undefined }
  const raw = presentedKey(headers)
  if (!raw) throw new AppError('MISSING_API_KEY', 'Send a key as "Authorization: Bearer <key>" or "X-API-Key".')
  const key = deps.keys.identify(raw)
  if (!key) throw new AppError('INVALID_API_KEY', 'The key is not valid.')
  const allowed =
    access === 'user' ? key.kind === 'frontend' || key.kind === 'backend' : key.kind === access
  if (!allowed) throw new AppError('KEY_NOT_ALLOWED', `${key.kind === 'admin' ? 'An' : 'A'} ${key.kind} key cannot call ${access} routes.`)
  if (access !== 'user') return { key, actor: undefined }

  const userId = header(headers, 'x-user-id')
  if (!userId) throw new AppError('MISSING_USER_ID', 'User routes need an X-User-ID header.')
  if (!isValidUserId(userId)) throw new AppError('INVALID_ID', 'X-User-ID must be 1-256 printable characters.')
  if (key.kind === 'backend') return { key, actor: { userId, trusted: true } }

  const signature = header(headers, 'x-user-signature')
  if (!signature) throw new AppError('MISSING_SIGNATURE', 'A frontend key needs an X-User-Signature header.')
  const check = deps.verifySignature(userId, signature, deps.now())
  if (check === 'expired') throw new AppError('SIGNATURE_EXPIRED', 'The user signature has expired.')
  if (check !== 'valid') throw new AppError('INVALID_SIGNATURE', 'The user signature is not valid for this user.')
  return { key, actor: { userId, trusted: false } }
}
