import { Value } from '@sinclair/typebox/value'
import { describe, expect, expectTypeOf, it } from 'vitest'
import { ConfigSchema, configLeaves, type Config } from './schema.js'

describe('ConfigSchema', () => {
  it('gives every leaf a valid default and a description', () => {
    for (const leaf of configLeaves) {
      expect(leaf.default, leaf.path).not.toBeUndefined()
      expect(Value.Check(leaf.schema, leaf.default), leaf.path).toBe(true)
      expect(leaf.description.length, leaf.path).toBeGreaterThan(0)
    }
  })

  it('builds a valid config from defaults alone', () => {
    expect(Value.Check(ConfigSchema, Value.Default(ConfigSchema, {}))).toBe(true)
  })

  it('uses each env var and flag once, with the expected spelling', () => {
    const envs = configLeaves.flatMap((l) => (l.env === undefined ? [] : [l.env]))
    const flags = configLeaves.flatMap((l) => (l.flag === undefined ? [] : [l.flag]))
    expect(new Set(envs).size).toBe(envs.length)
    expect(new Set(flags).size).toBe(flags.length)
    for (const env of envs) expect(env).toMatch(/^PROGRESSDB_[A-Z0-9_]+$/)
    for (const flag of flags) expect(flag).toMatch(/^--[a-z][a-z0-9-]*$/)
  })

  it('marks key lists as secret', () => {
    const secrets = configLeaves.filter((l) => l.secret).map((l) => l.path)
    expect(secrets).toEqual([
      'auth.backendKeys',
      'auth.frontendKeys',
      'auth.adminKeys',
      'auth.signingKeys',
      'webhooks.endpoints',
    ])
  })

  it('types Config as deeply readonly with literal unions', () => {
    expectTypeOf<Config['storage']['durability']>().toEqualTypeOf<'fast' | 'safe'>()
    expectTypeOf<Config['logging']['level']>().toEqualTypeOf<
      'debug' | 'info' | 'warn' | 'error' | 'silent'
    >()
    expectTypeOf<Config['auth']['backendKeys']>().toEqualTypeOf<readonly string[]>()
    expectTypeOf<Config['server']>().toEqualTypeOf<{
      readonly host: string
      readonly port: number
      readonly corsOrigins: readonly string[]
      readonly workers: number | 'auto'
      readonly serverTiming: boolean
      readonly metrics: 'public' | 'admin' | 'off'
      readonly shutdownGraceMs: number
    }>()
  })
})
