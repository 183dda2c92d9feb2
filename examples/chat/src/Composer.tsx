import { useState, type FormEvent } from 'react'

export function Composer({ onSend }: { onSend: (text: string) => Promise<void> }) {
  const [text, setText] = useState('')
  async function submit(event: FormEvent) {
    event.preventDefault()
    const sent = text.trim()
    if (!sent) return
    setText('')
    // The message is already on screen (optimistic); on failure it is rolled back, and the
    // text comes back into the box so nothing typed is lost.
    await onSend(sent).catch(() => setText(sent))
  }
  return (
    <form className="composer" onSubmit={(e) => void submit(e)}>
      <input
        aria-label="Message"
        placeholder="Write a message"
        value={text}
        onChange={(e) => setText(e.target.value)}
      />
      <button type="submit">Send</button>
    </form>
  )
}
