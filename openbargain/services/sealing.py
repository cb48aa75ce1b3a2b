"""Sealing a secret vote's ballots while it is open, so the database alone never reveals them.

Each referendum has its own key, derived (HKDF-SHA256) from one of the app's ballot keys, which
live in the environment or the instance folder and never in the database. A ballot is sealed
with AES-256-GCM; the referendum and the sealed row's id are bound in as associated data, so a
blob cannot be moved to another vote or duplicated under another id. Whoever reads the database
or a dump of it during the vote sees who voted and opaque blobs: the transaction ids, physical
order and timing that join a voter to a row join them to nothing readable.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import os
from functools import lru_cache
from typing import Callable, Iterable, Iterator, Sequence, TypeVar

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app

from openbargain.services.errors import DomainError

NONCE_BYTES = 12
T = TypeVar("T")


class BallotKeyMissing(DomainError):
    """The key a vote was sealed under is not configured on this server: an operator's error,
    never a member's, so it says what to restore instead of failing anonymously."""

    status = 503
    title = "Ballot key missing"


class SealBroken(DomainError):
    """A sealed ballot does not open under its vote's key: the database was tampered with."""

    status = 500
    title = "Sealed ballot does not verify"


def key_id(key: bytes) -> str:
    """Names a ballot key without revealing it (kept on each referendum, shown to operators)."""
    return hashlib.sha256(b"openbargain-ballot-key-id/1:" + key).hexdigest()[:16]


def current_key_id() -> str:
    return key_id(current_app.config["BALLOT_KEYS"][0])


# Where a serialised payload ends: `,"tracker_hash":"<64 hex digits>"}` after `"roll_entry":null`.
_TRACKER_FIELD = b',"tracker_hash":"'
_TRACKER_TAIL = 64 + 2
_SECRET = b'"roll_entry":null'


def seal_for(seal_key_id: str, referendum_id: int) -> BallotSeal:
    """The vote's seal, derived once per process (per set of configured keys) rather than per
    ballot: deriving it was a tenth of a cast's CPU."""
    return _seal_for(tuple(current_app.config["BALLOT_KEYS"]), seal_key_id, referendum_id)


@lru_cache(maxsize=1024)
def _seal_for(keys: tuple[bytes, ...], seal_key_id: str, referendum_id: int) -> BallotSeal:
    return BallotSeal(seal_key_id, referendum_id, keys)


def _serialise(payload: dict) -> bytes:
    return json.dumps(payload, sort_keys=True, separators=(",", ":")).encode()


class BallotSeal:
    """One referendum's sealing key, derived once and used for all of its ballots."""

    def __init__(self, seal_key_id: str, referendum_id: int, keys: Sequence[bytes] | None = None) -> None:
        self.referendum_id = referendum_id
        for key in current_app.config["BALLOT_KEYS"] if keys is None else keys:
            if key_id(key) == seal_key_id:
                derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
                               info=f"openbargain-ballot-seal/1:referendum:{referendum_id}".encode()).derive(key)
                self._aead = AESGCM(derived)
                self._void = HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
                                  info=f"openbargain-void-key/1:referendum:{referendum_id}".encode()).derive(key)
                return
        raise BallotKeyMissing(f"This vote's ballots are sealed under ballot key {seal_key_id}, which this "
                               "server does not have. The operator must add it back to BALLOT_KEYS.")

    def void_key(self, tracker_code: str) -> str:
        """What finds a sealed ballot when its voter revotes: keyed by the vote's key, so that the
        database alone cannot match it to the tracker hash published on the board, nor a voided
        tracker to the sealed row (and the transaction) it came from."""
        return hmac.new(self._void, tracker_code.encode(), hashlib.sha256).hexdigest()

    def _associated(self, sealed_id: str) -> bytes:
        return f"referendum:{self.referendum_id}/sealed:{sealed_id}".encode()

    def seal(self, sealed_id: str, payload: dict, longest: dict) -> bytes:
        """Pads every ballot of a vote to the size of its `longest` possible payload, so that the
        length of a blob — which a reader can join to a voter — says nothing of its content."""
        nonce = os.urandom(NONCE_BYTES)
        plaintext = _serialise(payload)
        size = len(_serialise(longest))
        if len(plaintext) > size:
            raise ValueError("a ballot is longer than the longest one its vote allows")
        return nonce + self._aead.encrypt(nonce, plaintext.ljust(size), self._associated(sealed_id))

    def _decrypt(self, sealed_id: str, blob: bytes) -> bytes:
        try:
            return self._aead.decrypt(blob[:NONCE_BYTES], blob[NONCE_BYTES:], self._associated(sealed_id))
        except InvalidTag:
            raise SealBroken(f"Sealed ballot {sealed_id} of referendum {self.referendum_id} does not verify "
                             "under its key: it was altered, moved or forged in the database.")

    def open(self, sealed_id: str, blob: bytes) -> dict:
        return json.loads(self._decrypt(sealed_id, blob))

    def open_all(self, rows: Iterable[tuple[str, bytes]], prepare: Callable[[dict], T]) -> Iterator[tuple[T, str]]:
        """Opens many sealed ballots, yielding `prepare` of each one's payload (without its tracker
        hash) and the tracker hash. A secret vote's payloads differ only in the tracker, whose
        place is fixed by the serialisation (sorted keys, so last), so each distinct rest is parsed
        and prepared once: a million ballots repeat at most a few thousand contents."""
        prepared: dict[bytes, T] = {}
        for sealed_id, blob in rows:
            plaintext = self._decrypt(sealed_id, blob).rstrip(b" ")
            rest, marker, tracker = plaintext.rpartition(_TRACKER_FIELD)
            if not marker or len(tracker) != _TRACKER_TAIL or not rest.endswith(_SECRET):
                payload = json.loads(plaintext)  # a roll-call ballot names its roll entry: no two alike
                tracker_hash = payload.pop("tracker_hash")
                yield prepare(payload), tracker_hash
                continue
            known = prepared.get(rest)
            if known is None:
                known = prepared[rest] = prepare(json.loads(rest + b"}"))
            yield known, tracker[:-2].decode()
