"""Client-side ids for creates, so a retried create can never make a duplicate."""

import secrets
import time

_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"  # Crockford base32, lower case, like the server


def new_id() -> str:
    """A ULID-shaped id: 10 characters of millisecond time, then 16 random ones (80 bits)."""
    ms = int(time.time() * 1000)
    head = ""
    for _ in range(10):
        head = _ALPHABET[ms % 32] + head
        ms //= 32
    tail = "".join(_ALPHABET[b % 32] for b in secrets.token_bytes(16))
    return head + tail
