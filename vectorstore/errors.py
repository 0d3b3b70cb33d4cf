"""The one exception tree of policy-qa.

Every error a user can cause or fix derives from :class:`PolicyQAError` and
carries a message that says what to do.  The edges (CLI, HTTP, UI) turn these
into messages; anything else is a bug and is logged as such.  A message sent to a client of the
server (HTTP, the web UI, /mcp) is :func:`public_message`: no server paths in it.
"""

import re


class PolicyQAError(Exception):
    """Base of every error policy-qa reports to a user."""


class InputError(PolicyQAError):
    """A file or request the user gave cannot be used (bad format, empty...)."""


class IndexMismatchError(PolicyQAError):
    """The index on disk was built by another embedding model or chunker."""


class ModelError(PolicyQAError):
    """A model (embedder or generator) could not be built or loaded."""


class ConfigError(PolicyQAError):
    """A setting has a value that cannot work."""


class NotFoundError(InputError):
    """The request names something (a speech id...) that is not in the index."""


class AuthError(PolicyQAError):
    """A request to the HTTP API without the configured token."""


class ForbiddenError(AuthError):
    """A key whose role or collections do not cover what was asked (HTTP 403)."""


class MissingToolError(InputError):
    """A file needs a command-line tool (antiword, tesseract...) that is not installed."""


class DiskFullError(PolicyQAError):
    """A write found no space left on the disk of a folder (the index or the upload folder)."""

    def __init__(self, folder, setting: str, needed: int | None = None, free: int | None = None) -> None:
        space = f" ({_mb(needed)} needed" + (f", {_mb(free)} free)" if free is not None else ")") if needed else ""
        self.folder, self.needed = folder, needed
        self.public = (f"no space left on the server's disk for its {_FOLDERS.get(setting, 'data')} folder{space}; "
                       "what was indexed before is kept: ask the server's administrator to free space there, "
                       "then send the request again")
        super().__init__(f"no space left on the disk of {folder}{space}; free space there (or point {setting} "
                         "elsewhere), then run it again: what was indexed before is kept")


class StoppingError(PolicyQAError):
    """The server is stopping: an ingest ends at its next batch (the index stays consistent)."""


_FOLDERS = {"POLICYQA_INDEX_DIR": "index", "POLICYQA_UPLOAD_DIR": "upload", "TMPDIR": "temporary"}
# An absolute path in a message (not a URL's //host/ nor an API path like /api/speeches):
# two or more parts, the first one not an API prefix.
_ABSOLUTE_PATH = re.compile(r"(?<![\w.:/~-])/(?!api/|v1/|docs\b|healthz\b|mcp\b|login\b)"
                            r"(?:[^\s/'\"()（）；;，,:]+/)+([^\s/'\"()（）；;，,:]*)")


def public_message(error: BaseException) -> str:
    """What a client of the server may read of an error: its ``public`` message if it has one, else
    its message with every absolute server path cut to its last part (the file's own name)."""
    public = getattr(error, "public", None)
    return public if isinstance(public, str) and public else without_paths(str(error))


def without_paths(text: str) -> str:
    """``text`` with absolute paths (``/srv/policyqa/uploads/讲话.pdf``) cut to their last part (``讲话.pdf``)."""
    return _ABSOLUTE_PATH.sub(lambda match: match.group(1) or "…", text)


def _mb(size: int) -> str:
    return f"{size / 2**20:.1f} MB"
