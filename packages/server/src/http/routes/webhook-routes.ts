import {
  isValidId,
  CreateWebhookRequest,
  UpdateWebhookRequest,
  WEBHOOK_DELIVERY_STATUSES,
  WebhookDeliveryListResponse,
  WebhookListResponse,
  WebhookResponse,
} from '@progressdb/protocol'
import { AppError } from '../../app-error.js'
import type { WebhookAdmin } from '../../webhooks/webhook-admin.js'
import { enumParam, intParam, stringParam } from '../query-params.js'
import { route, type Route } from '../route.js'

const WEBHOOK = '/admin/webhooks/:webhookId'
const DELIVERIES_PAGE_MAX = 1000

/** Webhook endpoints and their delivery logs (admin key). */
export function webhookRoutes(webhooks: WebhookAdmin): Route[] {
  return [
    route({
      method: 'GET',
      path: '/admin/webhooks',
      access: 'admin',
      summary: 'Every webhook endpoint, config-defined ones included (secrets are never shown).',
      response: WebhookListResponse,
      handle: async () => ({ status: 200, body: { webhooks: await webhooks.list() } }),
    }),
    route<CreateWebhookRequest>({
      method: 'POST',
      path: '/admin/webhooks',
      access: 'admin',
      summary:
        'Register an endpoint `{url, events, secret?, description?, enabled?}`; the secret is returned once.',
      body: CreateWebhookRequest,
      response: WebhookResponse,
      successStatus: 201,
      handle: async ({ body }) => ({ status: 201, body: await webhooks.create(body) }),
    }),
    route({
      method: 'GET',
      path: WEBHOOK,
      access: 'admin',
      summary: 'One endpoint.',
      response: WebhookResponse,
      handle: async ({ params }) => ({
        status: 200,
        body: { webhook: await webhooks.get(params.webhookId!) },
      }),
    }),
    route<UpdateWebhookRequest>({
      method: 'PATCH',
      path: WEBHOOK,
      access: 'admin',
      summary:
        'Change `url`, `events`, `secret`, `description` or `enabled`; config endpoints are read-only.',
      body: UpdateWebhookRequest,
      response: WebhookResponse,
      handle: async ({ params, body }) => ({
        status: 200,
        body: { webhook: await webhooks.update(params.webhookId!, body) },
      }),
    }),
    route({
      method: 'DELETE',
      path: WEBHOOK,
      access: 'admin',
      summary: 'Remove an endpoint with its delivery log (pending deliveries are dropped) → 204.',
      successStatus: 204,
      handle: async ({ params }) => {
        await webhooks.remove(params.webhookId!)
        return { status: 204 }
      },
    }),
    route({
      method: 'GET',
      path: `${WEBHOOK}/deliveries`,
      access: 'admin',
      summary:
        'The delivery log, newest first: status, attempts, last status code or error, next attempt.',
      response: WebhookDeliveryListResponse,
      query: {
        limit: `page size (default 50, max ${DELIVERIES_PAGE_MAX})`,
        before: 'next_before of the previous page',
        status: 'pending, delivered or failed',
      },
      handle: async ({ params, query }) => {
        const status = query.has('status')
          ? enumParam(query, 'status', WEBHOOK_DELIVERY_STATUSES, 'pending')
          : undefined
        const before = stringParam(query, 'before', 128)
        // A delivery id, as `next_before` gives it: anything else cannot be a position.
        if (before !== undefined && !isValidId(before))
          throw new AppError('INVALID_CURSOR', 'before must be the next_before of an earlier page.')
        return {
          status: 200,
          body: await webhooks.deliveries(params.webhookId!, {
            limit: Math.min(intParam(query, 'limit', 1) ?? 50, DELIVERIES_PAGE_MAX),
            ...(before === undefined ? {} : { before }),
            ...(status === undefined ? {} : { status }),
          }),
        }
      },
    }),
  ]
}
