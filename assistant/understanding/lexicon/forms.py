"""What the form of a question asks an answer to state, and whether a sentence states it: a figure
(in the unit asked for, not blanked out as XX), a time, a penalty."""

from __future__ import annotations

import re
from functools import lru_cache

CN_NUMERAL = "零〇一二三四五六七八九十百千万亿两"
# A figure: digits (not a blank such as XX亿元), 百分之…, or a Chinese numeral with what it counts.
NUMBER = re.compile(rf"(?<![XxＸ×\d.．])\d+(?:[.．]\d+)?(?![XxＸ×\d])|百分之[{CN_NUMERAL}]+"
                     rf"|(?<![第{CN_NUMERAL}])[{CN_NUMERAL}]{{2,}}(?:强|亩|元|人|个|家|户|倍|分钟|小时|天|日|年|周岁|万|亿|项|条)"
                     rf"|[{CN_NUMERAL}](?:个工作日|个月|周岁|倍|成|小时|分钟|天内|日内|周内|年内)|第[{CN_NUMERAL}]+(?:届|次|期|批|轮)")
ASKED_UNIT = re.compile(r"多少(亿元|万元|亿|万|元|亩|个|家|户|人|天|年|倍|届|座|项|%)")
WANTS_NUMBER = re.compile(r"多少|比例|百分之|几成|几倍|多长时间|多久|几年|几个月|多大规模|几届|几天|几个工作日|什么水平|什么幅度"
                           r"|(?<!哪)几点(?:钟|开|关|前|后|到|起|营业|上班)")
# A question about when / within what time (「备案时间有什么要求」) wants a sentence that states a time.
WANTS_TIME = re.compile(r"时间|期限|时限|什么时候|何时|多久|多长时间|几天|几日|哪一天")
TIME = re.compile(rf"[{CN_NUMERAL}\d]+(?:个)?(?:工作日|日|天|小时|分钟|个月|月|年)(?:内|前|后|以内|之内|起)"
                  rf"|(?:延长|延期|缩短|不超过|不得超过|最长|最多)[^，。；\d{CN_NUMERAL}]{{0,4}}[{CN_NUMERAL}\d]+(?:个)?(?:工作日|日|天|小时|个月|月|年)|年底前|年初|月底前|当日|即时|之日起|每年[^，。]{{0,8}}[月日]")
# A question about what happens to someone who breaks a rule wants the rule's penalty.
WANTS_PENALTY = re.compile(r"怎么处理|如何处理|怎么处罚|如何处罚|怎么罚|罚多少|什么处罚|什么责任|会被怎么|后果|受到什么")
PENALTY = re.compile(r"罚款|处以|责令|没收|吊销|警告|追究|处分")
# A question about a range (「设了一个怎样的区间」) wants a sentence that states one (「6%-6.5%」).
WANTS_RANGE = re.compile(r"区间|范围|上下限|浮动")
RANGE = re.compile(r"\d+(?:[.．]\d+)?[%％]?\s*[-－—~～至到]\s*\d+(?:[.．]\d+)?\s*[%％]")

UNIT_WORDS = {"天": "天|日|个工作日", "日": "日|天|个工作日", "人": "人|名", "个": "个|家|项|座|所", "家": "家|户|个"}


def has_figure(question: str, text: str) -> bool:
    """The sentence states a figure, and when the question asks for one in a unit (「多少亿元」),
    a figure in that unit that is not blanked out (「XXX亿元」 is no figure)."""
    if not NUMBER.search(text):
        return False
    unit = ASKED_UNIT.search(question)
    if unit is None:
        return True
    figure = rf"(?:(?<![XxＸ×\d])\d+(?:[.．]\d+)?|[{CN_NUMERAL}]+)\s*(?:[万亿千百多余几]\s*)?"
    units = UNIT_WORDS.get(unit.group(1), re.escape(unit.group(1)))
    return bool(re.search(f"{figure}(?:{units})", text))


def wants_number(question: str) -> bool:
    """The question asks how much / how many (its answer must state a figure)."""
    return bool(WANTS_NUMBER.search(question))


# A question about a zodiac year (「借哪个生肖年鼓劲」) wants the sentence naming one (「虎年要有新气象」).
WANTS_ZODIAC = re.compile(r"生肖年?|属相")
ZODIAC = re.compile(r"[鼠牛虎兔龙蛇马羊猴鸡狗猪]年")

FORMS = ((WANTS_TIME, TIME), (WANTS_PENALTY, PENALTY), (WANTS_RANGE, RANGE), (WANTS_ZODIAC, ZODIAC))


def forms_stated(question: str, text: str) -> tuple[str, ...]:
    """The question's words asking for a form (「区间」, 「备案时间」's 「时间」) that the sentence
    states (「6%-6.5%」, 「三十日前」): a sentence that states the form holds those words."""
    return tuple(word for word, form in asked_forms(question) if form.search(text))


@lru_cache(maxsize=4096)
def asked_forms(question: str) -> tuple[tuple[str, re.Pattern], ...]:
    """(word of the question, the form it asks for), read once per question (every sentence is checked against them)."""
    return tuple((match.group(0), form) for wants, form in FORMS for match in wants.finditer(question))


def asked_form(question: str) -> re.Pattern | None:
    """One pattern for the forms the question asks for (None when it asks for none)."""
    asked = [form.pattern for wants, form in FORMS if wants.search(question)]
    return re.compile("|".join(f"(?:{pattern})" for pattern in asked)) if asked else None
