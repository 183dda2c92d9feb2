import { Pool } from 'undici'
import { signUser } from '../auth/user-signature.js'
import type { BenchRequest } from './load-loop.js'

/** Keys the benchmark configures on the servers it starts (or is given with --url). */
export interface BenchKeys {
  backend: string
  frontend: string
  signing: string
}

export const BENCH_USERS = 100
export const BODY_1KB = JSON.stringify({ role: 'user', body: { text: 'x'.repeat(990) } })

/** Request builders for one server: frontend key + signed user ids, so auth is on the path. */
export function createBenchClient(url: string, keys: BenchKeys, connections: number) {
  const pool = new Pool(url, { connections, pipelining: 1, keepAliveTimeout: 60_000 })
  const userHeaders = Array.from({ length: BENCH_USERS }, (_, i) => ({
    authorization: `Bearer ${keys.frontend}`,
    'x-user-id': `user-${i}`,
    'x-user-signature': signUser(keys.signing, `user-${i}`),
    'content-type': 'application/json',
  }))
  const backendHeaders = (userId: string) => ({
    authorization: `Bearer ${keys.backend}`,
    'x-user-id': userId,
    'content-type': 'application/json',
  })
  // Built once per user and mode, not per request (a spread copy given a new key per request
  // also survives scavenges on Node 20: docs/performance.md, session 7).
  const withDurability = (durability: 'fast' | 'safe') =>
    userHeaders.map((headers) => Object.assign({}, headers, { 'x-progressdb-durability': durability }))
  const byMode = { fast: withDurability('fast'), safe: withDurability('safe') }
  /** Thread `<prefix>-<n>` is owned by user n % BENCH_USERS. */
  const as = (n: number, durability: 'fast' | 'safe' | undefined): Record<string, string> =>
    (durability ? byMode[durability] : userHeaders)[n % BENCH_USERS]!
  return {
    pool,
    as,
    backendHeaders,
    create: (thread: string, n: number, body: string, durability?: 'fast' | 'safe'): BenchRequest => ({
      method: 'POST',
      path: `/frontend/v1/threads/${thread}/messages`,
      headers: as(n, durability),
      body,
    }),
    close: () => pool.close(),
  }
}

export type BenchClient = ReturnType<typeof createBenchClient>

/** Creates `perThread` messages with ids m0..m{perThread-1} in each thread, 64 at a time. */
export async function seedThreads(
  client: BenchClient,
  threads: readonly { id: string; owner: number }[],
  perThread: number,
): Promise<void> {
  const jobs: (() => Promise<void>)[] = []
  for (const { id, owner } of threads)
    for (let j = 0; j < perThread; j++)
      jobs.push(async () => {
        const body = JSON.stringify({ id: `m${j}`, role: 'user', body: { text: 'x'.repeat(990) } })
        const res = await client.pool.request({
          method: 'POST',
          path: `/frontend/v1/threads/${id}/messages`,
          headers: client.backendHeaders(`user-${owner % BENCH_USERS}`),
          body,
        })
        await res.body.dump()
        if (res.statusCode >= 300 && res.statusCode !== 200) throw new Error(`seed failed: HTTP ${res.statusCode}`)
      })
  let next = 0
  const worker = async () => {
    while (next < jobs.length) await jobs[next++]!()
  }
  await Promise.all(Array.from({ length: 64 }, worker))
}
