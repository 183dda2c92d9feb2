import { useThreads } from '@progressdb/react'
import { useState } from 'react'
import { Conversation } from './Conversation.js'
import { ThreadList } from './ThreadList.js'

export function App({ userId }: { userId: string }) {
  const threads = useThreads({ sortBy: 'updated_ts' })
  const [chosen, setChosen] = useState<string | undefined>()
  const threadId = chosen ?? threads.threads[0]?.id
  const other = userId === 'alice' ? 'bob' : 'alice'
  return (
    <div className="app">
      <header>
        <strong>ProgressDB chat</strong>
        <span>
          signed in as <b>{userId}</b> · <a href={`?user=${other}`}>switch to {other}</a>
        </span>
      </header>
      <ThreadList threads={threads} selected={threadId} onSelect={setChosen} />
      {threadId ? (
        <Conversation key={threadId} threadId={threadId} userId={userId} />
      ) : (
        <main className="empty">
          {threads.loading ? 'Loading…' : 'No threads yet: create one.'}
        </main>
      )}
    </div>
  )
}
