import type { Participant, ParticipantListResponse, ParticipantRole } from '@progressdb/protocol'
import { threadPath } from './api-paths.js'
import type { RequestOptions, Transport } from './transport.js'

/** The participants of one thread: `client.participants(threadId)`. */
export interface ParticipantsClient {
  /** @example const people = await client.participants('t1').list() */
  list(options?: RequestOptions): Promise<Participant[]>
  /**
   * Adds a participant, or changes their role (default `member`). Owner or backend key.
   * @example await client.participants('t1').add('bob', 'viewer')
   */
  add(userId: string, role?: ParticipantRole, options?: RequestOptions): Promise<Participant[]>
  /**
   * Removes a participant. Owner or backend key; anyone may remove themselves (leave).
   * @example await client.participants('t1').remove('bob')
   */
  remove(userId: string, options?: RequestOptions): Promise<Participant[]>
}

/** Builds `client.participants(threadId)` over a transport. */
export function createParticipantsClient(
  transport: Transport,
  threadId: string,
): ParticipantsClient {
  const path = `${threadPath(threadId)}/participants`
  // Adding and removing set a state (the same again changes nothing), so both are retried.
  const call = async (
    method: 'GET' | 'POST' | 'DELETE',
    body: unknown,
    options: RequestOptions | undefined,
  ): Promise<Participant[]> =>
    (
      await transport.request<ParticipantListResponse>(
        { method, path, body, idempotent: true },
        options,
      )
    ).participants
  return {
    list: (options) => call('GET', undefined, options),
    add: (userId, role, options) =>
      call('POST', role === undefined ? { user_id: userId } : { user_id: userId, role }, options),
    remove: (userId, options) => call('DELETE', { user_id: userId }, options),
  }
}
