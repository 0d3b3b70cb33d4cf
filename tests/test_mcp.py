"""The MCP face through the official SDK's client: over stdio (`policyqa mcp` in a subprocess) and over
streamable HTTP at /mcp of a real `policyqa serve` with keys (the seeds, the hashing embedder)."""

from __future__ import annotations

import asyncio
import json
import os
import sys

import pytest

from assistant.access import KeyStore
from tests.security.conftest import server_env
from tests.servers import start_server

TOOLS = {"ask", "search", "list_speeches", "get_outline", "read_passage"}
WUPI = "硬着头皮"


def result_of(call) -> dict | list:
    """A tool's result: its structured content, else the JSON of its text."""
    if call.structured_content is not None:
        return call.structured_content.get("result", call.structured_content)
    return json.loads(call.content[0].text)


async def exercise(session) -> dict:
    """List the tools and call each once, with one bad argument; what came back, by tool."""
    seen = {"tools": {tool.name for tool in (await session.list_tools()).tools}}
    seen["ask"] = result_of(await session.call_tool("ask", {"question": "什么是五皮精神？"}))
    seen["search"] = result_of(await session.call_tool("search", {"query": "五皮精神", "k": 3}))
    seen["list"] = result_of(await session.call_tool("list_speeches", {}))
    citation = seen["ask"]["citations"][0]
    seen["outline"] = result_of(await session.call_tool("get_outline", {"speech_id": citation["speech_id"]}))
    seen["read"] = result_of(await session.call_tool("read_passage", {
        "speech_id": citation["speech_id"], "start": citation["quote_start"], "end": citation["quote_end"]}))
    seen["bad"] = await session.call_tool("get_outline", {"speech_id": "no-such-speech.txt"})
    return seen


def check(seen: dict) -> None:
    assert seen["tools"] == TOOLS
    assert seen["ask"]["grounded"] and WUPI in seen["ask"]["answer"]
    assert seen["ask"]["citations"][0]["link"].startswith("/read?speech=")
    assert seen["search"] and all(len(p["text"]) < 2000 for p in seen["search"])
    assert len(seen["list"]) >= 5 and seen["outline"]["nodes"]
    assert seen["read"]["span"] == seen["ask"]["citations"][0]["quote"] and WUPI in seen["read"]["section_text"]
    assert seen["bad"].is_error and "no indexed speech" in seen["bad"].content[0].text


def test_over_stdio(tmp_path):
    from mcp.client.client import Client
    from mcp.client.stdio import StdioServerParameters

    env = server_env(tmp_path)
    params = StdioServerParameters(command=sys.executable, args=["-m", "assistant.faces.cli", "mcp"], env=env,
                                   cwd=os.getcwd())

    async def run():
        async with Client(params, read_timeout_seconds=240) as client:
            return await exercise(client)

    check(asyncio.run(run()))


@pytest.fixture(scope="module")
def keyed_server(tmp_path_factory):
    root = tmp_path_factory.mktemp("mcp-http")
    keys = KeyStore(root / "index")
    issued = {"reader": keys.add("reader", "读者")[0], "other": keys.add("reader", "别的库", ["别的库"])[0]}
    server = start_server(root, server_env(root), seconds=180)
    yield server, issued
    server.stop()


def over_http(url: str, key: str | None, work):
    import httpx2
    from mcp.client.session import ClientSession
    from mcp.client.streamable_http import streamable_http_client

    async def run():
        headers = {"Authorization": f"Bearer {key}"} if key else {}
        async with httpx2.AsyncClient(headers=headers, timeout=120) as http:
            async with streamable_http_client(url + "/mcp", http_client=http) as streams:
                async with ClientSession(streams[0], streams[1]) as session:
                    await session.initialize()
                    return await work(session)

    return asyncio.run(run())


def test_over_http_with_a_key(keyed_server):
    server, issued = keyed_server
    check(over_http(server.url, issued["reader"], exercise))


def test_over_http_without_a_key_or_with_a_wrong_one_nothing_is_served(keyed_server):
    import httpx

    server, _ = keyed_server
    for headers in ({}, {"Authorization": "Bearer pqa_nope_nope"}):
        response = httpx.post(server.url + "/mcp", headers={**headers, "Accept": "application/json, text/event-stream"},
                              json={"jsonrpc": "2.0", "id": 1, "method": "tools/list"}, timeout=30)
        assert response.status_code == 401


def test_over_http_a_key_of_another_collection_gets_nothing_of_this_one(keyed_server):
    server, issued = keyed_server

    async def work(session):
        asked = result_of(await session.call_tool("ask", {"question": "什么是五皮精神？"}))
        listed = result_of(await session.call_tool("list_speeches", {}))
        return asked, listed

    asked, listed = over_http(server.url, issued["other"], work)
    assert not asked["grounded"] and WUPI not in json.dumps(asked, ensure_ascii=False) and listed == []
