import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ConfigError } from './config-error.js'
import { loadConfig, type LoadConfigInput } from './load-config.js'

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'progressdb-config-'))
}

/** A temp dir holding `config.yaml` with the given text. */
function withYaml(text: string): string {
  const dir = tempDir()
  writeFileSync(join(dir, 'config.yaml'), text)
  return dir
}

function load(input: Partial<LoadConfigInput>) {
  return loadConfig({ argv: [], env: {}, cwd: tempDir(), ...input })
}

function loadError(input: Partial<LoadConfigInput>): ConfigError {
  try {
    load(input)
  } catch (err) {
    if (err instanceof ConfigError) return err
    throw err
  }
  throw new Error('expected loadConfig to throw a ConfigError')
}

describe('loadConfig', () => {
  it('returns the documented defaults', () => {
    const cwd = tempDir()
    const { config, warnings } = load({ cwd })
    expect(config.server).toEqual({
      host: '127.0.0.1',
      port: 8080,
      corsOrigins: [],
      workers: 1,
      serverTiming: false,
      metrics: 'public',
      shutdownGraceMs: 10000,
    })
    expect(config.storage).toEqual({
      engine: 'lmdb',
      dataDir: join(cwd, 'data'),
      durability: 'fast',
      flushIntervalMs: 100,
      journalSegmentBytes: 67108864,
    })
    expect(config.auth).toEqual({
      backendKeys: [],
      frontendKeys: [],
      adminKeys: [],
      signingKeys: [],
      signatureMaxTtlS: 2592000,
    })
    expect(config.limits.bodyMaxBytes).toBe(1048576)
    expect(config.limits.pageSizeDefault).toBe(50)
    expect(config.rateLimit).toEqual({
      userPerSecond: 200,
      userBurst: 400,
      keyPerSecond: 50000,
      keyBurst: 100000,
    })
    expect(config.logging.level).toBe('info')
    expect(warnings).toEqual([])
  })

  it('lets the YAML file override defaults, keeping defaults for keys it omits', () => {
    const cwd = withYaml('server:\n  port: 9000\nlogging:\n  level: debug\n')
    const { config } = load({ cwd, argv: ['--config', 'config.yaml'] })
    expect(config.server.port).toBe(9000)
    expect(config.server.host).toBe('127.0.0.1')
    expect(config.logging.level).toBe('debug')
  })

  it('finds the file through PROGRESSDB_CONFIG, and --config wins over it', () => {
    const cwd = withYaml('server:\n  port: 9000\n')
    writeFileSync(join(cwd, 'other.yaml'), 'server:\n  port: 9001\n')
    const env = { PROGRESSDB_CONFIG: 'config.yaml' }
    expect(load({ cwd, env }).config.server.port).toBe(9000)
    expect(load({ cwd, env, argv: ['--config', 'other.yaml'] }).config.server.port).toBe(9001)
  })

  it('lets env override YAML, and flags override env', () => {
    const cwd = withYaml('server:\n  port: 9000\n  host: 10.0.0.1\nstorage:\n  durability: fast\n')
    const env = {
      PROGRESSDB_CONFIG: 'config.yaml',
      PROGRESSDB_PORT: '9001',
      PROGRESSDB_DURABILITY: 'safe',
    }
    const fromEnv = load({ cwd, env }).config
    expect(fromEnv.server.port).toBe(9001)
    expect(fromEnv.server.host).toBe('10.0.0.1')
    expect(fromEnv.storage.durability).toBe('safe')
    const fromFlags = load({ cwd, env, argv: ['--port', '9002', '--durability', 'fast'] }).config
    expect(fromFlags.server.port).toBe(9002)
    expect(fromFlags.storage.durability).toBe('fast')
  })

  it('accepts --flag=value and --flag value alike', () => {
    const { config } = load({ argv: ['--port=0', '--host', '0.0.0.0', '--log-level=warn'] })
    expect(config.server.port).toBe(0)
    expect(config.server.host).toBe('0.0.0.0')
    expect(config.logging.level).toBe('warn')
  })

  it('splits comma lists from env, trimming and dropping empty entries', () => {
    const env = {
      PROGRESSDB_BACKEND_KEYS: ' sk_a , sk_b,,',
      PROGRESSDB_CORS_ORIGINS: 'https://a.example, *',
    }
    const { config } = load({ env })
    expect(config.auth.backendKeys).toEqual(['sk_a', 'sk_b'])
    expect(config.server.corsOrigins).toEqual(['https://a.example', '*'])
  })

  it('parses decimal rates from env', () => {
    const env = {
      PROGRESSDB_RATE_LIMIT_USER_PER_SECOND: '0.5',
      PROGRESSDB_RATE_LIMIT_KEY_PER_SECOND: '0',
    }
    const { config } = load({ env })
    expect(config.rateLimit.userPerSecond).toBe(0.5)
    expect(config.rateLimit.keyPerSecond).toBe(0)
  })

  it('treats an empty env var as unset', () => {
    expect(load({ env: { PROGRESSDB_PORT: '' } }).config.server.port).toBe(8080)
  })

  it('resolves dataDir against cwd', () => {
    const cwd = tempDir()
    expect(load({ cwd, argv: ['--data-dir', 'db'] }).config.storage.dataDir).toBe(join(cwd, 'db'))
    expect(load({ cwd, argv: ['--data-dir=/srv/db'] }).config.storage.dataDir).toBe('/srv/db')
  })

  it('returns a deeply frozen object', () => {
    const { config } = load({ env: { PROGRESSDB_ADMIN_KEYS: 'ak' } })
    expect(Object.isFrozen(config)).toBe(true)
    expect(Object.isFrozen(config.server)).toBe(true)
    expect(Object.isFrozen(config.auth.adminKeys)).toBe(true)
    expect(() => {
      ;(config.server as { port: number }).port = 1
    }).toThrow(TypeError)
    expect(() => (config.auth.adminKeys as string[]).push('x')).toThrow(TypeError)
  })

  it('warns about unknown PROGRESSDB_* env vars instead of failing', () => {
    const { config, warnings } = load({
      env: { PROGRESSDB_KEY: 'app-secret-value', PROGRESSDB_X: '1', HOME: '/root' },
    })
    expect(config.server.port).toBe(8080)
    expect(warnings).toEqual([
      'unknown environment variable PROGRESSDB_KEY is ignored',
      'unknown environment variable PROGRESSDB_X is ignored',
    ])
    expect(warnings.join('\n')).not.toContain('app-secret-value')
  })
})

