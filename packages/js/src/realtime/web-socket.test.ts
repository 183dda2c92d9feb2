import { describe, expect, it } from 'vitest'
import { toQueryCredentials } from '../credentials.js'
import { webSocketUrl } from './web-socket.js'

describe('WebSocket address', () => {
  it('keeps the base path, switches the scheme and encodes the credentials', () => {
    const params = toQueryCredentials({
      authorization: 'Bearer pk_a+b/c',
      'x-user-id': 'user@example.com',
      'x-user-signature': 'v1.123.ab=',
    })
    expect(webSocketUrl('https://db.example.com/chat/', params)).toBe(
      'wss://db.example.com/chat/frontend/v1/ws?api_key=pk_a%2Bb%2Fc&user_id=user%40example.com&signature=v1.123.ab%3D',
    )
    expect(webSocketUrl('http://127.0.0.1:8080', {})).toBe('ws://127.0.0.1:8080/frontend/v1/ws')
  })
})
