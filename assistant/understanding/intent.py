"""What a question asks (its intent) and what an answer must meet (its constraints), by patterns.

The patterns are about the *form* of a question (「第三部分」, 「哪几篇讲话」, 「主要讲了什么」),
never about what a particular speech says.
"""

from __future__ import annotations

import re
from enum import Enum

from assistant.understanding.lexicon.metadata import ABOUT_THE_SPEAKER_OR_MEETING, ASKS_DATE, THE_DOCUMENT
from vectorstore.text.numerals import numeral_value

_NUM = r"[一二三四五六七八九十两\d]{1,3}"


class Intent(str, Enum):
    COLLECTION = "collection"  # which documents the collection holds: 收录了哪些省的X条例, 资料库里有几份X
    META = "meta"  # who / when / which meeting / which city / what role
    OUTLINE = "outline"  # the parts of a section: 哪几个方面, 第三部分讲了什么, 下设哪几条
    ITEM = "item"  # the N-th item of a list: 第三点具体怎么说
    SUMMARY = "summary"  # 主要讲了什么, 概括
    CROSS = "cross"  # which speeches: 哪几篇讲话, 各自
    DEFINITION = "definition"  # 什么是X
    NUMBER = "number"  # 多少
    LIST = "list"  # 哪些
    MENTION = "mention"  # yes or no: 有没有提到X, 是否提及X, 提到X了吗
    FACT = "fact"


# 「收录了哪些省的优化营商环境条例」「资料库里有几份政府工作报告」: about the collection's documents
DOCUMENT_KINDS = r"条例|办法|规定|报告|讲话|决定|意见|通知|法律|法规|规划|文件|公报|决议"
_COLLECTION = re.compile(rf"(?:收录(?:了)?|(?:资料|文件|知识)库?(?:里|中)?(?:一共|总共|共)?(?:有|收)).{{0,24}}(?:{DOCUMENT_KINDS})"
                         rf"|(?:哪些|哪几个)(?:省|市|省份|城市|地方|地区)(?:的|出台了?|制定了?).{{0,20}}(?:{DOCUMENT_KINDS})"
                         rf"|(?:一共|总共|共)(?:有|收录了?)?(?:几|多少)(?:篇|份|部)")
_COLLECTION_FORM = re.compile(r"^.*?(?:收录(?:了)?|(?:资料|文件|知识)库?(?:里|中)?(?:一共|总共|共)?(?:有|收(?:录)?了?)"
                              r"|(?:一共|总共|共)(?:有|收录了?)?(?:几|多少)(?:篇|份|部))"
                              r"|(?:哪些|哪几个|哪几|几|多少)(?:省|市|省份|城市|地方|地区|篇|份|部)?(?:的|出台了?|制定了?)?|关于|[？?。]+$")
_CROSS = re.compile(r"哪些讲话|哪几篇|哪些篇|几篇讲话|哪篇讲话.{0,6}和|各自|分别(?:是)?怎么(?:说|讲|表述|规定|用)|有哪几次|都有哪些讲话")
_SUMMARY = re.compile(r"主要讲了|主要讲的|讲了哪些内容|主要内容|概括(?:一下|下|地)|(?:请|帮我|简要|简单)概括|(?:怎么|如何)概括|概括[这那该本]"
                      r"|总结一下|梗概|大意|要点是什么")
_SECTION = re.compile(rf"第{_NUM}(?:大|个)?部分|第{_NUM}大(?:点|方面|项)|[“\"「]{_NUM}[、.．][”\"」]|开头(?:的)?(?:那|一)?(?:一)?(?:大)?部分"
                      r"|(?:最后|收尾)(?:的)?(?:那)?(?:一|个)?(?:大)?(?:部分|方面|点)|标题")
