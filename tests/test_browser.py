"""End to end in a real browser: `policyqa serve` started by the test, Debian's chromium driven by Playwright.

It asks 「什么是五皮精神？」 in the chat, waits for the streamed answer and its
citation cards, and saves a screenshot to reports/screenshots/. The browser is
the system's (/usr/bin/chromium; `.ci/run` installs it) — nothing is downloaded.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.conftest import REPO, model_cache_dir
from tests.servers import start_server

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SCREENSHOTS = REPO / "reports" / "screenshots"
WUPI = ["硬着头皮", "厚着脸皮", "磨破嘴皮", "饿着肚皮", "踏破脚皮"]
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-sync",
                 "--disable-background-networking", "--disable-component-update", "--disable-dev-shm-usage"]


def _browser_or_skip():
    """CI sets POLICYQA_REQUIRE_BROWSER=1: there a missing browser fails instead of skipping."""
    missing = None
    if not Path(CHROMIUM).exists():
        missing = f"{CHROMIUM} is absent (apt-get install chromium)"
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            missing = "playwright is not installed (pip install -e '.[dev]')"
    if missing and os.environ.get("POLICYQA_REQUIRE_BROWSER") == "1":
        pytest.fail(missing)
    if missing:
        pytest.skip(missing)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """A fresh `policyqa serve`: it builds the default index first (real embedder), then serves."""
    _browser_or_skip()
    root = tmp_path_factory.mktemp("browser")
    env = {**os.environ, "POLICYQA_INDEX_DIR": str(root / "index"), "POLICYQA_CACHE_DIR": str(model_cache_dir()),
           "POLICYQA_LLM": "extractive", "GRADIO_ANALYTICS_ENABLED": "False"}
    env.pop("POLICYQA_API_TOKEN", None)
    running = start_server(root, env)
    yield running.url
    running.stop()


@pytest.fixture(scope="module")
def page(server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1100}, locale="zh-CN")
        page.set_default_timeout(120_000)
        page.goto(server)
        yield page
        browser.close()


def test_chat_answers_with_citation_cards(page):
    page.locator("#question textarea").fill("什么是五皮精神？")
    page.locator("#send").click()
    card = page.locator("#chat .citation-card").first
    card.wait_for()
    answer = page.locator("#chat .answer-text").last.inner_text()
    assert all(item in answer for item in WUPI), answer
    assert "000_00b9841ddb1ffabe.txt" in card.inner_text()
    assert "硬着头皮" in card.locator("mark").inner_text()
    assert "抽取式" in page.locator("#backend").inner_text()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "chat.png"), full_page=True)
    with page.expect_download() as download:
        page.locator("#export").click()
    markdown = Path(download.value.path()).read_text("utf-8")
    assert "什么是五皮精神？" in markdown and "000_00b9841ddb1ffabe.txt" in markdown and "> " in markdown


def test_a_citation_card_opens_the_speech_with_its_quote_marked_in_view(page):
    """After the chat test: its first card's 「查看原文」 opens the reading view in a new tab."""
    link = page.locator("#chat .citation-card a", has_text="查看原文").first
    with page.context.expect_page() as opened:
        link.click()
    reading = opened.value
    reading.wait_for_load_state()
    quote = reading.locator("mark#quote")
    assert "硬着头皮" in "".join(reading.locator("mark").all_inner_texts())
    box, viewport = quote.bounding_box(), reading.viewport_size
    assert box is not None and 0 <= box["y"] < viewport["height"]  # scrolled into view
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    reading.screenshot(path=str(SCREENSHOTS / "reading.png"))
    reading.close()


def test_a_bad_request_is_a_message_not_a_traceback(page):
    page.get_by_role("tab", name="资料库").click()
    page.get_by_role("button", name="导入并建立索引").click()
    page.get_by_text("请先选择要上传的文件").first.wait_for()
    assert "Traceback" not in page.content()
    page.get_by_role("tab", name="问答").click()


def test_library_upload_makes_a_speech_searchable_then_delete(page, tmp_path):
    speech = tmp_path / "秸秆讲话.txt"
    speech.write_text("在全县秸秆综合利用工作会议上的讲话\n县长 李明\n2024年6月1日\n同志们：\n"
                      "一、提高认识。秸秆综合利用要坚持“农用为主、五化并举”的原则。\n", encoding="utf-8")
    page.get_by_role("tab", name="资料库").click()
    page.locator("#upload input[type=file]").set_input_files(str(speech))
    page.get_by_role("button", name="导入并建立索引").click()
    page.locator("#library-message").get_by_text("导入完成").wait_for()
    page.locator("#speeches").get_by_text("秸秆讲话.txt").first.wait_for()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "library.png"), full_page=True)
    page.get_by_role("tab", name="问答").click()
    page.locator("#question textarea").fill("秸秆综合利用坚持什么原则？")
    page.locator("#send").click()
    page.locator("#chat .citation-card").get_by_text("秸秆讲话.txt").first.wait_for()
    page.get_by_role("tab", name="资料库").click()
    page.locator("#to-delete input").click()
    page.get_by_role("option", name="秸秆讲话.txt", exact=False).first.click()
    page.get_by_role("button", name="删除所选讲话").click()
    page.locator("#library-message").get_by_text("已删除").wait_for()
    assert "秸秆讲话.txt" not in page.locator("#speeches").inner_text()
