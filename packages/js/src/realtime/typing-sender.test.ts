import { describe, expect, it } from 'vitest'
import { createTypingSender } from './typing-sender.js'

describe('typing sender', () => {
  const setup = (connected = { value: true }) => {
    let clock = 1000
    const sent: boolean[] = []
    const sender = createTypingSender(
      (typing) => connected.value && sent.push(typing) > 0,
      3000,
      () => clock,
    )
    return { sender, sent, tick: (ms: number) => (clock += ms), connected }
  }

  it('sends true at once, then renews at most once per interval while typing continues', () => {
    const { sender, sent, tick } = setup()
    sender.set(true)
    for (let i = 0; i < 10; i++) {
      tick(250)
      sender.set(true)
    }
    expect(sent).toEqual([true])
    tick(500) // 3000 ms after the first frame
    sender.set(true)
    expect(sent).toEqual([true, true])
  })

  it('sends false only after a true, once', () => {
    const { sender, sent } = setup()
    sender.set(false)
    expect(sent).toEqual([])
    sender.set(true)
    sender.set(false)
    sender.set(false)
    expect(sent).toEqual([true, false])
    sender.set(true) // typing again right away is sent again
    expect(sent).toEqual([true, false, true])
  })

  it('retries on the next call when nothing could be sent, and after a reset', () => {
    const { sender, sent, connected } = setup({ value: false })
    sender.set(true)
    expect(sent).toEqual([])
    connected.value = true
    sender.set(true)
    expect(sent).toEqual([true])
    sender.reset() // the server forgot: the next call sends even within the interval
    sender.set(true)
    expect(sent).toEqual([true, true])
  })
})
