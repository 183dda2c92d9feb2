/** See `createThreadCreatedSignal`. */
export interface ThreadCreatedSignal {
  /** A create through the client succeeded: the thread `threadId` exists now. */
  emit: (threadId: string) => void
  /** Calls `listener` after each such create; returns how to stop. */
  listen: (listener: (threadId: string) => void) => () => void
}

/**
 * Tells a client's stores that a thread exists now because this client created it (a thread
 * create, or a message create, which creates its thread when new), so a store that found no
 * such thread when it loaded or subscribed can start over. Fired after every successful
 * create: the server does not say whether the thread was new, and starting over is cheap.
 */
export function createThreadCreatedSignal(): ThreadCreatedSignal {
  const listeners = new Set<(threadId: string) => void>()
  return {
    emit(threadId) {
      for (const listener of [...listeners]) {
        try {
          listener(threadId)
        } catch (error) {
          // The create succeeded: a failing listener must not turn it into a rejection.
          queueMicrotask(() => {
            throw error
          })
        }
      }
    },
    listen(listener) {
      const own = (threadId: string) => listener(threadId)
      listeners.add(own)
      return () => void listeners.delete(own)
    },
  }
}