_ITEM = re.compile(rf"第{_NUM}(?:点|条|项|个方面|个|位|句)|排(?:在)?第{_NUM}|(?:最后|末)一(?:点|条|项|个)")
_PARTS = re.compile(r"哪几(?:个)?(?:方面|部分|点|条|项|块|章|节|编)|(?:一共|总共|共|分了|分成|分为|讲了|有)几(?:个|大)?(?:方面|部分|块|章)|哪[一二三四五六七八九十两\d]+(?:个)?(?:方面|部分|点|条|项)|分(?:了|成|为)哪几|下设|下面分|包括哪几")
_META = re.compile(r"是谁|哪位|谁(?:讲|作|在|拍板|主持|传达|宣读|强调|做)|什么职务|职务|哪一天|哪天|什么时候|何时|哪一年|哪年"
                   r"|几月份?|哪次会议|什么会议|哪个会|哪座城市|哪个城市|哪个省|哪个市|哪个县|讲话人是|讲话者是|生肖")
# 「开幕式总导演是谁」「开幕日期是什么时候」: who or when of an event the text reports, not of the document
_EVENT = re.compile(r"开幕|闭幕|举办|举行|成立|建成|竣工|投产|开工|上市|出生|去世|当选|任命|签约|签订|颁布|公布|施行|生效|废止|总导演|负责人|董事长|院长|校长|主任")
# 「有没有提到X」「是否提及X」「提到X了吗」「提没提X」: is X in the speech (a yes or a no)
_MENTION = re.compile(r"有没有(?:提到|提及|讲到|谈到|说到|涉及|提)|是否(?:提到|提及|讲到|谈到|说到|涉及)|有无(?:提到|提及|涉及)"
                      r"|提没提|(?:提到|提及|讲到|谈到|说到|涉及)(?:了|过)?[^？?，,。]{1,24}(?:吗|没有|么)[？?]?$")
_DEFINITION = re.compile(r"什么是|是什么意思|指的是什么|是指什么|含义|什么叫")
_NUMBER = re.compile(r"多少|(?<!哪)几(?:个|条|届|亿|万|倍|成|年|天|日|分钟|小时|周岁|亩|人|座|家|所|项|次|批|名|辆|台|户|处|场)|比例|百分之|多长时间|多久|多大|什么水平|幅度")
_LIST = re.compile(r"哪些|哪几|有几|包括什么|包括哪")
_ORDINAL = re.compile(rf"第({_NUM})(?:大)?(?:点|条|项|个方面|个|位|部分|方面|句|篇)|排(?:在)?第({_NUM})|[“\"「]({_NUM})[、.．][”\"」]")
_LAST = re.compile(r"最后(?:的)?(?:那)?(?:一|个)?(?:大)?(?:点|条|项|个|部分|方面)|收尾(?:的)?(?:那)?(?:个)?(?:大)?(?:部分|方面)|最后一大")
_FIRST = re.compile(r"开头(?:的)?(?:那)?(?:一)?(?:大)?部分|第一大|开篇")


def part_and_item(text: str) -> tuple[int, int] | None:
    """「第二部分的第三条」: the top-level part a question names and the item it asks for inside it;
    None unless the question names both (「第二个部分」 alone names a part only)."""
    section = _SECTION.search(text)
    if section is None:
        return None
    item = next((m for m in _ITEM.finditer(text) if m.end() <= section.start() or m.start() >= section.end()), None)
    if item is None:
        return None
    part, ordinal = ordinal_of(section.group()), ordinal_of(item.group())
    return (part, ordinal) if part and ordinal else None


def intent_of(text: str) -> Intent:
    """The question's intent; the more specific forms win."""
    if _COLLECTION.search(text):
        return Intent.COLLECTION
    if part_and_item(text):
        return Intent.ITEM
    if _CROSS.search(text):
        return Intent.CROSS
    if _SUMMARY.search(text) and not _SECTION.search(text):
        return Intent.SUMMARY
    if _SECTION.search(text) or (_PARTS.search(text) and not _ITEM.search(text)):
        return Intent.OUTLINE
    if _ITEM.search(text):
        return Intent.ITEM
    if _MENTION.search(text) and not _NUMBER.search(text) and not _LIST.search(text):
        return Intent.MENTION
    if (_META.search(text) and points_at_the_document(text)) or ABOUT_THE_SPEAKER_OR_MEETING.search(text) \
            or ASKS_DATE.search(text):
        return Intent.META
    for pattern, intent in ((_DEFINITION, Intent.DEFINITION), (_NUMBER, Intent.NUMBER), (_LIST, Intent.LIST)):
        if pattern.search(text):
            return intent
    return Intent.META if _META.search(text) and not _EVENT.search(text) else Intent.FACT


