"""Questions about the document rather than its content: who spoke, when, at which meeting, in which
city or province. One table, read by the intent (such a question is ``meta``) and by the composer
that answers it from the speech's metadata."""

from __future__ import annotations

import re

# A who or when question asks about the document only when it points at the document (讲话, 讲话人,
# 这篇, 会议…): 「开幕式总导演是谁？」「开幕日期是什么时候？」 ask about what the text reports.
_THE_DOCUMENT = r"(?:讲话|发言|致辞|报告|讲稿|这篇|那篇|该文|会议|大会|会上)"
THE_DOCUMENT = re.compile(_THE_DOCUMENT)
ASKS_SPEAKER = re.compile(r"(?:讲话人|讲话者|发言人)(?:是谁|是哪位|叫什么)|谁(?:讲|作|发表)的|出自哪位|哪位(?:领导|书记|县长|市长|省长)"
                          r"|姓甚名谁|是谁(?:讲|作|发表)|谁的讲话"
                          r"|(?:讲话|发言|致辞|作报告|讲)(?:的|人|者)?[^，。？?]{0,6}(?:是谁|叫什么名字)")
ASKS_DATE = re.compile(rf"哪一?天(?:讲|召开|开的|开会|作|发表)|{_THE_DOCUMENT}的?(?:日期|哪天|哪一天)|哪一年(?:讲|召开|开)"
                       rf"|什么时候(?:讲|作|召开|开的|开会)|何时(?:讲|召开|开的|开会)|几月份?(?:开的|召开|讲)|是哪天(?:召开|开的|开会|讲)")
ASKS_MEETING = re.compile(r"哪次会议|什么会议上|哪个会|什么会上|在什么场合")
ASKS_ROLE = re.compile(r"什么职务|担任什么|什么身份")
ASKS_CITY = re.compile(r"哪座城市|哪个城市|哪一个城市|哪个市|什么城市|哪座城")
ASKS_PROVINCE = re.compile(r"哪个省|哪一个省|哪一省|什么省|哪个省份")
# what makes a question ``meta`` beside the intent's own forms (a date may be the content's: 「生效日期」)
ABOUT_THE_SPEAKER_OR_MEETING = re.compile("|".join(p.pattern for p in (ASKS_SPEAKER, ASKS_MEETING, ASKS_ROLE)))
FIELD_NAMES = {"speaker": "讲话人的姓名", "date": "讲话日期", "meeting": "会议名称", "speaker_role": "讲话人的职务"}


def asked_fields(question: str) -> tuple[str, ...]:
    asked = [(ASKS_SPEAKER, "speaker"), (ASKS_DATE, "date"), (ASKS_MEETING, "meeting"), (ASKS_ROLE, "speaker_role")]
    return tuple(name for pattern, name in asked if pattern.search(question))


def answered_by_metadata(question: str) -> bool:
    """The question asks what the metadata line states: who, when, which meeting, which city or province."""
    return bool(asked_fields(question) or ASKS_CITY.search(question) or ASKS_PROVINCE.search(question))
