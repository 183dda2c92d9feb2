import type { ProgressDBClient } from '@progressdb/js'
import { createContext, createElement, useContext, type ReactNode } from 'react'

const ClientContext = createContext<ProgressDBClient | null>(null)

export interface ProgressDBProviderProps {
  /**
   * The client the hooks below use. Create it once (module scope, or `useState(() => ...)`):
   * a new client makes every hook start over.
   */
  client: ProgressDBClient
  children?: ReactNode
}

/**
 * Makes a @progressdb/js client available to the hooks.
 *
 * @example
 * const client = createClient({ baseUrl, frontendKey, userId, getUserSignature })
 * root.render(<ProgressDBProvider client={client}><App /></ProgressDBProvider>)
 */
export function ProgressDBProvider({ client, children }: ProgressDBProviderProps) {
  return createElement(ClientContext.Provider, { value: client }, children)
}

/**
 * The client of the nearest `ProgressDBProvider`, for calls the hooks do not cover.
 *
 * @example
 * const client = useProgressDB()
 * const versions = await client.messages(threadId).versions(messageId)
 */
export function useProgressDB(): ProgressDBClient {
  const client = useContext(ClientContext)
  if (!client)
    throw new Error('ProgressDB hooks need a <ProgressDBProvider client={...}> above them.')
  return client
}
