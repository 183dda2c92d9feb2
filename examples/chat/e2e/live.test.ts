/**
 * The chat example live, end to end: two browser contexts (alice and bob, separate cookies
 * and sockets) in the same thread. What alice sends, edits, deletes or types appears on
 * bob's screen without a reload, and a streamed assistant reply grows on his screen and then
 * finalizes. Saves bob's screen mid-stream to e2e/artifacts/live-bob-streaming.png.
 */
import fs from 'node:fs'
import path from 'node:path'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ASSISTANT_REPLY } from '../src/assistant-reply.js'
import { skipWithoutChromium, startChatApp, type ChatApp } from './chat-app.js'

const artifacts = path.join(import.meta.dirname, 'artifacts')

describe.skipIf(skipWithoutChromium("the chat example's live browser test"))(
  'examples/chat live, two users in Chromium',
  () => {
    let app: ChatApp
    let alice: Page
    let bob: Page
    let bobLoads = 0

    const open = async (user: string) => {
      const context = await app.browser.newContext({ viewport: { width: 1000, height: 700 } })
      const page = await context.newPage()
      await page.goto(`${app.url}?user=${user}`)
      await page.getByRole('button', { name: /Welcome/ }).click()
      await page.locator('.messages article', { hasText: 'Welcome message 80' }).waitFor()
      return page
    }
    const article = (page: Page, text: string) =>
      page.locator('.messages article', { hasText: text })

    beforeAll(async () => {
      app = await startChatApp()
      alice = await open('alice')
      bob = await open('bob')
      // Counted from here on: nothing below may reload bob's page.
      bob.on('load', () => (bobLoads += 1))
    }, 90_000)

    afterAll(async () => {
      await app?.close()
    })

    it('each sees the other present', async () => {
      await bob.getByTestId('presence').filter({ hasText: 'Here now: alice' }).waitFor()
      await alice.getByTestId('presence').filter({ hasText: 'Here now: bob' }).waitFor()
    })

    it('what alice types shows as a typing indicator for bob, and clears when she sends', async () => {
      await alice.getByLabel('Message').pressSequentially('Live hel')
      await bob.getByTestId('typing').filter({ hasText: 'alice is typing…' }).waitFor()
      await alice.getByLabel('Message').pressSequentially('lo')
      await alice.getByLabel('Message').press('Enter')
      await expect.poll(() => bob.getByTestId('typing').textContent()).toBe('')
    })

    it('what alice sends appears for bob, stored', async () => {
      await article(bob, 'Live hello').waitFor()
      const [last] = (await app.db.listThreadMessages('welcome', { limit: 1 }, 'bob')).messages
      expect([last?.author, last?.body.text]).toEqual(['alice', 'Live hello'])
      expect(await article(bob, 'Live hello').getAttribute('class')).not.toContain('mine')
    })

    it('her edit appears for bob with the edited mark', async () => {
      await article(alice, 'Live hello').getByRole('button', { name: 'Edit' }).click()
      await alice.getByLabel('Edit message').fill('Live hello, edited')
      await alice.getByRole('button', { name: 'Save' }).click()
      await expect
        .poll(async () => (await article(bob, 'Live hello, edited').textContent()) ?? '', {
          timeout: 10_000,
        })
        .toContain('· edited')
    })

    it('her delete removes the message from bob’s screen', async () => {
      await article(alice, 'Live hello, edited').getByRole('button', { name: 'Delete' }).click()
      await article(bob, 'Live hello, edited').waitFor({ state: 'detached' })
      const [last] = (await app.db.listThreadMessages('welcome', { limit: 1 }, 'bob')).messages
      expect(last?.id).toBe('w80')
    })

    it('a streamed assistant reply grows on bob’s screen, then finalizes', async () => {
      await alice.getByRole('button', { name: 'Stream an assistant reply' }).click()
      const streaming = bob.locator('.messages article[data-status="streaming"]')
      await streaming.waitFor()
      // A partial text: more than nothing, less than the whole reply.
      const partial = await bob.waitForFunction((full) => {
        const text = document.querySelector('article[data-status="streaming"] .text')?.textContent
        return text && text.length > 0 && text !== full ? text : null
      }, ASSISTANT_REPLY)
      const partialText = (await partial.jsonValue()) as string
      expect(ASSISTANT_REPLY.startsWith(partialText)).toBe(true)
      expect(partialText.length).toBeLessThan(ASSISTANT_REPLY.length)
      expect(await streaming.textContent()).toContain('streaming…')
      fs.mkdirSync(artifacts, { recursive: true })
      await bob.screenshot({ path: path.join(artifacts, 'live-bob-streaming.png') })

      const final = bob.locator('.messages article[data-status="final"]', {
        hasText: ASSISTANT_REPLY,
      })
      await final.waitFor({ timeout: 20_000 })
      expect(await final.textContent()).not.toContain('streaming…')
      expect(await bob.locator('.messages article[data-status="streaming"]').count()).toBe(0)
      const [last] = (await app.db.listThreadMessages('welcome', { limit: 1 }, 'bob')).messages
      expect(last).toMatchObject({
        role: 'assistant',
        status: 'final',
        body: { text: ASSISTANT_REPLY },
      })
      expect(bobLoads).toBe(0)
    })

    it('another thread getting activity moves up with its unread count; the open one stays', async () => {
      // A page that has not picked a thread yet: it opened the most recent one by itself.
      const context = await app.browser.newContext({ viewport: { width: 1000, height: 700 } })
      const page = await context.newPage()
      await page.goto(`${app.url}?user=bob`)
      await page.locator('main h2', { hasText: 'Welcome' }).waitFor()
      await app.db.createThread({ id: 'side', title: 'Side' }, 'alice')
      await app.db.addParticipant('side', { user_id: 'bob', role: 'member' }, 'alice')
      await app.db.createThreadMessage(
        'side',
        { body: { text: 'over here' }, role: 'user' },
        'alice',
      )
      const threads = page.locator('nav.threads li button')
      await threads.first().filter({ hasText: 'Side' }).filter({ hasText: '1' }).waitFor()
      expect(await page.locator('main h2').textContent()).toBe('Welcome')
      expect(await threads.filter({ hasText: 'Welcome' }).getAttribute('class')).toBe('selected')
      expect(
        (await app.db.listThreads({}, 'bob')).threads.find((t) => t.id === 'side'),
      ).toMatchObject({ unread_count: 1 })
      await context.close()
    })
  },
)
