import { useState, type FormEvent } from 'react'

interface Props {
  onSend: (text: string) => Promise<void>
  /** Told as the user types (each keystroke) and stops (send, blur, empty box). */
  onTyping: (typing: boolean) => void
}

export function Composer({ onSend, onTyping }: Props) {
  const [text, setText] = useState('')
  async function submit(event: FormEvent) {
    event.preventDefault()
    const sent = text.trim()
    if (!sent) return
    setText('')
    onTyping(false)
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
        onChange={(e) => {
          setText(e.target.value)
          onTyping(e.target.value !== '')
        }}
        onBlur={() => onTyping(false)}
      />
      <button type="submit">Send</button>
    </form>
  )
}
