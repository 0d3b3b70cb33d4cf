"""What a law, regulation or notice states about itself: the date it takes effect (「自2024年7月1日起
施行」), the date it is repealed (「…同时废止」 does not date this one; 「本规定于…废止」 does), its
document number (「国办发〔2024〕12号」) and the body that issues it (「国务院办公厅关于…的通知」).
Each is found by an explicit rule in the cleaned text, with the span it comes from, or is None."""

from __future__ import annotations

import re

__all__ = ["DOCUMENT_FIELDS", "find_document_fields"]

DOCUMENT_FIELDS = ("effective", "repealed", "number", "issuer")
_DATE = r"(\d{4}|[〇零一二三四五六七八九]{4})\s*年\s*(\d{1,2}|[一二三四五六七八九十]{1,3})\s*月\s*(\d{1,2}|[一二三四五六七八九十]{1,3})\s*日"
_EFFECTIVE = re.compile(rf"(?:自|于)?{_DATE}起(?:施行|生效|实施|执行)")
_REPEALED = re.compile(rf"(?:本|该)(?:法|条例|办法|规定|细则|通知|决定)(?:自|于){_DATE}(?:起)?(?:废止|失效)")
_NUMBER = re.compile(r"[\u4e00-\u9fff]{1,8}[〔\[（(［【]\s*(?:19|20)\d{2}\s*[〕\]）)］】]\s*\d{1,4}\s*号")
_ISSUER = re.compile(r"^([\u4e00-\u9fff]{2,24}?(?:人民政府|办公厅|办公室|委员会|人民代表大会常务委员会|局|部|厅|委|院|署|会))关于")
_HEADER_CHARS = 400  # a document number stands at the head of the document


def find_document_fields(text: str, title: str | None, title_start: int | None) -> dict[str, tuple[str, int, int]]:
    """``{field: (value, start, end)}`` for the fields the text states (dates as ISO text)."""
    from vectorstore.speech.metadata import date_from_match

    found: dict[str, tuple[str, int, int]] = {}
    for name, pattern in (("effective", _EFFECTIVE), ("repealed", _REPEALED)):
        match = pattern.search(text)
        date = date_from_match(match) if match else None
        if date:
            found[name] = (date, match.start(), match.end())
    number = _NUMBER.search(text[:_HEADER_CHARS])
    if number:
        found["number"] = (re.sub(r"\s+", "", number.group()), number.start(), number.end())
    issuer = _ISSUER.match(title or "")
    if issuer and title_start is not None:
        found["issuer"] = (issuer.group(1), title_start + issuer.start(1), title_start + issuer.end(1))
    return found
