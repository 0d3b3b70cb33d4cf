"""Who may do what: keys with roles (reader, editor, admin), the one rule every face asks, and the
audit log of changes. Nothing configured (no key, no POLICYQA_API_TOKEN): open access, as before."""

from assistant.access.audit import AuditLog
from assistant.access.keys import KeyStore, Principal
from assistant.access.rules import ROUTE_ACTIONS, Action, Role, action_for, checked_change, refusal_for, seen_by

__all__ = ["Action", "AuditLog", "KeyStore", "Principal", "ROUTE_ACTIONS", "Role", "action_for", "checked_change",
           "refusal_for", "seen_by"]
