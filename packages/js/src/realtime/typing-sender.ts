/** Default interval at which a continuing "typing" is sent again (the server's lapse is 5 s). */
export const TYPING_RENEW_MS = 3000

/** See `createTypingSender`. */
export interface TypingSender {
  set(typing: boolean): void
  /** The connection was lost: the server forgot the indicator, so the next `set(true)` sends. */
  reset(): void
}

/**
 * Turns "the user is typing" calls (one per keystroke is fine) into few frames: `true` is
 * sent at once, then at most once per `renewMs` while the calls continue, which renews the
 * server's indicator before it lapses; `false` is sent only if `true` was. `send` returns
 * false when the frame could not go out (no socket), so it is tried again on the next call.
 */
export function createTypingSender(
  send: (typing: boolean) => boolean,
  renewMs: number = TYPING_RENEW_MS,
  now: () => number = Date.now,
): TypingSender {
  let sentAt: number | undefined
  return {
    set(typing) {
      if (!typing) {
        if (sentAt !== undefined && send(false)) sentAt = undefined
        return
      }
      const at = now()
      if (sentAt !== undefined && at - sentAt < renewMs) return
      if (send(true)) sentAt = at
    },
    reset() {
      sentAt = undefined
    },
  }
}
