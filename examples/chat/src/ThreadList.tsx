import type { UseThreadsResult } from '@progressdb/react'
import { useState, type FormEvent } from 'react'

interface Props {
  threads: UseThreadsResult
  selected: string | undefined
  onSelect: (threadId: string) => void
}

export function ThreadList({ threads, selected, onSelect }: Props) {
  const [title, setTitle] = useState('')
  async function create(event: FormEvent) {
    event.preventDefault()
    const thread = await threads.create({ title: title.trim() || 'Untitled' })
    setTitle('')
    onSelect(thread.id)
  }
  return (
    <nav className="threads">
      <ul>
        {threads.threads.map((t) => (
          <li key={t.id}>
            <button className={t.id === selected ? 'selected' : ''} onClick={() => onSelect(t.id)}>
              <span>{t.title ?? t.id}</span>
              {t.unread_count ? <em>{t.unread_count}</em> : null}
            </button>
          </li>
        ))}
      </ul>
      {threads.hasOlder && <button onClick={() => void threads.loadOlder()}>More threads</button>}
      <form onSubmit={(e) => void create(e)}>
        <input
          aria-label="New thread title"
          placeholder="New thread"
          value={title}
          onChange={(e) => setTitle(e.target.value)}
        />
        <button type="submit">Create</button>
      </form>
      {threads.error && <p className="error">{threads.error.message}</p>}
    </nav>
  )
}
