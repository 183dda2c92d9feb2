import {
  isProgressDBError,
  isUnknownOutcome,
  useMessages,
  useProgressDB,
  useThread,
  useTyping,
} from '@progressdb/react'
import { useEffect, useLayoutEffect, useRef, useState } from 'react'
import { streamAssistantReply } from './assistant-reply.js'
import { Composer } from './Composer.js'
import { LiveStatus } from './LiveStatus.js'
import { MessageItem } from './MessageItem.js'

interface Props {
  threadId: string
  userId: string
}

/** Pixels from the top at which the previous page is fetched. */
const LOAD_OLDER_AT_PX = 80

export function Conversation({ threadId, userId }: Props) {
  const client = useProgressDB()
  const { thread, markRead } = useThread(threadId)
  const { setTyping } = useTyping(threadId)
  const [streaming, setStreaming] = useState(false)
  const {
    messages,
    create,
    retry,
    discard,
    update,
    remove,
    loadOlder,
    hasOlder,
    loadingOlder,
    loading,
    error,
  } = useMessages(threadId, { pageSize: 30 })
  const list = useRef<HTMLDivElement>(null)
  // While older messages are prepended, this message stays where it was on screen.
  const keepInPlace = useRef<{ id: string; offsetPx: number } | null>(null)
  const atBottom = useRef(true)

  useLayoutEffect(() => {
    const el = list.current
    if (!el) return
    const kept = keepInPlace.current
    const node = kept && el.querySelector<HTMLElement>(`[data-id="${CSS.escape(kept.id)}"]`)
    if (kept && node && messages[0]?.id !== kept.id) {
      el.scrollTop = node.offsetTop - kept.offsetPx
      keepInPlace.current = null
    } else if (atBottom.current) {
      el.scrollTop = el.scrollHeight
    }
  }, [messages])

  // Everything shown has been read: move the read marker (the thread list shows unread counts,
  // updated live).
  const newest = messages.findLast((m) => !m.pending)?.id
  useEffect(() => {
    if (newest) markRead(newest).catch(() => undefined)
    // Only when the newest message changes (markRead is stable per thread).
  }, [newest])

  function onScroll() {
    const el = list.current
    if (!el) return
    atBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < 40
    const first = el.querySelector<HTMLElement>('[data-id]')
    if (el.scrollTop > LOAD_OLDER_AT_PX || !hasOlder || loadingOlder || !first) return
    keepInPlace.current = { id: first.dataset.id!, offsetPx: first.offsetTop - el.scrollTop }
    void loadOlder()
  }

  async function send(text: string) {
    atBottom.current = true
    await create({ body: { text }, role: 'user' }).catch((e: unknown) => {
      // No answer (the outcome is unknown): the message stays in the list as "Not sent",
      // with Retry and Discard, and the text must not come back (sending it again from the
      // box would make a second copy if the first was stored). A refusal goes to the composer.
      if (!(isProgressDBError(e) && isUnknownOutcome(e))) throw e
    })
  }

  async function streamReply() {
    atBottom.current = true
    setStreaming(true)
    await streamAssistantReply(client, threadId).finally(() => setStreaming(false))
  }

  return (
    <main className="conversation">
      <h2>{thread?.title ?? threadId}</h2>
      <LiveStatus threadId={threadId} userId={userId} />
      <div className="messages" ref={list} onScroll={onScroll} data-testid="messages">
        <p className="edge">
          {loading
            ? 'Loading…'
            : hasOlder
              ? loadingOlder
                ? 'Loading older…'
                : '↑ scroll for older'
              : 'Beginning of the conversation'}
        </p>
        {messages.map((m) => (
          <MessageItem
            key={m.id}
            message={m}
            mine={m.author === userId}
            onEdit={(text) => update(m.id, { body: { text } }).then(() => undefined)}
            onDelete={() => remove(m.id)}
            onRetry={() => void retry(m.id).catch(() => undefined)}
            onDiscard={() => discard(m.id)}
          />
        ))}
      </div>
      {error && <p className="error">{error.message}</p>}
      <Composer onSend={send} onTyping={setTyping} />
      <button
        className="stream-reply"
        disabled={streaming}
        onClick={() => void streamReply().catch(() => undefined)}
      >
        {streaming ? 'Streaming…' : 'Stream an assistant reply'}
      </button>
    </main>
  )
}
