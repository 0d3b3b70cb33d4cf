"""6. In a real browser: speech text is never HTML — not in the streamed answer, not in the cards,
not in the question echoed back — and, with a token, the browser logs in before it sees anything."""

from __future__ import annotations

import httpx
import pytest

from tests.security.conftest import TOKEN
from tests.test_browser import CHROMIUM, CHROMIUM_ARGS, _browser_or_skip

PROBE = "/xss-probe.png"
MARKUP_SPEECH = ("在全县网络安全宣传周启动仪式上的讲话\n同志们：\n"
                 f"一、本届网络安全宣传周的主题是<b>共建网络安全</b>，<img src={PROBE} onerror=\"window.__xss=1\">"
                 "人人都是网络安全的守护者。\n二、各单位要开展网络安全知识进机关、进校园活动。\n")
WATCH_MARKUP = """() => {
  window.__markup = [];
  new MutationObserver(() => {
    for (const el of document.querySelectorAll('#chat b, #chat img[src*="xss-probe"]')) window.__markup.push(el.outerHTML);
  }).observe(document.body, {subtree: true, childList: true, characterData: true});
}"""


@pytest.fixture(scope="module")
def browser():
    _browser_or_skip()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


def new_page(browser, url: str):
    page = browser.new_page(viewport={"width": 1300, "height": 1000}, locale="zh-CN")
    page.set_default_timeout(60_000)
    page.goto(url)
    return page


def test_speech_markup_is_shown_as_text_while_streaming_and_after(browser, open_server):
    uploaded = httpx.post(open_server.url + "/api/speeches", timeout=60,
                          files={"files": ("网络安全讲话.txt", MARKUP_SPEECH.encode(), "text/plain")})
    assert uploaded.status_code == 200, uploaded.text
    page = new_page(browser, open_server.url)
    probes = []
    page.on("request", lambda request: probes.append(request.url) if "xss-probe" in request.url else None)
    page.locator("#question textarea").wait_for()
    page.evaluate(WATCH_MARKUP)
    page.locator("#question textarea").fill("网络安全宣传周的主题是<b>什么</b>？")
    page.locator("#send").click()
    page.locator("#chat .citation-card").first.wait_for()
    page.wait_for_timeout(500)
    answer = page.locator("#chat").inner_text()
    assert "<b>共建网络安全</b>" in answer and "<img" in answer  # shown as the text it is
    assert page.evaluate("window.__markup") == [] and page.evaluate("window.__xss === undefined")
    assert probes == []
    page.close()


def test_with_a_token_the_browser_logs_in_first(browser, guarded_server):
    page = new_page(browser, guarded_server.url)
    assert "/login" in page.url and page.locator("#chat").count() == 0
    page.locator("#token").fill(TOKEN)
    page.locator("#login").click()
    page.locator("#question textarea").fill("什么是四千精神？")
    page.locator("#send").click()
    page.locator("#chat .citation-card").first.wait_for()
    assert "千方百计" in page.locator("#chat").inner_text()
    page.close()
