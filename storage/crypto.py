"""Encryption at rest: AES-GCM with named keys, and a keyed patient lookup hash.

A ciphertext blob is ``b"\\x01" + len(key_id) + key_id + nonce(12) + AES-GCM(ciphertext+tag)``,
so every value says which key sealed it and rotation can run row by row. The associated
data binds a ciphertext to its row (a value copied into another row fails to open).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import re
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from storage.errors import KeyMissing, StoreError

FORMAT = 1
KEY_BYTES = 32
KEY_ID = re.compile(r"^[A-Za-z0-9_-]{1,32}$")


class DecryptError(StoreError):
    """A ciphertext could not be opened with the configured key of its id."""


@dataclass(frozen=True)
class Key:
    id: str
    secret: bytes

    def __repr__(self) -> str:  # never print key material
        return f"Key(id={self.id!r})"


def new_key() -> Key:
    """A fresh random 256-bit key with an id of the form k<date>-<random>."""
    stamp = datetime.now(UTC).strftime("%Y%m%d")
    return Key(f"k{stamp}-{secrets.token_hex(3)}", AESGCM.generate_key(bit_length=256))


def format_keys(keys: list[Key]) -> str:
    return ",".join(f"{k.id}:{base64.b64encode(k.secret).decode()}" for k in keys)


def parse_keys(text: str, source: str) -> list[Key]:
    """Keys from ``"id:base64,id2:base64"`` (commas or new lines; ``#`` starts a comment)."""
    keys: list[Key] = []
    for raw in re.split(r"[,\n]", "\n".join(line.split("#", 1)[0] for line in text.splitlines())):
        entry = raw.strip()
        if not entry:
            continue
        key_id, sep, b64 = entry.partition(":")
        key_id = key_id.strip()
        if not sep or not KEY_ID.match(key_id):
            raise KeyMissing(f"{source}: each key must be written id:base64, with an id of letters, "
                             "digits, '-' or '_' (at most 32)")
        try:
            secret = base64.b64decode(b64.strip(), validate=True)
        except (binascii.Error, ValueError):
            raise KeyMissing(f"{source}: key '{key_id}' is not valid base64") from None
        if len(secret) != KEY_BYTES:
            raise KeyMissing(f"{source}: key '{key_id}' must be {KEY_BYTES} bytes (256 bits), "
                             f"got {len(secret)}")
        if any(k.id == key_id for k in keys):
            raise KeyMissing(f"{source}: key id '{key_id}' appears twice")
        keys.append(Key(key_id, secret))
    return keys


class KeyRing:
    """The configured keys; the first one seals new data, all of them open old data."""

    def __init__(self, keys: list[Key], source: str) -> None:
        if not keys:
            raise KeyMissing(f"{source}: no key found")
        self.keys = {k.id: k for k in keys}
        self.current = keys[0]
        self.source = source

    def __repr__(self) -> str:
        return f"KeyRing(current={self.current.id!r}, ids={list(self.keys)!r}, source={self.source!r})"

    def seal(self, plaintext: bytes, context: str) -> bytes:
        key = self.current
        nonce = os.urandom(12)
        sealed = AESGCM(key.secret).encrypt(nonce, plaintext, context.encode())
        kid = key.id.encode()
        return bytes([FORMAT, len(kid)]) + kid + nonce + sealed

    def open(self, blob: bytes, context: str) -> bytes:
        key_id = blob_key_id(blob)
        key = self.keys.get(key_id)
        if key is None:
            raise KeyMissing(f"data is encrypted with key '{key_id}', which is not configured "
                             f"(keys from {self.source})")
        start = 2 + len(key_id.encode())
        nonce, sealed = blob[start:start + 12], blob[start + 12:]
        try:
            return AESGCM(key.secret).decrypt(nonce, sealed, context.encode())
        except InvalidTag:
            raise DecryptError(f"a value sealed with key '{key_id}' does not open: wrong key, "
                               "or the value was altered") from None

    def patient_keys(self, name: str, birth_date: str) -> list[str]:
        """The lookup hash of a patient under every configured key (current first)."""
        return [patient_key(k, name, birth_date) for k in self.keys.values()]


def blob_key_id(blob: bytes) -> str:
    if len(blob) < 2 or blob[0] != FORMAT:
        raise DecryptError("a stored value is not in a known encrypted format")
    return bytes(blob[2:2 + blob[1]]).decode()


def normal_name(name: str) -> str:
    """Name as compared for returning patients: NFC, case-folded, single spaces."""
    return " ".join(unicodedata.normalize("NFC", name).casefold().split())


def patient_key(key: Key, name: str, birth_date: str) -> str:
    """HMAC-SHA256 of the normalised name and birth date, under a key derived for this use only."""
    sub = hmac.new(key.secret, b"screener patient lookup v1", hashlib.sha256).digest()
    msg = f"{normal_name(name)}\x1f{birth_date.strip()}".encode()
    return f"{key.id}:{hmac.new(sub, msg, hashlib.sha256).hexdigest()}"
