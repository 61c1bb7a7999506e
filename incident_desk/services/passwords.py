"""Password hashes: scrypt from the standard library (memory-hard), salted, compared in constant time."""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import os

# 2**14 x 8 x 128 bytes = 16 MiB per hash and ~50 ms here: dear for a guesser, cheap for one sign-in.
N, R, P = 2**14, 8, 1
SALT_BYTES, KEY_BYTES = 16, 32
SCHEME = "scrypt"
MIN_LENGTH, MAX_LENGTH = 8, 1024


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _derive(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(password.encode("utf-8", "surrogatepass"), salt=salt, n=n, r=r, p=p,
                          maxmem=2 * 128 * n * r * p + 1024 * 1024, dklen=KEY_BYTES)


def hash_password(password: str) -> str:
    """'scrypt$n$r$p$salt$key' (base64): the parameters travel with the hash, so they can grow later."""
    salt = os.urandom(SALT_BYTES)
    return f"{SCHEME}${N}${R}${P}${_b64(salt)}${_b64(_derive(password, salt, N, R, P))}"


def verify_password(password: str, stored: str | None) -> bool:
    """True when ``password`` matches ``stored``; False for any other stored value (none, damaged)."""
    try:
        scheme, n, r, p, salt, key = (stored or "").split("$")
        if scheme != SCHEME:
            return False
        n_i, r_i, p_i = int(n), int(r), int(p)
        if not (2 <= n_i <= 2**20 and 1 <= r_i <= 32 and 1 <= p_i <= 16):
            return False  # a hash written by hand must not make us allocate gigabytes
        expected = base64.b64decode(key, validate=True)
        actual = _derive(password, base64.b64decode(salt, validate=True), n_i, r_i, p_i)
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(actual, expected)


@functools.cache
def dummy_hash() -> str:
    """Checked against for an unknown name too, so a wrong name and a wrong password take the same
    time (made on first use: a single-user desk never pays for it)."""
    return hash_password("not a password anyone has")


def password_problem(password: str | None) -> str | None:
    """Why ``password`` cannot be a new password, or None when it can."""
    if not password:
        return "The password is empty."
    if len(password) < MIN_LENGTH:
        return f"A password needs at least {MIN_LENGTH} characters."
    if len(password) > MAX_LENGTH:
        return f"A password may have at most {MAX_LENGTH} characters."
    return None
