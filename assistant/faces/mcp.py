"""The MCP face: the assistant's read-only tools for desktop assistants and editors (Claude Desktop,
Cherry Studio, Cursor, Cline…), with the official SDK (``mcp``, its MCPServer, FastMCP's successor).

Tools: ``ask`` (a cited answer), ``search`` (passages), ``list_speeches``, ``get_outline`` and
``read_passage`` (a span and the section around it). Two transports: ``policyqa mcp`` (stdio: the
local user, every collection) and streamable HTTP at ``/mcp`` of the running server, behind the same
access gate and collection rule as ``/api`` (the key as ``Authorization: Bearer``). A refused or bad
call is a tool error with the same one-line message the other faces give.
"""

from __future__ import annotations

from mcp.server.mcpserver import Context, MCPServer
from mcp.server.mcpserver.exceptions import ToolError

from assistant.access import Principal, seen_by
from assistant.types import reading_link
from vectorstore.errors import PolicyQAError, public_message

__all__ = ["build_mcp_server"]

INSTRUCTIONS = ("policy-qa answers questions about Chinese government speeches and policy texts with cited "
                "passages. Use `ask` for an answer with its sources, `search` for passages, `list_speeches`, "
                "`get_outline` and `read_passage` to read a document. Quote the citations as they are.")
MAX_RESULTS = 20
MAX_PASSAGE_CHARS = 3000


def build_mcp_server(assistant) -> MCPServer:
    server = MCPServer(name="policy-qa", instructions=INSTRUCTIONS)

    @server.tool(description="Answer a question about the indexed speeches, with cited passages "
                             "(speech, speaker, date, section, quote, offsets, a link to read it).")
    def ask(question: str, ctx: Context, collections: list[str] | None = None,
            history: list[dict] | None = None) -> dict:
        return _run(lambda: answer_result(_seen(assistant, ctx, collections).ask(question, history or [])))

    @server.tool(description="Passages for a query, best first (snippets with their speech and offsets).")
    def search(query: str, ctx: Context, k: int = 5, collections: list[str] | None = None) -> list[dict]:
        found = _run(lambda: _seen(assistant, ctx, collections).search(query, k=max(1, min(k, MAX_RESULTS))))
        return [passage_result(p) for p in found]

    @server.tool(description="The indexed speeches: id, title, speaker, date, collection.")
    def list_speeches(ctx: Context, collections: list[str] | None = None) -> list[dict]:
        speeches = _run(lambda: _seen(assistant, ctx, collections).speeches())
        return [s.model_dump(include={"id", "title", "speaker", "speaker_role", "date", "meeting", "kind", "collection"})
                for s in speeches]

    @server.tool(description="A speech's outline: its headings as a tree with their offsets.")
    def get_outline(speech_id: str, ctx: Context) -> dict:
        return _run(lambda: _seen(assistant, ctx, None).outline(speech_id).model_dump())

    @server.tool(description="Read a span of a speech (start, end offsets from a citation) and the section around it.")
    def read_passage(speech_id: str, start: int, end: int, ctx: Context) -> dict:
        return _run(lambda: passage_around(_seen(assistant, ctx, None).speech_text(speech_id, (start, end))))

    return server


def _seen(assistant, ctx: Context, collections):
    """The assistant as the caller may see it: over HTTP the access gate's principal, over stdio the local user."""
    request = getattr(ctx.request_context, "request", None)
    scope = getattr(request, "scope", None) or {}
    principal = scope.get("state", {}).get("principal") or Principal.open()
    return seen_by(assistant, principal, collections or ())


def _run(call):
    try:
        return call()
    except PolicyQAError as error:
        raise ToolError(public_message(error)) from None


def answer_result(answer) -> dict:
    return {"answer": answer.text, "grounded": answer.grounded, "query": answer.query, "reason": answer.reason,
            "citations": [{"n": c.n, "speech_id": c.speech_id, "title": c.label, "speaker": c.speaker, "date": c.date,
                           "section": c.section, "pages": list(c.pages), "quote": c.quote,
                           "quote_start": c.quote_start, "quote_end": c.quote_end, "link": c.reading_link}
                          for c in answer.citations]}


def passage_result(passage) -> dict:
    return {"speech_id": passage.speech_id, "title": passage.title, "section": passage.section,
            "speaker": passage.speaker, "date": passage.date, "start": passage.start, "end": passage.end,
            "pages": list(passage.pages), "text": passage.text, "score": round(passage.score, 4),
            "link": reading_link(passage.speech_id, (passage.start, passage.end))}


def passage_around(view) -> dict:
    """The span asked and the innermost section holding it (cut to MAX_PASSAGE_CHARS around the span)."""
    start, end = view.at
    node = view.section_of(start)
    left, right = (node.start, node.end) if node else (start, end)
    if right - left > MAX_PASSAGE_CHARS:
        left, right = max(left, start - MAX_PASSAGE_CHARS // 2), min(right, end + MAX_PASSAGE_CHARS // 2)
    return {"speech_id": view.outline.speech.id, "title": view.outline.speech.title, "span": view.text[start:end],
            "section": node.heading if node else "", "section_start": left, "section_end": right,
            "section_text": view.text[left:right], "page": view.page_of(start),
            "link": reading_link(view.outline.speech.id, (start, end))}