describe('loadConfig errors', () => {
  it('rejects an unknown YAML key, naming its path and the file', () => {
    const cwd = withYaml('server:\n  prot: 9000\n')
    const err = loadError({ cwd, argv: ['--config', 'config.yaml'] })
    expect(err.problems).toHaveLength(1)
    expect(err.problems[0]?.path).toBe('server.prot')
    expect(err.problems[0]?.message).toContain(join(cwd, 'config.yaml'))
    expect(err.message).toContain('server.prot: unknown key')
  })

  it('rejects an unknown top-level section', () => {
    const cwd = withYaml('sever:\n  port: 9000\n')
    const err = loadError({ cwd, argv: ['--config', 'config.yaml'] })
    expect(err.problems.map((p) => p.path)).toEqual(['sever'])
  })

  it('reports every problem at once, from every source', () => {
    const cwd = withYaml('server:\n  port: "8080"\n  extra: 1\nstorage:\n  durability: sometimes\n')
    const err = loadError({
      cwd,
      argv: ['--config', 'config.yaml', '--log-level', 'loud', '--verbose'],
      env: { PROGRESSDB_BODY_MAX_BYTES: '0' },
    })
    expect(err.problems.map((p) => p.path).sort()).toEqual(
      [
        '--verbose',
        'limits.bodyMaxBytes',
        'logging.level',
        'server.extra',
        'server.port',
        'storage.durability',
      ].sort(),
    )
    for (const problem of err.problems) expect(err.message).toContain(`${problem.path}: `)
    expect(err.message).toContain("storage.durability: must be one of 'fast', 'safe'")
    expect(err.message).toContain(
      'limits.bodyMaxBytes: must be an integer between 1 and 67108864 (from PROGRESSDB_BODY_MAX_BYTES)',
    )
    expect(err.message).toContain(
      "logging.level: must be one of 'debug', 'info', 'warn', 'error', 'silent' (from --log-level)",
    )
  })

  it('reads a boolean from env as true or false, and names the env var that held anything else', () => {
    expect(load({ env: { PROGRESSDB_SERVER_TIMING: 'true' } }).config.server.serverTiming).toBe(true)
    expect(load({ env: { PROGRESSDB_SERVER_TIMING: ' false ' } }).config.server.serverTiming).toBe(false)
    expect(loadError({ env: { PROGRESSDB_SERVER_TIMING: 'yes' } }).problems).toEqual([
      { path: 'server.serverTiming', message: 'must be true or false (from PROGRESSDB_SERVER_TIMING)' },
    ])
  })

  it('names the env var that held a bad number', () => {
    const err = loadError({ env: { PROGRESSDB_PORT: '8080x' } })
    expect(err.problems).toEqual([
      {
        path: 'server.port',
        message: 'must be an integer between 0 and 65535 (from PROGRESSDB_PORT)',
      },
    ])
    expect(err.message).toContain(
      'server.port: must be an integer between 0 and 65535 (from PROGRESSDB_PORT)',
    )
  })

  it('rejects non-integers and out-of-range numbers from flags', () => {
    for (const port of ['80.5', '65536', '-1', '0x50', '1e3', '']) {
      const err = loadError({ argv: [`--port=${port}`] })
      expect(err.problems, port).toEqual([
        { path: 'server.port', message: 'must be an integer between 0 and 65535 (from --port)' },
      ])
    }
  })

  it('rejects a bad value in the file even when env overrides it', () => {
    const cwd = withYaml('server:\n  port: 70000\n')
    const err = loadError({ cwd, argv: ['--config', 'config.yaml'], env: { PROGRESSDB_PORT: '1' } })
    expect(err.problems.map((p) => p.path)).toEqual(['server.port'])
    expect(err.problems[0]?.message).toContain(`from file ${join(cwd, 'config.yaml')}`)
  })

  it('rejects unknown flags without echoing their values', () => {
    const err = loadError({ argv: ['--pot', 'sk_secret_1', '--key=sk_secret_2', 'sk_secret_3'] })
    expect(err.problems.map((p) => p.path)).toEqual(['--pot', '--key', 'argument 4'])
    expect(err.problems[0]?.message).toMatch(/^unknown flag/)
    expect(err.message).not.toMatch(/sk_secret/)
  })

  it('reports a flag without a value', () => {
    expect(loadError({ argv: ['--port'] }).problems).toEqual([
      { path: '--port', message: 'missing value' },
    ])
    expect(loadError({ argv: ['--config', '--port', '1'] }).problems).toEqual([
      { path: '--config', message: 'missing value' },
    ])
  })

  it('reports a missing config file by the source that named it', () => {
    const cwd = tempDir()
    const err = loadError({ cwd, env: { PROGRESSDB_CONFIG: 'nope.yaml' } })
    expect(err.problems).toEqual([
      {
        path: 'PROGRESSDB_CONFIG',
        message: `cannot read config file ${join(cwd, 'nope.yaml')} (ENOENT)`,
      },
    ])
  })

  it('reports invalid YAML by position without quoting the file', () => {
    const cwd = withYaml('auth:\n  backendKeys: [sk_live_secret\nserver: {\n')
    const err = loadError({ cwd, argv: ['--config', 'config.yaml'] })
    expect(err.problems.length).toBeGreaterThan(0)
    expect(err.message).toMatch(/invalid YAML at line \d+, column \d+/)
    expect(err.message).not.toContain('sk_live_secret')
  })

  it('never puts key values in error messages', () => {
    const cwd = withYaml(
      [
        'auth:',
        '  backendKeys: sk_live_backend_secret',
        '  frontendKeys: [pk_live_ok, 42]',
        '  adminKeys: {ak_live_admin_secret: 1}',
        '  sk_live_stray_secret: 1',
        '  signingKeys: [""]',
        '',
      ].join('\n'),
    )
    const err = loadError({
      cwd,
      argv: ['--config', 'config.yaml'],
      env: { PROGRESSDB_SIGNING_KEYS: 'sig_secret', PROGRESSDB_PORT: 'sk_env_secret' },
    })
    expect(err.problems.map((p) => p.path)).toEqual([
      'auth',
      'auth.backendKeys',
      'auth.frontendKeys',
      'auth.adminKeys',
      'auth.signingKeys',
      'server.port',
    ])
    expect(err.message).toContain('auth.backendKeys: must be a list of non-empty strings')
    expect(err.message).not.toMatch(/_secret|pk_live_ok|\b42\b/)
  })

  it('rejects pageSizeDefault above pageSizeMax, naming both sources', () => {
    const cwd = withYaml('limits:\n  pageSizeMax: 10\n')
    const err = loadError({ cwd, argv: ['--config', 'config.yaml'] })
    expect(err.problems).toEqual([
      {
        path: 'limits.pageSizeDefault',
        message: `must not exceed limits.pageSizeMax (from default; limits.pageSizeMax from file ${join(cwd, 'config.yaml')})`,
      },
    ])
  })
})

describe('auth relations', () => {
  it('rejects frontend keys without a signing key, naming the path but no key', () => {
    const load = () => loadConfig({ argv: [], env: { PROGRESSDB_FRONTEND_KEYS: 'fk-secret-1' }, cwd: '/tmp' })
    expect(load).toThrow(ConfigError)
    try {
      load()
    } catch (error) {
      expect((error as ConfigError).problems).toEqual([
        { path: 'auth.signingKeys', message: 'at least one is required when auth.frontendKeys are set' },
      ])
      expect((error as ConfigError).message).not.toContain('fk-secret-1')
    }
  })
})
