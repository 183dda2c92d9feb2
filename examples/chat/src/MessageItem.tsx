import type { StoreMessage } from '@progressdb/react'
import { memo, useState } from 'react'

interface Props {
  message: StoreMessage
  mine: boolean
  onEdit: (text: string) => Promise<void>
  onDelete: () => Promise<void>
}

/** Memoised: the store keeps unchanged messages' identity, so only changed rows re-render. */
export const MessageItem = memo(function MessageItem({ message, mine, onEdit, onDelete }: Props) {
  const [draft, setDraft] = useState<string | null>(null)
  const text = message.body.text ?? JSON.stringify(message.body)
  async function save() {
    if (draft === null) return
    await onEdit(draft)
    setDraft(null)
  }
  return (
    <article
      className={`message${mine ? ' mine' : ''}${message.pending ? ' pending' : ''}`}
      data-id={message.id}
      data-status={message.status}
    >
      <header>
        <b>{message.role === 'assistant' ? `${message.author}'s assistant` : message.author}</b>
        {message.pending ? (
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
          <button type="submit">Save</button>
          <button type="button" onClick={() => setDraft(null)}>
            Cancel
          </button>
        </form>
      )}
      {mine && !message.pending && message.status !== 'streaming' && draft === null && (
        <footer>
          <button onClick={() => setDraft(text)}>Edit</button>
          <button onClick={() => void onDelete()}>Delete</button>
        </footer>
      )}
    </article>
  )
})
