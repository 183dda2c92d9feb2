import {
  AddParticipantRequest,
  ParticipantListResponse,
  ReadMarkerRequest,
  RemoveParticipantRequest,
  ThreadResponse,
} from '@progressdb/protocol'
import { AppError } from '../../app-error.js'
import { route, type Route } from '../route.js'
import type { RouteDeps } from './route-deps.js'

const THREAD = '/frontend/v1/threads/:threadId'

export function participantRoutes({ chat }: RouteDeps): Route[] {
  return [
    route({
      method: 'GET',
      path: `${THREAD}/participants`,
      access: 'user',
      summary: 'The participants and their roles.',
      response: ParticipantListResponse,
      handle: async ({ actor, params }) => ({
        status: 200,
        body: { participants: await chat.listParticipants(actor, params.threadId!) },
      }),
    }),
    route<AddParticipantRequest>({
      method: 'POST',
      path: `${THREAD}/participants`,
      access: 'user',
      summary: 'Add a participant `{user_id, role?}` (role defaults to member) or change a role. Owner or backend.',
      body: AddParticipantRequest,
      response: ParticipantListResponse,
      handle: async ({ actor, params, body, durability }) => ({
        status: 200,
        body: { participants: await chat.addParticipant(actor, params.threadId!, body, { durability }) },
      }),
    }),
    route<RemoveParticipantRequest | undefined>({
      method: 'DELETE',
      path: `${THREAD}/participants`,
      access: 'user',
      summary: 'Remove a participant: body `{user_id}` or `?user_id=`. Owner or backend; anyone may remove themselves.',
      body: RemoveParticipantRequest,
      bodyOptional: true,
      response: ParticipantListResponse,
      query: { user_id: 'the participant to remove (instead of a body)' },
      handle: async ({ actor, params, body, query, durability }) => {
        const userId = body?.user_id ?? query.get('user_id')
        if (!userId)
          throw new AppError('VALIDATION_FAILED', 'Name the participant as {"user_id"} or ?user_id=.', [
            { path: '/user_id', message: 'is required' },
          ])
        return {
          status: 200,
          body: { participants: await chat.removeParticipant(actor, params.threadId!, userId, { durability }) },
        }
      },
    }),
    route<ReadMarkerRequest>({
      method: 'POST',
      path: `${THREAD}/read`,
      access: 'user',
      summary: "Move the caller's read marker forward to `{message_id}`; returns the thread with unread_count.",
      body: ReadMarkerRequest,
      response: ThreadResponse,
      handle: async ({ actor, params, body, durability }) => ({
        status: 200,
        body: { thread: await chat.markRead(actor, params.threadId!, body.message_id, { durability }) },
      }),
    }),
  ]
}
