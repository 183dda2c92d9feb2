import { useState, type FormEvent } from 'react'

interface Props {
  /** Rejects when the message was refused (and rolled back), so the text should come back. */
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
    // The message is already on screen (optimistic). `onSend` rejects only when the server
    // refused it (it is then rolled back): the text comes back into the box so nothing typed
    // is lost. A send whose outcome is unknown stays on screen as "Not sent" instead.
    await onSend(sent).catch(() => setText((now) => (now === '' ? sent : now)))
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
      <button type="submit" disabled={text.trim() === ''}>
        Send
      </button>
    </form>
  )
}
