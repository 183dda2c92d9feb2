import type { RequestOptions } from '@progressdb/js'

/**
 * The tail of a list method: the acting user's id last, with an optional query before it and
 * the per-call options after it: `listThreads('u1')` or `listThreads({ limit: 10 }, 'u1')`.
 */
export type UserArgs<Q> =
  | [userId: string, options?: RequestOptions]
  | [query: Q | undefined, userId: string, options?: RequestOptions]

export function userArgs<Q>(args: UserArgs<Q>): {
  query: Q | undefined
  userId: string
  options?: RequestOptions
} {
  if (typeof args[0] === 'string')
    return { query: undefined, userId: args[0], options: args[1] as RequestOptions | undefined }
  const [query, userId, options] = args as [Q | undefined, string, RequestOptions | undefined]
  if (typeof userId !== 'string')
    throw new TypeError('ProgressDB: the user id is the last argument.')
  return { query, userId, options }
}
