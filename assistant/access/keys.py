"""Keys with roles, kept in the index folder (``keys.json``) as salted scrypt hashes, never in clear.

A key reads ``pqa_<id>_<secret>``: the id finds its record, the secret is checked against the hash
in constant time. ``POLICYQA_API_TOKEN`` is one more admin key. A key checked once is remembered
for the life of the process by a keyed hash of it, so a request costs a dictionary lookup, not an
scrypt. Sessions (the web UI's cookie) hold the key's id and an HMAC of it under the store's own
secret: revoking a key ends its sessions.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import threading
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path

from assistant.access.rules import Role
from vectorstore.errors import InputError, NotFoundError

__all__ = ["KeyStore", "Principal"]

SCRYPT = {"n": 2 ** 14, "r": 8, "p": 1}
FILE = "keys.json"
TOKEN_ID = "token"  # the principal POLICYQA_API_TOKEN stands for
# A name no collection can have (names are checked words): a key granted only collections that do not
# exist yet sees this one, i.e. nothing (an empty set would mean "every collection").
NO_COLLECTION = "\x00none"


@dataclass(frozen=True)
class Principal:
    """Who a request comes from: the key's id and name, its role."""

    id: str
    name: str
    role: Role
    collections: frozenset[str] | None = None  # the collections the key may touch; None = all

    @classmethod
    def open(cls) -> "Principal":
        """No key configured: everything is open (one machine, as before keys existed)."""
        return cls("open", "open access", Role.ADMIN)

    def readable(self, asked=(), known=()) -> frozenset[str]:
        """The collections a request may read: those asked (none asked: all it may), within the key's
        grant; ForbiddenError naming one asked that the key is not granted."""
        from vectorstore.errors import ForbiddenError

        asked = frozenset(asked or ())
        if self.collections is None:
            return asked
        refused = sorted(asked - self.collections)
        if refused:
            raise ForbiddenError(f"this key may not read the collection {refused[0]!r}; it may read "
                                 f"{'、'.join(sorted(self.collections))}")
        return asked or (self.collections & frozenset(known)) or frozenset({NO_COLLECTION})

    def may_touch(self, collection: str) -> bool:
        return self.collections is None or collection in self.collections


@dataclass(frozen=True)
class KeyRecord:
    id: str
    name: str
    role: str
    salt: str
    hash: str
    created: str
    collections: list[str] | None = None  # None: all collections


class KeyStore:
    """The keys of one index folder, and POLICYQA_API_TOKEN as an admin key."""

    def __init__(self, folder: Path, token: str | None = None):
        self.path = Path(folder) / FILE
        self.token = token
        self._lock = threading.Lock()
        self._known: dict[bytes, Principal] = {}

    @property
    def configured(self) -> bool:
        """A token or at least one key exists: requests need a key."""
        return bool(self.token) or bool(self._load()["keys"])

    def add(self, role: str, name: str = "", collections: list[str] | None = None) -> tuple[str, KeyRecord]:
        """A new key: its text (shown once, never stored) and its record."""
        try:
            Role(role)
        except ValueError:
            raise InputError(f"a role is reader, editor or admin (got {role!r})") from None
        key_id, secret = secrets.token_hex(4), secrets.token_urlsafe(24)
        salt = secrets.token_bytes(16)
        record = KeyRecord(key_id, name or key_id, role, salt.hex(), _scrypt(secret, salt).hex(),
                           datetime.now(timezone.utc).isoformat(timespec="seconds"), sorted(collections) if collections else None)
        with self._lock:
            data = self._load()
            data["keys"].append(asdict(record))
            self._save(data)
        return f"pqa_{key_id}_{secret}", record

    def list(self) -> list[KeyRecord]:
        return [KeyRecord(**item) for item in self._load()["keys"]]

    def revoke(self, key_id: str) -> KeyRecord:
        with self._lock:
            data = self._load()
            found = [item for item in data["keys"] if item["id"] == key_id or item["name"] == key_id]
            if not found:
                raise NotFoundError(f"no key has the id or name {key_id!r}; list them with `policyqa keys list`")
            data["keys"] = [item for item in data["keys"] if item not in found]
            self._save(data)
            self._known.clear()
        return KeyRecord(**found[0])

    def principal(self, key: str) -> Principal | None:
        """Who a key is, or None for an unknown or wrong key."""
        if not key:
            return None
        remembered = hmac.new(self._secret(), key.encode(), hashlib.sha256).digest()
        if remembered in self._known:
            return self._known[remembered]
        found = self._check(key)
        if found is not None:
            self._known[remembered] = found
        return found

    def _check(self, key: str) -> Principal | None:
        if self.token and secrets.compare_digest(key.encode(), self.token.encode()):
            return Principal(TOKEN_ID, "POLICYQA_API_TOKEN", Role.ADMIN)
        _, key_id, secret = (key.split("_", 2) + ["", ""])[:3] if key.startswith("pqa_") else ("", "", "")
        record = next((r for r in self.list() if r.id == key_id), None)
        if record is None or not secret:
            return None
        if not secrets.compare_digest(_scrypt(secret, bytes.fromhex(record.salt)).hex(), record.hash):
            return None
        return _principal(record)

    def session(self, principal: Principal) -> str:
        """The cookie value of a logged-in principal: its id and an HMAC of it."""
        return f"{principal.id}.{hmac.new(self._secret(), principal.id.encode(), hashlib.sha256).hexdigest()}"

    def from_session(self, value: str) -> Principal | None:
        key_id, _, mac = value.partition(".")
        expected = hmac.new(self._secret(), key_id.encode(), hashlib.sha256).hexdigest()
        if not mac or not secrets.compare_digest(mac, expected):
            return None
        if key_id == TOKEN_ID:
            return Principal(TOKEN_ID, "POLICYQA_API_TOKEN", Role.ADMIN) if self.token else None
        record = next((r for r in self.list() if r.id == key_id), None)
        return _principal(record) if record else None

    def _secret(self) -> bytes:
        """The store's own secret (for session cookies and the remembered keys), made on first use;
        with only a token and no writable file, derived from the token."""
        data = self._load()
        if data.get("secret"):
            return bytes.fromhex(data["secret"])
        if self.token and not self.path.parent.exists():
            return hashlib.sha256(b"policyqa-session-v2" + self.token.encode()).digest()
        with self._lock:
            data = self._load()
            data.setdefault("secret", secrets.token_hex(32))
            self._save(data)
        return bytes.fromhex(data["secret"])

    def _load(self) -> dict:
        if not self.path.exists():
            return {"keys": []}
        return json.loads(self.path.read_text(encoding="utf-8"))

    def _save(self, data: dict) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_suffix(".tmp")
        temporary.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
        temporary.chmod(0o600)
        temporary.replace(self.path)


def _principal(record: KeyRecord) -> Principal:
    granted = frozenset(record.collections) if record.collections else None
    return Principal(record.id, record.name, Role(record.role), granted)


def _scrypt(secret: str, salt: bytes) -> bytes:
    return hashlib.scrypt(secret.encode(), salt=salt, **SCRYPT, dklen=32)
