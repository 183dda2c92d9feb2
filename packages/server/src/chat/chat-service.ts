import type { ChatContext } from './chat-context.js'
import { listChanges } from './change-feed.js'
import { listMessagePage } from './message-page.js'
import {
  createMessage,
  deleteMessage,
  getMessage,
  listVersions,
  restoreMessage,
  updateMessage,
} from './messages.js'
import { addParticipant, listParticipants, removeParticipant } from './participants.js'
import { setReaction } from './reactions.js'
import { abortIdleStreams, appendToMessage, expireEphemeralMessages, finalizeMessage } from './streaming.js'
import { markRead } from './read-markers.js'
import { listThreadPage } from './thread-page.js'
import { threadListChangesSince, threadListEntries, threadListWatermark } from './thread-list-feed.js'
import { createThread, deleteThread, getThread, restoreThread, updateThread } from './threads.js'

type Bound<F> = F extends (ctx: ChatContext, ...args: infer A) => infer R ? (...args: A) => R : never

function bind<F extends (ctx: ChatContext, ...args: never[]) => unknown>(ctx: ChatContext, f: F): Bound<F> {
  return ((...args: never[]) => f(ctx, ...args)) as Bound<F>
}

/** Every chat operation bound to one context: what transports (HTTP today) call. */
export function createChatService(ctx: ChatContext) {
  return {
    context: ctx,
    createThread: bind(ctx, createThread),
    getThread: bind(ctx, getThread),
    updateThread: bind(ctx, updateThread),
    deleteThread: bind(ctx, deleteThread),
    restoreThread: bind(ctx, restoreThread),
    listThreads: bind(ctx, listThreadPage),
    threadListEntries: bind(ctx, threadListEntries),
    threadListChangesSince: bind(ctx, threadListChangesSince),
    threadListWatermark: bind(ctx, threadListWatermark),
    createMessage: bind(ctx, createMessage),
    getMessage: bind(ctx, getMessage),
    updateMessage: bind(ctx, updateMessage),
    deleteMessage: bind(ctx, deleteMessage),
    restoreMessage: bind(ctx, restoreMessage),
    listMessages: bind(ctx, listMessagePage),
    listVersions: bind(ctx, listVersions),
    setReaction: bind(ctx, setReaction),
    appendToMessage: bind(ctx, appendToMessage),
    finalizeMessage: bind(ctx, finalizeMessage),
    abortIdleStreams: bind(ctx, abortIdleStreams),
    expireEphemeralMessages: bind(ctx, expireEphemeralMessages),
    listParticipants: bind(ctx, listParticipants),
    addParticipant: bind(ctx, addParticipant),
    removeParticipant: bind(ctx, removeParticipant),
    markRead: bind(ctx, markRead),
    listChanges: bind(ctx, listChanges),
  }
}

export type ChatService = ReturnType<typeof createChatService>
