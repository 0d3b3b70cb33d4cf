"""HTML pages (``.html .htm``): the visible text, one block per line, and the page title as a hint."""

from __future__ import annotations

import re
from pathlib import Path

from vectorstore.readers.base import ReadContext, document, nonblank
from vectorstore.readers.decoding import decode_text, normalise_text
from vectorstore.speech.types import RawDocument

_HTML_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_DROP = ("script", "style", "noscript", "template", "nav", "header", "footer", "head", "title")
_BLOCKS = (
    "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl", "dt", "dd",
    "table", "tr", "blockquote", "pre", "section", "article", "main", "aside", "address",
    "figure", "figcaption", "hr", "form", "fieldset", "center", "body",
)


def read(data: bytes, path: Path, context: ReadContext) -> list[RawDocument]:
    text, meta = html_text(data)
    return [document(path, text, meta)]


def html_text(data: bytes) -> tuple[str, dict]:
    """Visible text of an HTML page, one block per line, and its ``title_hint``."""
    match = _HTML_CHARSET.search(data[:4096])
    declared = match.group(1).decode("ascii", "ignore") if match else None
    soup = _soup(normalise_text(decode_text(data, declared)))
    title = " ".join(soup.title.get_text().split()) if soup.title else ""
    for tag in soup.find_all(_DROP):
        if not tag.decomposed:
            tag.decompose()
    _collapse_whitespace(soup)
    _mark_blocks(soup)
    lines = (line.strip(" ") for line in soup.get_text().split("\n"))
    text = "\n".join(line for line in lines if line.strip())
    meta = {"title_hint": title} if title else {}
    return nonblank(text, "HTML page has no visible text"), meta


def _soup(markup: str):
    """BeautifulSoup with lxml when installed, else the stdlib parser."""
    from bs4 import BeautifulSoup

    try:
        return BeautifulSoup(markup, "lxml")
    except Exception:  # bs4.FeatureNotFound when lxml is missing
        return BeautifulSoup(markup, "html.parser")


def _collapse_whitespace(soup) -> None:
    """HTML rendering rules: source whitespace runs are one space (not in <pre>)."""
    from bs4 import Comment, NavigableString

    for node in list(soup.find_all(string=True)):
        if isinstance(node, Comment):
            node.extract()
        elif type(node) is NavigableString and not node.find_parent(["pre", "textarea"]):
            collapsed = re.sub(r"[ \t\n\r\f]+", " ", str(node))
            collapsed = re.sub(r"(?<=[\u3000-\u9fff\uff00-\uffef]) (?=[\u3000-\u9fff\uff00-\uffef])", "", collapsed)
            node.replace_with(collapsed)


def _mark_blocks(soup) -> None:
    """Put line breaks around block elements and at <br>, tabs between table cells."""
    for tag in soup.find_all("br"):
        tag.replace_with("\n")
    for tag in soup.find_all(["td", "th"]):
        if tag.find_next_sibling(["td", "th"]):
            tag.insert_after("\t")
    for tag in soup.find_all(_BLOCKS):
        tag.insert_before("\n")
        tag.insert_after("\n")
