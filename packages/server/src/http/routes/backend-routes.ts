import { SignRequest, SignResponse } from '@progressdb/protocol'
import { AppError } from '../../app-error.js'
import { signUser } from '../../auth/user-signature.js'
import { route, type Route } from '../route.js'
import type { RouteDeps } from './route-deps.js'

export function backendRoutes(deps: RouteDeps): Route[] {
  return [
    route<SignRequest>({
      method: 'POST',
      path: '/backend/v1/sign',
      access: 'backend',
      summary: 'Sign a user id for frontend use; `expires_in_s` makes the signature expire.',
      body: SignRequest,
      response: SignResponse,
      handle: ({ body }) => {
        const secret = deps.signingKeys[0]
        if (!secret) throw new AppError('KEY_NOT_ALLOWED', 'No signing key is configured on this server.')
        if (body.expires_in_s !== undefined && body.expires_in_s > deps.signatureMaxTtlS)
          throw new AppError('VALIDATION_FAILED', `expires_in_s must be at most ${deps.signatureMaxTtlS}.`, [
            { path: '/expires_in_s', message: `must be at most ${deps.signatureMaxTtlS}` },
          ])
        const expiresAtS =
          body.expires_in_s === undefined ? undefined : Math.floor(deps.now() / 1000) + body.expires_in_s
        return { status: 200, body: { userId: body.userId, signature: signUser(secret, body.userId, expiresAtS) } }
      },
    }),
  ]
}
