import { describe, expect, it } from 'vitest'
import { createDrainLoop } from './drain-loop.js'

const ticks = async (n: number) => {
  for (let i = 0; i < n; i++) await Promise.resolve()
}

describe('drain loop', () => {
  it('runs a drain after every pump, whenever in the previous drain the pump lands', async () => {
    for (let delay = 0; delay < 12; delay++) {
      let notified = 0
      let lastSeen = -1
      const pump = createDrainLoop(
        async () => {
          lastSeen = notified
          await Promise.resolve()
        },
        (error) => {
          throw error
        },
      )
      notified++
      pump()
      await ticks(delay)
      notified++
      pump()
      await ticks(50)
      expect({ delay, lastSeen }).toEqual({ delay, lastSeen: notified })
    }
  })
})
