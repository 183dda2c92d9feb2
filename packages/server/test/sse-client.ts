/** A minimal Server-Sent Events reader over fetch, for tests. */
export interface SseFrame {
  id?: string
  event: string
  data: string
}

export interface EventStream {
  status: number
  headers: Headers
  frames: SseFrame[]
  /** Resolves once `count` data frames (events) arrived, or rejects after `timeoutMs`. */
  waitFor(count: number, timeoutMs?: number): Promise<SseFrame[]>
  /** Resolves when the server ends the stream (or it breaks). */
  ended: Promise<void>
  abort(): void
}

export async function openEventStream(url: string, headers: Record<string, string>): Promise<EventStream> {
  const controller = new AbortController()
  const res = await fetch(url, { headers: { accept: 'text/event-stream', ...headers }, signal: controller.signal })
  const frames: SseFrame[] = []
  const waiters: (() => void)[] = []
  const notify = () => waiters.splice(0).forEach((w) => w())
  const ended = (async () => {
    if (!res.body) return
    const decoder = new TextDecoder()
    let buffer = ''
    try {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true })
        let cut: number
        while ((cut = buffer.indexOf('\n\n')) !== -1) {
          const block = buffer.slice(0, cut)
          buffer = buffer.slice(cut + 2)
          const frame: SseFrame = { event: 'message', data: '' }
          for (const line of block.split('\n')) {
            if (line.startsWith('id: ')) frame.id = line.slice(4)
            else if (line.startsWith('event: ')) frame.event = line.slice(7)
            else if (line.startsWith('data: ')) frame.data += line.slice(6)
          }
          if (frame.data) frames.push(frame)
        }
        notify()
      }
    } catch {
      // Aborted or cut by the server.
    } finally {
      notify()
    }
  })()
  let done = false
  void ended.then(() => (done = true))
  return {
    status: res.status,
    headers: res.headers,
    frames,
    ended,
    abort: () => controller.abort(),
    async waitFor(count, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs
      while (frames.length < count) {
        if (done) throw new Error(`stream ended after ${frames.length} of ${count} events`)
        if (Date.now() > deadline) throw new Error(`only ${frames.length} of ${count} events after ${timeoutMs} ms`)
        await new Promise<void>((resolve) => {
          waiters.push(resolve)
          setTimeout(resolve, 50)
        })
      }
      return frames.slice(0, count)
    },
  }
}
