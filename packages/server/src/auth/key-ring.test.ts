import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { createKeyRing } from './key-ring.js'

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex')

describe('key ring', () => {
  const ring = createKeyRing({
    backendKeys: ['sk_b1', 'sk_b2'],
    frontendKeys: ['pk_f'],
    adminKeys: ['ak_a'],
  })

  it('knows each configured key by its kind, named by a SHA-256 prefix that is not the key', () => {
    expect(ring.identify('sk_b2')).toEqual({
      kind: 'backend',
      id: `backend:${sha256('sk_b2').slice(0, 12)}`,
    })
    expect(ring.identify('pk_f')).toEqual({
      kind: 'frontend',
      id: `frontend:${sha256('pk_f').slice(0, 12)}`,
    })
    expect(ring.identify('ak_a')).toEqual({
      kind: 'admin',
      id: `admin:${sha256('ak_a').slice(0, 12)}`,
    })
    expect(ring.identify('sk_b1')!.id).not.toContain('sk_b1')
  })

  it('knows no other key, not even a prefix or an extension of a real one', () => {
    for (const key of ['', 'sk_b', 'sk_b1 ', 'SK_B1', 'pk_f2', 'unknown'])
      expect(ring.identify(key)).toBeUndefined()
  })
})
