"""policy-qa: answers about Chinese government speeches, with cited passages.

    from assistant import build_assistant
    a = build_assistant()
    ans = a.ask("什么是“四千精神”？", history=[])
"""

from __future__ import annotations


def build_assistant(settings=None, **parts):
    """Build the Assistant from settings (env ``POLICYQA_*`` and defaults); see assistant.factory."""
    from assistant.factory import build_assistant as build

    return build(settings, **parts)


__all__ = ["build_assistant"]
