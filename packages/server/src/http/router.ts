import { isValidId, isValidUserId } from '@progressdb/protocol'
import { AppError } from '../app-error.js'
import type { HttpMethod, Route } from './route.js'

interface Node {
  literal: Map<string, Node>
  param?: { name: string; node: Node }
  routes: Map<HttpMethod, Route>
}

const newNode = (): Node => ({ literal: new Map(), routes: new Map() })

/** A segment trie: matching costs one map lookup per path segment. */
export function createRouter(routes: readonly Route[]) {
  const root = newNode()
  for (const r of routes) {
    let node = root
    for (const segment of r.path.split('/').filter(Boolean)) {
      if (segment.startsWith(':')) {
        node.param ??= { name: segment.slice(1), node: newNode() }
        node = node.param.node
      } else {
        let next = node.literal.get(segment)
        if (!next) node.literal.set(segment, (next = newNode()))
        node = next
      }
    }
    node.routes.set(r.method, r)
  }

  return {
    /** The route and its params, or a ROUTE_NOT_FOUND / METHOD_NOT_ALLOWED / INVALID_ID error. */
    match(method: string, pathname: string): { route: Route; params: Record<string, string> } {
      let node: Node | undefined = root
      const params: Record<string, string> = {}
      for (const raw of pathname.split('/')) {
        if (raw === '') continue
        const literal: Node | undefined = node.literal.get(raw)
        if (literal) node = literal
        else if (node.param) {
          params[node.param.name] = raw.includes('%') ? decodeSegment(raw) : raw
          node = node.param.node
        } else {
          node = undefined
          break
        }
      }
      if (!node || node.routes.size === 0) throw new AppError('ROUTE_NOT_FOUND', `No route for ${pathname}.`)
      // HEAD is GET without a body (node:http drops the body of a HEAD response).
      const found = node.routes.get((method === 'HEAD' ? 'GET' : method) as HttpMethod)
      if (!found)
        throw new AppError('METHOD_NOT_ALLOWED', `${method} is not allowed here.`, undefined, {
          allow: [...node.routes.keys()].join(', '),
        })
      for (const name in params) {
        const value = params[name]!
        const ok = name === 'userId' ? isValidUserId(value) : isValidId(value)
        if (!ok) throw new AppError('INVALID_ID', `${name} must be 1-128 characters of [A-Za-z0-9._~:@-].`)
      }
      return { route: found, params }
    },
  }
}

function decodeSegment(raw: string): string {
  try {
    return decodeURIComponent(raw)
  } catch {
    throw new AppError('INVALID_ID', 'A path segment is not valid percent-encoding.')
  }
}

export type Router = ReturnType<typeof createRouter>
