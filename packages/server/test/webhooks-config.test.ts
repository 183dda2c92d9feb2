import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { ConfigError } from '../src/config/config-error.js'
import { loadConfig } from '../src/config/load-config.js'
import { startTestServer } from './harness.js'

const dirs: string[] = []
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true })
})

function load(yaml: string) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pdb-webhook-config-'))
  dirs.push(dir)
  fs.writeFileSync(path.join(dir, 'c.yaml'), yaml)
  return () => loadConfig({ argv: ['--config', 'c.yaml'], env: {}, cwd: dir })
}

function problemsOf(run: () => unknown): ConfigError {
  let caught: unknown
  try {
    run()
  } catch (error) {
    caught = error
  }
  expect(caught).toBeInstanceOf(ConfigError)
  return caught as ConfigError
}

/** `webhooks` in the config file: endpoints and retry settings. */
describe('webhooks config', () => {
  it('loads endpoints and settings from YAML', () => {
    const { config } = load(
      [
        'webhooks:',
        '  maxAgeMs: 60000',
        '  endpoints:',
        '    - id: billing',
        '      url: https://billing.example.com/in',
        "      events: ['message.created', 'thread.deleted']",
        '      secret: 0123456789abcdef-secret',
      ].join('\n'),
    )()
    expect(config.webhooks.maxAgeMs).toBe(60000)
    expect(config.webhooks.initialDelayMs).toBe(1000)
    expect(config.webhooks.endpoints).toEqual([
      {
        id: 'billing',
        url: 'https://billing.example.com/in',
        events: ['message.created', 'thread.deleted'],
        secret: '0123456789abcdef-secret',
      },
    ])
  })

  it.each([
    [
      'a non-http URL',
      "url: ftp://x.example.com, events: ['*'], secret: 0123456789abcdef-secret",
      'webhooks.endpoints[0].url',
      'must be a string matching',
    ],
    [
      'an unknown event type',
      "url: https://x.example.com, events: ['message.exploded'], secret: 0123456789abcdef-secret",
      'webhooks.endpoints[0].events[0]',
      "must be one of 'thread.created'",
    ],
    [
      'a short secret',
      "url: https://x.example.com, events: ['*'], secret: short-secret-9",
      'webhooks.endpoints[0].secret',
      'must be a string of 16-256 characters',
    ],
    ['a missing secret', "url: https://x.example.com, events: ['*']", 'webhooks.endpoints[0].secret', 'is required'],
    [
      'an unknown field',
      "url: https://x.example.com, events: ['*'], secret: 0123456789abcdef-secret, retries: 3",
      'webhooks.endpoints[0].retries',
      'is not a known key',
    ],
  ])('rejects an endpoint with %s at its own path, without echoing the secret', (_name, fields, path, words) => {
    const error = problemsOf(load(`webhooks:\n  endpoints:\n    - {id: hook, ${fields}}\n`))
    expect(error.problems).toEqual([
      expect.objectContaining({ path, message: expect.stringContaining(words) as unknown }),
    ])
    expect(error.message).not.toContain('0123456789abcdef-secret')
    expect(error.message).not.toContain('short-secret-9')
  })

  it('rejects retry settings below their minimums', () => {
    const error = problemsOf(
      load('webhooks:\n  initialDelayMs: 0\n  timeoutMs: 5\n  concurrency: 0\n'),
    )
    expect(error.problems.map((p) => p.path).sort()).toEqual([
      'webhooks.concurrency',
      'webhooks.initialDelayMs',
      'webhooks.timeoutMs',
    ])
  })

  it('refuses to start with two config endpoints of one id', async () => {
    const endpoint =
      "{id: twice, url: 'https://x.example.com', events: ['*'], secret: 0123456789abcdef-secret}"
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pdb-webhook-config-'))
    dirs.push(dataDir)
    await expect(
      startTestServer({
        dataDir,
        yaml: `webhooks:\n  endpoints:\n    - ${endpoint}\n    - ${endpoint}\n`,
      }),
    ).rejects.toThrow('webhooks.endpoints: the id twice is used twice')
  })
})
