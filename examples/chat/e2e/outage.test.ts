/**
 * The chat example when ProgressDB cannot be reached, in Chromium: the page's WebSocket and
 * its message creates go through Playwright routes that can play an outage. A send whose
 * reply is lost (the server stored it; the answer never came) shows as "Not sent" with Retry
 * and Discard, never comes back into the box (sending it again would make a second copy),
 * and turns into the stored message once the live feed is back; a refused send puts the
 * text back with the error, as before.
 */
import type { Page, Route, WebSocketRoute } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { skipWithoutChromium, startChatApp, type ChatApp } from './chat-app.js'

const CREATE = /\/frontend\/v1\/threads\/[^/?]+\/messages$/

describe.skipIf(skipWithoutChromium("the chat example's outage browser test"))(
  'examples/chat while ProgressDB is unreachable, in Chromium',
  () => {
    let app: ChatApp
    let page: Page
    /** `lose`: creates reach the server but their answers are lost; `refuse`: nothing gets through. */
    let outage: 'lose' | 'refuse' | undefined
    /** The page's sockets; in an outage new ones open but stay silent. */
    const sockets: { page: WebSocketRoute; server?: WebSocketRoute }[] = []

    const startOutage = async (kind: 'lose' | 'refuse') => {
      outage = kind
      for (const s of sockets.splice(0)) {
        await s.server?.close()
        await s.page.close({ code: 1001, reason: 'outage' })
      }
    }
    const endOutage = async () => {
      outage = undefined
      for (const s of sockets.splice(0)) await s.page.close({ code: 1001, reason: 'back' })
    }

    beforeAll(async () => {
      app = await startChatApp()
      page = await app.browser.newPage({ viewport: { width: 1100, height: 760 } })
      await page.routeWebSocket(/\/frontend\/v1\/ws/, (ws) => {
        sockets.push(outage ? { page: ws } : { page: ws, server: ws.connectToServer() })
      })
      await page.route(CREATE, async (route: Route) => {
        if (route.request().method() !== 'POST' || !outage) return route.fallback()
        if (outage === 'lose') {
          await route.fetch() // stored by the server...
          outage = 'refuse' // ...and the connection drops; the retries find the server gone
          return route.abort('connectionreset')
        }
        return route.abort('connectionrefused')
      })
      await page.goto(`${app.url}?user=alice`)
      await page.getByRole('button', { name: /Welcome/ }).click()
      await page.locator('.messages article', { hasText: 'Welcome message 80' }).waitFor()
    }, 90_000)

    afterAll(async () => {
      await app?.close()
    })

    const box = () => page.getByLabel('Message', { exact: true })
    const send = async (text: string) => {
      await box().fill(text)
      await box().press('Enter')
    }
    const withText = (text: string) =>
      page.locator('.messages article').filter({ has: page.getByText(text, { exact: true }) })
    const storedCopies = async (text: string) =>
      (await app.db.listThreadMessages('welcome', { limit: 50 }, 'alice')).messages.filter(
        (m) => m.body.text === text,
      ).length

    it('a lost reply shows "Not sent", leaves the box empty, then becomes the stored message: one copy', async () => {
      await startOutage('lose')
      await send('Lost reply')
      const article = withText('Lost reply')
      await article.getByText('Not sent').waitFor({ timeout: 10_000 })
      expect(await article.textContent()).toContain('Not sent — Retry · Discard')
      expect(await box().inputValue()).toBe('')
      expect(await storedCopies('Lost reply')).toBe(1)
      await page.locator('main .error').waitFor()

      await endOutage() // the live feed's catch-up brings the stored message
      await page.locator('.messages article:not(.pending)', { hasText: 'Lost reply' }).waitFor({
        timeout: 15_000,
      })
      expect(await withText('Lost reply').count()).toBe(1)
      expect(await withText('Lost reply').textContent()).not.toContain('Not sent')
      // Back and live: the outage's error banner is gone without any action.
      await page.locator('main .error').waitFor({ state: 'detached', timeout: 10_000 })
      expect(await storedCopies('Lost reply')).toBe(1)
    })

    it('Retry sends it again with the same id: stored once', async () => {
      await startOutage('refuse')
      await send('Retry me')
      const article = withText('Retry me')
      await article.getByText('Not sent').waitFor({ timeout: 10_000 })
      const id = await article.getAttribute('data-id')
      await endOutage()
      await article.getByRole('button', { name: 'Retry' }).click()
      await page.locator('.messages article:not(.pending)', { hasText: 'Retry me' }).waitFor()
      expect(await withText('Retry me').count()).toBe(1)
      const stored = (await app.db.listThreadMessages('welcome', { limit: 50 }, 'alice')).messages
      expect(stored.filter((m) => m.body.text === 'Retry me').map((m) => m.id)).toEqual([id])
    })

    it('Discard drops it from the list', async () => {
      await startOutage('refuse')
      await send('Discard me')
      await withText('Discard me').getByText('Not sent').waitFor({ timeout: 10_000 })
      await withText('Discard me').getByRole('button', { name: 'Discard' }).click()
      await withText('Discard me').waitFor({ state: 'detached' })
      await endOutage()
      expect(await storedCopies('Discard me')).toBe(0)
    })

    it('a refused send (413) puts the text back in the box with the error', async () => {
      await page.route(
        CREATE,
        (route) =>
          route.fulfill({
            status: 413,
            contentType: 'application/json',
            body: JSON.stringify({
              error: 'The request body is too large.',
              code: 'PAYLOAD_TOO_LARGE',
              request_id: 'e2e',
            }),
          }),
        { times: 1 },
      )
      await send('Too big')
      await expect.poll(() => box().inputValue()).toBe('Too big')
      expect(await page.locator('main .error').textContent()).toBe('The request body is too large.')
      expect(await withText('Too big').count()).toBe(0)
    })
  },
)
