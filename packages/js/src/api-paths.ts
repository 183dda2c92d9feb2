/** Paths of the v1 user routes, with ids percent-encoded (docs/api.md). */

export const THREADS_PATH = '/frontend/v1/threads'

export function threadPath(threadId: string): string {
  return `${THREADS_PATH}/${encodeURIComponent(threadId)}`
}

export function messagesPath(threadId: string): string {
  return `${threadPath(threadId)}/messages`
}

export function messagePath(threadId: string, messageId: string): string {
  return `${messagesPath(threadId)}/${encodeURIComponent(messageId)}`
}
