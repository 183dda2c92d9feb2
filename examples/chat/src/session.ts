import { createClient, type ProgressDBClient } from '@progressdb/react'
import type { DevSession } from '../dev/progressdb-dev.js'

async function fetchSession(userId: string): Promise<DevSession> {
  const res = await fetch(`/api/session?user=${encodeURIComponent(userId)}`)
  if (!res.ok) throw new Error(`Could not sign in (${res.status})`)
  return (await res.json()) as DevSession
}

/**
 * The app's backend (here the dev server's /api/session) signs the user's id; the client asks
 * it again shortly before the signature expires, or when ProgressDB rejects it. (While
 * ProgressDB is down this route fails too; the client keeps the signature it holds.)
 */
export async function createChatClient(userId: string): Promise<ProgressDBClient> {
  const first = await fetchSession(userId)
  let unused: string | undefined = first.signature
  return createClient({
    baseUrl: first.baseUrl,
    frontendKey: first.frontendKey,
    userId,
    getUserSignature: async () => {
      const ready = unused
      unused = undefined
      return ready ?? (await fetchSession(userId)).signature
    },
  })
}
