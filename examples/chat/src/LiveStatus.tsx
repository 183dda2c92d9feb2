import { usePresence, useTyping } from '@progressdb/react'

/** Who else has the thread open, and who is typing: live from the WebSocket, never stored. */
export function LiveStatus({ threadId, userId }: { threadId: string; userId: string }) {
  const others = usePresence(threadId).filter((u) => u !== userId)
  const { typingUsers } = useTyping(threadId)
  return (
    <div className="live-status">
      <span data-testid="presence">
        {others.length > 0 ? `Here now: ${others.join(', ')}` : 'Nobody else here'}
      </span>
      <span data-testid="typing">
        {typingUsers.length === 0
          ? ''
          : `${typingUsers.join(', ')} ${typingUsers.length === 1 ? 'is' : 'are'} typing…`}
      </span>
    </div>
  )
}
