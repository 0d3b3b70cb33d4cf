"""The one exception tree of policy-qa.

Every error a user can cause or fix derives from :class:`PolicyQAError` and
carries a message that says what to do.  The edges (CLI, HTTP, UI) turn these
into messages; anything else is a bug and is logged as such.
"""


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
