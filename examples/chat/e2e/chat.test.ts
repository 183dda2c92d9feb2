/**
 * The chat example end to end: the same Vite dev server as `npm run dev` (with its ProgressDB
 * server), driven in Debian's Chromium by Playwright. Sends, edits and deletes a message,
 * scrolls up to load older pages, checks the stored state through @progressdb/node, and saves
 * a screenshot to e2e/artifacts/.
 */
import fs from 'node:fs'
import path from 'node:path'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { skipWithoutChromium, startChatApp, type ChatApp } from './chat-app.js'

const artifacts = path.join(import.meta.dirname, 'artifacts')

describe.skipIf(skipWithoutChromium("the chat example's browser test"))(
  'examples/chat in Chromium',
  () => {
    let app: ChatApp
    let page: Page
    let db: ChatApp['db']
    /** Every failed response and console error, from the first request on. */
    const problems: string[] = []

    beforeAll(async () => {
      app = await startChatApp()
      db = app.db
      page = await app.browser.newPage({ viewport: { width: 1100, height: 760 } })
      page.on('response', (r) => {
        if (r.status() >= 400) problems.push(`${r.status()} ${r.request().method()} ${r.url()}`)
      })
      page.on('console', (m) => {
        if (m.type() === 'error') problems.push(`console: ${m.text()}`)
      })
      await page.goto(`${app.url}?user=alice`)
    }, 90_000)

    afterAll(async () => {
      await app?.close()
    })

    const articles = () => page.locator('.messages article')
    const byText = (text: string) => page.locator('.messages article', { hasText: text })

    it('shows the newest page of the most recent thread', async () => {
      await page.getByRole('button', { name: /Welcome/ }).click()
      await byText('Welcome message 80').waitFor()
      expect(await articles().count()).toBe(30)
      expect(await articles().first().getAttribute('data-id')).toBe('w51')
    })

    it('the Send button is disabled while the box is empty (or blank)', async () => {
      const sendButton = page.getByRole('button', { name: 'Send', exact: true })
      expect(await sendButton.isDisabled()).toBe(true)
      await page.getByLabel('Message').fill('   ')
      expect(await sendButton.isDisabled()).toBe(true)
      await page.getByLabel('Message').fill('x')
      expect(await sendButton.isDisabled()).toBe(false)
      await page.getByLabel('Message').fill('')
      expect(await sendButton.isDisabled()).toBe(true)
    })

    it('sends a message: shown at once, then stored', async () => {
      await page.getByLabel('Message').fill('Hello from Playwright')
      await page.getByLabel('Message').press('Enter')
      await page
        .locator('.messages article:not(.pending)', { hasText: 'Hello from Playwright' })
        .waitFor()
      const stored = await db.listThreadMessages('welcome', { limit: 1 }, 'alice')
      expect(stored.messages.map((m) => [m.author, m.body.text])).toEqual([
        ['alice', 'Hello from Playwright'],
      ])
    })

    it('an edit to empty text is refused, as an empty send is', async () => {
      await byText('Hello from Playwright').getByRole('button', { name: 'Edit' }).click()
      const edit = page.getByLabel('Edit message')
      await edit.fill('  ')
      expect(await page.getByRole('button', { name: 'Save' }).isDisabled()).toBe(true)
      await edit.press('Enter')
      expect(await edit.isVisible()).toBe(true) // still editing: nothing was saved
      await page.getByRole('button', { name: 'Cancel' }).click()
      const [last] = (await db.listThreadMessages('welcome', { limit: 1 }, 'alice')).messages
      expect([last?.body.text, last?.version]).toEqual(['Hello from Playwright', 1])
    })

    it('edits it: the new text and an "edited" mark; version 2 is stored', async () => {
      const mine = byText('Hello from Playwright')
      await mine.getByRole('button', { name: 'Edit' }).click()
      await page.getByLabel('Edit message').fill('Hello, edited')
      await page.getByRole('button', { name: 'Save' }).click()
      await expect
        .poll(async () => (await byText('Hello, edited').textContent()) ?? '')
        .toContain('· edited')
      const [last] = (await db.listThreadMessages('welcome', { limit: 1 }, 'alice')).messages
      expect([last?.body.text, last?.version]).toEqual(['Hello, edited', 2])
    })

    it('deletes it: gone from the screen and from the thread', async () => {
      await byText('Hello, edited').getByRole('button', { name: 'Delete' }).click()
      await byText('Hello, edited').waitFor({ state: 'detached' })
      const [last] = (await db.listThreadMessages('welcome', { limit: 1 }, 'alice')).messages
      expect(last?.id).toBe('w80')
    })

    it('scrolling up loads older pages and keeps the reading position', async () => {
      const list = page.getByTestId('messages')
      for (let page_ = 0; page_ < 3; page_++) {
        const countBefore = await articles().count()
        if (countBefore >= 80) break
        const firstId = await articles().first().getAttribute('data-id')
        await list.evaluate((el) => (el.scrollTop = 0))
        await expect
          .poll(() => articles().count(), { timeout: 10_000 })
          .toBeGreaterThan(countBefore)
        // The message that was at the top is still in view, not pushed a page down.
        const box = await page.locator(`[data-id="${firstId}"]`).boundingBox()
        const frame = await list.boundingBox()
        expect(box && frame && box.y >= frame.y - 5 && box.y < frame.y + frame.height).toBe(true)
        expect(await list.evaluate((el) => el.scrollTop)).toBeGreaterThan(300)
      }
      expect(await articles().count()).toBe(80)
      expect(await articles().first().getAttribute('data-id')).toBe('w1')
      await list.evaluate((el) => (el.scrollTop = 0))
      await page.getByText('Beginning of the conversation').waitFor()
      fs.mkdirSync(artifacts, { recursive: true })
      await page.screenshot({ path: path.join(artifacts, 'chat.png') })
      expect(fs.statSync(path.join(artifacts, 'chat.png')).size).toBeGreaterThan(1000)
    })

    it('nothing failed along the way: no 404 (the favicon is inline), no console error', async () => {
      expect(await page.locator('link[rel="icon"]').getAttribute('href')).toMatch(
        /^data:image\/svg\+xml,/,
      )
      // A page that is reloaded requests its icon again: it must not be missing either.
      await page.reload()
      await byText('Welcome message 80').waitFor()
      expect(problems).toEqual([])
    })
  },
)
