import type { StoreMessage } from '@progressdb/react'
import { memo, useState } from 'react'

interface Props {
  message: StoreMessage
  mine: boolean
  onEdit: (text: string) => Promise<void>
  onDelete: () => Promise<void>
  /** For a send whose outcome is unknown: send again (same id, never a duplicate) or drop it. */
  onRetry: () => void
  onDiscard: () => void
}

/** Memoised: the store keeps unchanged messages' identity, so only changed rows re-render. */
export const MessageItem = memo(function MessageItem({
  message,
  mine,
  onEdit,
  onDelete,
  onRetry,
  onDiscard,
}: Props) {
  const [draft, setDraft] = useState<string | null>(null)
  const text = message.body.text ?? JSON.stringify(message.body)
  const failed = message.sendState === 'failed'
  async function save() {
    // An empty edit is refused here, as the composer refuses an empty send.
    if (draft === null || draft.trim() === '') return
    // On failure the draft stays open (the error shows under the messages).
    await onEdit(draft).then(
      () => setDraft(null),
      () => undefined,
    )
  }
  return (
    <article
      className={`message${mine ? ' mine' : ''}${message.pending ? ' pending' : ''}${failed ? ' failed' : ''}`}
      data-id={message.id}
      data-status={message.status}
    >
      <header>
        <b>{message.role === 'assistant' ? `${message.author}'s assistant` : message.author}</b>
        {failed ? null : message.pending ? (
          <span> · sending…</span>
        ) : message.status === 'streaming' ? (
          <span> · streaming…</span>
        ) : message.status === 'aborted' ? (
          <span> · stopped</span>
        ) : message.version > 1 && message.role !== 'assistant' ? (
          <span> · edited</span>
        ) : null}
      </header>
      {draft === null ? (
        <p className="text">{text}</p>
      ) : (
        <form
          onSubmit={(e) => {
            e.preventDefault()
            void save()
          }}
        >
          <input
            aria-label="Edit message"
            value={draft}
            onChange={(e) => setDraft(e.target.value)}
            autoFocus
          />
          <button type="submit" disabled={draft.trim() === ''}>
            Save
          </button>
          <button type="button" onClick={() => setDraft(null)}>
            Cancel
          </button>
        </form>
      )}
      {failed && (
        // The create got no answer: it may or may not be stored. Retry sends it again with the
        // same id (the server answers a repeat with the stored message); if it was stored, it
        // replaces this one by itself as soon as it arrives.
        <p className="not-sent" role="alert">
          Not sent —{' '}
          <button type="button" onClick={onRetry}>
            Retry
          </button>{' '}
          ·{' '}
          <button type="button" onClick={onDiscard}>
            Discard
          </button>
        </p>
      )}
      {mine && !message.pending && message.status !== 'streaming' && draft === null && (
        <footer>
          <button onClick={() => setDraft(text)}>Edit</button>
          <button onClick={() => void onDelete().catch(() => undefined)}>Delete</button>
        </footer>
      )}
    </article>
  )
})
