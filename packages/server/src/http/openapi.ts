import { ERROR_CODES, ErrorResponse } from '@progressdb/protocol'
import type { TSchema } from '@sinclair/typebox'
import type { Route } from './route.js'

const plain = (schema: TSchema): unknown => JSON.parse(JSON.stringify(schema))

const SECURITY: Record<Route['access'], Record<string, string[]>[]> = {
  public: [],
  user: [{ bearer: [], userId: [], userSignature: [] }, { apiKey: [], userId: [], userSignature: [] }],
  backend: [{ bearer: [] }, { apiKey: [] }],
  admin: [{ bearer: [] }, { apiKey: [] }],
}

/** The OpenAPI 3.1 document, generated from the route table and the protocol schemas. */
export function buildOpenApi(routes: readonly Route[], version: string): unknown {
  const paths: Record<string, Record<string, unknown>> = {}
  for (const r of routes) {
    const path = r.path.replace(/:(\w+)/g, '{$1}')
    const params = [...r.path.matchAll(/:(\w+)/g)].map((m) => ({
      name: m[1],
      in: 'path',
      required: true,
      schema: { type: 'string' },
    }))
    const query = Object.entries(r.query ?? {}).map(([name, description]) => ({
      name,
      in: 'query',
      required: false,
      description,
      schema: { type: 'string' },
    }))
    const headers =
      r.method === 'GET' || r.access === 'public'
        ? []
        : [{ name: 'X-ProgressDB-Durability', in: 'header', required: false, schema: { enum: ['fast', 'safe'] } }]
    const content = r.responseContentType
      ? { [r.responseContentType]: { schema: { type: 'string' } } }
      : r.response
        ? { 'application/json': { schema: plain(r.response) } }
        : undefined
    const others = Object.entries(r.alsoReplies ?? {}).map(([status, description]) => [
      status,
      { description, content: status === '204' ? undefined : content },
    ])
    const operation: Record<string, unknown> = {
      summary: r.summary,
      security: SECURITY[r.access],
      parameters: [...params, ...query, ...headers],
      responses: {
        [String(r.successStatus ?? 200)]: { description: 'Success', content },
        ...Object.fromEntries(others),
        default: {
          description: 'An error; branch on `code` (see docs/errors.md).',
          content: { 'application/json': { schema: plain(ErrorResponse) } },
        },
      },
    }
    if (r.body)
      operation.requestBody = {
        required: !r.bodyOptional,
        content: { 'application/json': { schema: plain(r.body) } },
      }
    ;(paths[path] ??= {})[r.method.toLowerCase()] = operation
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'ProgressDB',
      version,
      description: 'The database for chat data. Error codes: ' + Object.keys(ERROR_CODES).join(', '),
    },
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer' },
        apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key' },
        userId: { type: 'apiKey', in: 'header', name: 'X-User-ID' },
        userSignature: { type: 'apiKey', in: 'header', name: 'X-User-Signature' },
      },
    },
    paths,
  }
}
