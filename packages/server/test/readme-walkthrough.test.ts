import { execFile, execFileSync } from 'node:child_process'
import { promisify } from 'node:util'
import fs from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestServer, type TestServer } from './harness.js'

const README = new URL('../../../README.md', import.meta.url)
const hasCurl = (() => {
  try {
    execFileSync('curl', ['--version'], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
})()
if (!hasCurl) {
  if (process.env.CI === 'true') throw new Error('curl is required for the README walkthrough test in CI')
  console.warn('\n*** SKIPPING the README curl walkthrough: curl is not installed ***\n')
}

/** Runs the README's curl walkthrough exactly as written, against a dev-mode server. */
describe.runIf(hasCurl)('README curl walkthrough', () => {
  let t: TestServer
  beforeAll(async () => {
    t = await startTestServer({ devKeys: true })
  })
  afterAll(async () => t.close())

  it('works when pasted as written', async () => {
    const blocks = [...fs.readFileSync(README, 'utf8').matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!)
    const walkthrough = blocks.find((b) => b.includes('BACKEND_KEY'))
    expect(walkthrough).toBeDefined()
    const script = walkthrough!
      .replaceAll('./data/', `${t.dataDir}/`)
      .replaceAll('http://localhost:8080', t.url)
    // One output per line, so each response can be checked; the script itself is unchanged.
    const prelude = 'set -euo pipefail\ncurl() { command curl --fail-with-body "$@"; echo; }\n'
    // Async: the server runs in this process, so a blocking exec would deadlock it.
    const { stdout: out } = await promisify(execFile)('bash', ['-c', prelude + script], { encoding: 'utf8' })
    const responses = out.trim().split('\n').map((line) => JSON.parse(line))
    const [created, listed, edited, versions, deleted, hidden, withDeleted, restored] = responses
    expect(responses).toHaveLength(8)
    expect(created.message).toMatchObject({ id: 'm1', thread: 'welcome', author: 'alice', version: 1 })
    expect(listed.messages.map((m: { id: string }) => m.id)).toEqual(['m1'])
    expect(edited.message).toMatchObject({ version: 2, body: { text: 'Hello, world!' } })
    expect(versions.versions.map((v: { body: unknown }) => v.body)).toEqual([{ text: 'Hello!' }, { text: 'Hello, world!' }])
    expect(deleted.message.deleted).toBe(true)
    expect(hidden.messages).toEqual([])
    expect(withDeleted.messages).toMatchObject([{ id: 'm1', deleted: true }])
    expect(restored.message).toMatchObject({ id: 'm1', deleted: false, version: 2 })
  })
})
