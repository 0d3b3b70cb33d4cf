"""Questions about the document rather than its content: who spoke, when, at which meeting, in which
city or province. One table, read by the intent (such a question is ``meta``) and by the composer
that answers it from the speech's metadata."""

from __future__ import annotations

import re

ASKS_SPEAKER = re.compile(r"(?:讲话人|讲话者|发言人)(?:是谁|是哪位|叫什么)|谁(?:讲|作|发表)的|出自哪位|哪位(?:领导|书记|县长|市长|省长)"
                          r"|姓甚名谁|叫什么名字|是谁(?:讲|作|发表)|谁的讲话|是谁$|是谁[？?]")
ASKS_DATE = re.compile(r"哪一?天|哪一年(?:讲|召开|开)|日期|什么时候(?:讲|作|召开|开)|何时(?:讲|召开|开)|几月份?(?:开|召开|讲)")
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
