import { expect } from 'vitest'
import { CRASH_THREADS, headersFor, type AckedMessage } from './crash-workload.js'

async function getJson(url: string, user: string): Promise<any> {
  const res = await fetch(url, { headers: headersFor(user, 'fast') })
  expect(res.status, `GET ${url}`).toBe(200)
  return res.json()
}

/** Every message of a thread, soft-deleted included, oldest first: newest page, then older ones. */
async function allMessages(base: string, thread: string, user: string): Promise<any[]> {
  const list = `${base}/frontend/v1/threads/${thread}/messages?limit=1000&include_deleted=true`
  let page = await getJson(list, user)
  const pages = [page.messages]
  while (page.pagination.has_before) {
    page = await getJson(`${list}&before=${page.pagination.before_anchor}`, user)
    pages.unshift(page.messages)
  }
  return pages.flat()
}

async function allEvents(base: string, thread: string, user: string): Promise<any[]> {
  const events: any[] = []
  let since = 0
  for (;;) {
    const page = await getJson(`${base}/frontend/v1/threads/${thread}/events?since=${since}`, user)
    events.push(...page.events)
    since = page.next_since
    if (!page.has_more) return events
  }
}

/**
 * After a crash: every acknowledged write is there with the acknowledged content (or the
 * in-flight edit after it), and the thread summary, change log and messages agree.
 */
export async function verifyAfterCrash(base: string, acked: ReadonlyMap<string, AckedMessage>): Promise<number> {
  let stored = 0
  for (let t = 0; t < CRASH_THREADS; t++) {
    const thread = `crash-${t}`
    const user = `writer-${t}`
    const mine = [...acked].filter(([, a]) => a.thread === thread)
    const threadRes = await fetch(`${base}/frontend/v1/threads/${thread}`, { headers: headersFor(user, 'fast') })
    if (mine.length === 0 && threadRes.status === 404) continue
    expect(threadRes.status).toBe(200)
    const summary = ((await threadRes.json()) as any).thread
    const messages = await allMessages(base, thread, user)
    stored += messages.length
    const byId = new Map(messages.map((m) => [m.id, m]))

    for (const [id, a] of mine) {
      const m = byId.get(id)
      expect(m, `acknowledged message ${id} is missing`).toBeDefined()
      if (m.version === a.version) expect(m.body).toEqual(a.body)
      else {
        expect(m.version, `message ${id} at version ${m.version}, acknowledged ${a.version}`).toBe(a.version + 1)
        expect(m.body).toEqual(a.maybeNext)
      }
    }
    // Seqs are gap-free and ordered; the summary matches the messages.
    expect(messages.map((m) => m.seq)).toEqual(messages.map((_, i) => i + 1))
    expect(summary.message_count).toBe(messages.filter((m) => !m.deleted).length)
    expect(summary.last_message?.id).toBe(messages[messages.length - 1]?.id)

    // The change log is gap-free, ends at the summary's last_change, and explains every message.
    const events = await allEvents(base, thread, user)
    expect(events.map((e) => e.change)).toEqual(events.map((_, i) => i + 1))
    expect(summary.last_change).toBe(events.length)
    expect(events[0].type).toBe('thread.created')
    const created = events.filter((e) => e.type === 'message.created').map((e) => e.message_id)
    expect(created.sort()).toEqual(messages.map((m) => m.id).sort())
    const updates = new Map<string, number>()
    for (const e of events) if (e.type === 'message.updated') updates.set(e.message_id, (updates.get(e.message_id) ?? 0) + 1)
    for (const m of messages) expect(updates.get(m.id) ?? 0, `edits logged for ${m.id}`).toBe(m.version - 1)
  }
  return stored
}
