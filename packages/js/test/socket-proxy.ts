/**
 * A TCP proxy in front of the real server for WebSocket fault tests: `cut()` destroys every
 * open connection (a network failure mid-stream), `pause()` stops reading from the server
 * (a client that does not keep up) until `resume()`.
 */
import net from 'node:net'

export interface SocketProxy {
  /** `http://127.0.0.1:<port>`: use it as the client's baseUrl. */
  url: string
  port: number
  /** Connections accepted so far. */
  readonly accepted: number
  cut(): void
  pause(): void
  resume(): void
  close(): Promise<void>
}

/** `port`: listen there (e.g. the port of a proxy closed before: the server "comes back"). */
export async function startSocketProxy(target: string, port = 0): Promise<SocketProxy> {
  const upstream = new URL(target)
  const pairs = new Set<{ client: net.Socket; server: net.Socket }>()
  let paused = false
  let accepted = 0
  const proxy = net.createServer((client) => {
    accepted += 1
    const server = net.connect(Number(upstream.port), upstream.hostname)
    const pair = { client, server }
    pairs.add(pair)
    client.pipe(server)
    if (paused) server.pause()
    else server.pipe(client)
    const drop = () => {
      pairs.delete(pair)
      client.destroy()
      server.destroy()
    }
    client.on('error', drop).on('close', drop)
    server.on('error', drop).on('close', drop)
  })
  await new Promise<void>((resolve) => proxy.listen(port, '127.0.0.1', resolve))
  const listening = (proxy.address() as net.AddressInfo).port
  return {
    url: `http://127.0.0.1:${listening}`,
    port: listening,
    get accepted() {
      return accepted
    },
    cut() {
      for (const { client, server } of pairs) {
        client.destroy()
        server.destroy()
      }
      pairs.clear()
    },
    pause() {
      paused = true
      for (const { server } of pairs) {
        server.unpipe()
        server.pause()
      }
    },
    resume() {
      paused = false
      for (const { client, server } of pairs) {
        server.pipe(client)
        server.resume()
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const { client, server } of pairs) {
          client.destroy()
          server.destroy()
        }
        proxy.close(() => resolve())
      }),
  }
}
