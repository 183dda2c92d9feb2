import type { ChatBody, ProgressDBClient } from '@progressdb/react'

/** The demo reply, streamed a word at a time as a language model would send tokens. */
export const ASSISTANT_REPLY =
  'Sure! This reply is streamed word by word: everyone in the thread watches it grow, then it is final.'

/** Pause between words, so the growth is visible (and testable) on the other screen. */
const WORD_INTERVAL_MS = 120

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * Streams `ASSISTANT_REPLY` into the thread with `client.streamMessage`: a `streaming`
 * message that grows with each append, then `finalize`. Appends are queued in order by the
 * handle, so they are not awaited one by one.
 */
export async function streamAssistantReply(client: ProgressDBClient, threadId: string) {
  const stream = await client.streamMessage<ChatBody>(threadId, { role: 'assistant' })
  try {
    for (const word of ASSISTANT_REPLY.split(/(?<= )/)) {
      void stream.append(word)
      await pause(WORD_INTERVAL_MS)
    }
    return await stream.finalize()
  } catch (error) {
    if (!stream.closed) await stream.abort().catch(() => undefined)
    throw error
  }
}
