export type QueryValue = string | number | boolean | undefined

/** A lone surrogate (half of a pair without its other half), or a whole pair. */
const SURROGATES = /[\uD800-\uDBFF][\uDC00-\uDFFF]|[\uD800-\uDFFF]/g
/** What `encodeURIComponent` leaves alone but the form encoding escapes, and the space. */
const FORM_DIFFERENCES = /[!'()~]|%20/g

/**
 * `?name=value&…` for the values that are not undefined, or '' when there are none: byte for
 * byte what `URLSearchParams#toString` gives (form encoding, space as `+`), built by hand
 * because React Native's `URLSearchParams` lacks `set` in several releases.
 *
 * @example queryString({ limit: 20, title: 'a b', before: undefined }) // '?limit=20&title=a+b'
 */
export function queryString(query: Record<string, QueryValue> | undefined): string {
  if (!query) return ''
  // By encoded name, as `set` does: two names that encode alike (two lone surrogates, both
  // sent as U+FFFD) are one parameter, at the first one's place with the last one's value.
  const pairs = new Map<string, string>()
  for (const [name, value] of Object.entries(query))
    if (value !== undefined) pairs.set(formEncode(name), formEncode(String(value)))
  const text = [...pairs].map(([name, value]) => `${name}=${value}`).join('&')
  return text ? `?${text}` : ''
}

function formEncode(text: string): string {
  // URLSearchParams sends a lone surrogate as U+FFFD; encodeURIComponent would throw.
  const wellFormed = text.replace(SURROGATES, (s) => (s.length === 2 ? s : '\uFFFD'))
  return encodeURIComponent(wellFormed).replace(FORM_DIFFERENCES, (c) =>
    c === '%20' ? '+' : `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  )
}