def points_at_the_document(text: str) -> bool:
    """「讲话人」「这篇讲话」「那次会议」「会上」: a who/when question about the document itself."""
    return bool(THE_DOCUMENT.search(text))


def ordinal_of(text: str) -> int | None:
    """The ordinal a question names: 第三点 → 3, “二、” → 2, 最后一点 → -1, 开头部分 → 1."""
    match = _ORDINAL.search(text)
    if match:
        return numeral_value(next(group for group in match.groups() if group))
    if _LAST.search(text):
        return -1
    return 1 if _FIRST.search(text) else None


def asks_top_level(text: str) -> bool:
    """「第三部分」「“二、”」「第一大点」「最后一大部分」 name a top-level part of the speech."""
    return bool(_SECTION.search(text))


# 「三大任务」 counts, 「二十大报告」「十九大以来」 name a party congress
_COUNT = re.compile(rf"({_NUM})(?:个|点|条|项|大(?!报告|会|以来|精神|代表|召开|提出|决策)|句|种)")
_ORDINAL_WORDS = re.compile(rf"(?:其中)?(?:排(?:在)?)?第{_NUM}(?:大)?(?:点|条|项|个方面|个|位|部分|方面|句|篇)?|最后(?:一)?(?:点|条|项|个)?")


def stated_count(text: str) -> int | None:
    """How many parts the question says a list has: 「三点承诺」 → 3, 「7个抓」 → 7 (ordinals excluded)."""
    for match in _COUNT.finditer(text):
        if text[max(0, match.start() - 1):match.start()] != "第":
            return numeral_value(match.group(1))
    return None


def without_ordinals(text: str) -> str:
    """The question without its ordinal words (「排在第四位」), which no heading holds."""
    return _ORDINAL_WORDS.sub(" ", text)


_CROSS_FORM = re.compile(
    r"(?:各自|分别)(?:是)?(?:都)?(?:怎么|如何|怎样)(?:说|讲|表述|规定|用|要求|部署|提)的?|各(?:自)?提了(?:哪些|什么)(?:要求|措施|说法)?"
    r"|(?:有|的有|都有)?(?:哪些|哪几|几|这两|两)篇?(?:讲话|篇)(?:里|中)?(?:都)?|(?:提到|提出|讲到|谈到|引用了?|说到)(?:了)?|的说法"
    r"|(?:各自|分别)|[？?]")


_MENTION_TOPIC = re.compile(r"(?:提到|提及|讲到|谈到|说到|涉及|提没提|提)(?:了|过)?(?P<topic>[^？?。！!]+?)"
                            r"(?:的(?:内容|问题|事情|事|说法))?(?:了|过)?(?:吗|么|没有)?[？?。！!]*$")


def collection_topic(text: str) -> str:
    """The documents a question about the collection means: 「收录了哪些省的优化营商环境条例？」 → 优化营商环境条例."""
    return _COLLECTION_FORM.sub("", text).strip("，, 的") or text


def asks_by_region(text: str) -> bool:
    """「哪些省的…」「哪几个城市…」: the documents are wanted by where they come from."""
    return bool(re.search(r"(?:哪些|哪几个|哪几)(?:省|市|省份|城市|地方|地区)", text))


def mention_topic(text: str) -> str:
    """What a yes-or-no question asks the speech to mention: 「…有没有提到新能源汽车？」 → 新能源汽车,
    「…里提到营商环境了吗？」 → 营商环境."""
    match = _MENTION_TOPIC.search(text)
    topic = match.group("topic") if match else text
    return topic.strip("，,、 “”\"「」『』‘’") or text


def cross_topic(text: str) -> str:
    """What a question across speeches is about, without its form (「哪几篇讲话提到…？各自怎么说的？」)."""
    return re.sub(r"^[，,、\s]+|[，,、\s]+$", "", _CROSS_FORM.sub(" ", text)).strip() or text
