import { ProgressDB } from './progressdb.js'

export default ProgressDB
export { ProgressDB, type ProgressDBOptions } from './progressdb.js'
export type { ProgressDB as ProgressDBBackend, HardDeleteOptions } from './progressdb-api.js'
export type { AdminClient, AdminHealth, AdminStats } from './admin-client.js'
export type { UserArgs } from './user-args.js'
export {
  ProgressDBError,
  isProgressDBError,
  type ChatBody,
  type Message,
  type MessagePage,
  type NewMessage,
  type MessagePatch,
  type MessageStream,
  type NewStreamMessage,
  type FinalizeMessage,
  type ProgressDBClient,
  type ProgressDBErrorCode,
  type RequestOptions,
  type ChatEvent,
  type SubscribeOptions,
  type SubscribeThreadsOptions,
  type ThreadListSubscription,
  type ThreadSubscription,
} from '@progressdb/js'
