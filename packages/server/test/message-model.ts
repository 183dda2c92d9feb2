import { expect } from 'vitest'
import type { ApiClient } from './harness.js'

export type MessageState = 'live' | 'soft' | 'hard'

export type Mutation =
  { kind: 'create' } | { kind: 'edit' | 'soft' | 'restore' | 'hard'; pick: number }

/**
 * A model of one thread's messages that applies mutations over HTTP and checks each answer
 * against what the model expects (status and code), so a pagination test knows, at any moment,
 * which messages are live and what their `seq` is.
 */
export function createMessageModel(client: ApiClient, threadId: string) {
  const base = `/frontend/v1/threads/${threadId}/messages`
  const order: string[] = []
  const seqOf = new Map<string, number>()
  const state = new Map<string, MessageState>()
  let next = 0

  async function create(): Promise<string> {
    const id = `m${String(next++).padStart(4, '0')}`
    const res = await client.post(base, { id, body: { n: id } })
    expect(res.status, res.text).toBe(201)
    order.push(id)
    seqOf.set(id, res.body.message.seq as number)
    state.set(id, 'live')
    return id
  }

  /** Applies one mutation; returns the id it touched and that id's state before. */
  async function apply(m: Mutation): Promise<{ id: string; was: MessageState } | undefined> {
    if (m.kind === 'create') {
      const id = await create()
      return { id, was: 'hard' }
    }
    if (order.length === 0) return undefined
    const id = order[m.pick % order.length]!
    const was = state.get(id)!
    const url = `${base}/${id}`
    const expectCode = (
      res: { status: number; body: any; text: string },
      status: number,
      code?: string,
    ) => {
      expect([res.status, res.body?.code], `${m.kind} ${id} (${was}): ${res.text}`).toEqual([
        status,
        code,
      ])
    }
    if (m.kind === 'edit') {
      const res = await client.put(url, { body: { n: id, edited: true } })
      if (was === 'live') expectCode(res, 200)
      else
        expectCode(
          res,
          was === 'soft' ? 409 : 404,
          was === 'soft' ? 'MESSAGE_DELETED' : 'MESSAGE_NOT_FOUND',
        )
    } else if (m.kind === 'soft') {
      const res = await client.del(url)
      if (was === 'hard') expectCode(res, 404, 'MESSAGE_NOT_FOUND')
      else expectCode(res, 200)
      if (was === 'live') state.set(id, 'soft')
    } else if (m.kind === 'restore') {
      const res = await client.post(`${url}/restore`)
      if (was === 'soft') expectCode(res, 200)
      else
        expectCode(
          res,
          was === 'live' ? 409 : 404,
          was === 'live' ? 'MESSAGE_NOT_DELETED' : 'MESSAGE_NOT_FOUND',
        )
      if (was === 'soft') state.set(id, 'live')
    } else {
      const res = await client.del(`${url}?hard=true`)
      if (was === 'hard') expectCode(res, 404, 'MESSAGE_NOT_FOUND')
      else expectCode(res, 204)
      state.set(id, 'hard')
    }
    return { id, was }
  }

  return {
    base,
    order,
    seqOf,
    state,
    create,
    apply,
    liveIds: () => order.filter((id) => state.get(id) === 'live'),
  }
}

export type MessageModel = ReturnType<typeof createMessageModel>
