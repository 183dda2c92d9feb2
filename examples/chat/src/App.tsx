import { useThreads } from '@progressdb/react'
import { useState } from 'react'
import { Conversation } from './Conversation.js'
import { ThreadList } from './ThreadList.js'

export function App({ userId }: { userId: string }) {
  const threads = useThreads({ sortBy: 'updated_ts' })
  const [threadId, setThreadId] = useState<string | undefined>()
  // The most recent thread opens first, once. After that the open conversation changes only
  // when the user picks another: the list reorders live as threads get activity, and
  // following its top would switch what the user reads (and mark it read) without a click.
  const first = threads.threads[0]?.id
  if (threadId === undefined && first !== undefined) setThreadId(first)
  const other = userId === 'alice' ? 'bob' : 'alice'
  return (
    <div className="app">
      <header>
        <strong>ProgressDB chat</strong>
        <span>
          signed in as <b>{userId}</b> · <a href={`?user=${other}`}>switch to {other}</a>
        </span>
      </header>
      <ThreadList threads={threads} selected={threadId} onSelect={setThreadId} />
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
