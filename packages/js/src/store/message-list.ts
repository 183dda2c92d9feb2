import type { ChatBody, Message, NewMessage } from '../message-types.js'

/** A message as the stores show it: `pending` until the server has confirmed the create. */
export type StoreMessage<TBody = ChatBody> = Message<TBody> & { pending?: true }

/** Confirmed messages by `seq`, pending ones after them; objects are kept, never copied. */
export function ordered<TBody>(list: readonly StoreMessage<TBody>[]): StoreMessage<TBody>[] {
  const confirmed = list.filter((m) => !m.pending).sort((a, b) => a.seq - b.seq)
  return [...confirmed, ...list.filter((m) => m.pending)]
}

/** Adds the messages of a page that are not shown yet; shown ones keep their objects. */
export function merge<TBody>(
  shown: readonly StoreMessage<TBody>[],
  page: Message<TBody>[],
): StoreMessage<TBody>[] {
  const ids = new Set(shown.map((m) => m.id))
  return ordered([...shown, ...page.filter((m) => !ids.has(m.id))])
}

/** What a create looks like until the server answers: the server fills in `seq` and times. */
export function optimisticMessage<TBody>(
  message: NewMessage<TBody> & { id: string },
  threadId: string,
  author: string,
): StoreMessage<TBody> {
  const now = Date.now()
  return {
    id: message.id,
    key: message.id,
    thread: threadId,
    seq: 0,
    author,
    role: message.role ?? 'user',
    body: message.body,
    reply_to: message.reply_to ?? null,
    metadata: message.metadata ?? {},
    reactions: {},
    version: 1,
    editor: author,
    change: 0,
    status: 'final',
    ephemeral: false,
    expires_ts: null,
    created_ts: now,
    updated_ts: now,
    deleted: false,
    deleted_ts: null,
    pending: true,
  }
}
