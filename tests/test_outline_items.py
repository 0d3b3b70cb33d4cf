"""An item asked inside a named part is counted in that part, in order, whatever numbers the items bear
(compilations number them twice or skip): 「第二部分的第三条」, 「“X”下面的第一条」 (speech and questions
written for these tests)."""

from __future__ import annotations

import pytest

from assistant.understanding.intent import Intent, intent_of, part_and_item
from tests.fakes import assistant_with

TEXT = "各地要抓好落实，主要负责同志亲自过问，确保见到实效。"
SPEECH = f"""在西岭市文旅融合推进会上的讲话
同志们：
第一个，抓景区提升。
第一条，要改造旅游厕所。{TEXT}
第二条，要完善停车设施。{TEXT}
第三条，要提升导览标识。{TEXT}
第二个，抓业态创新。
第二条，要发展夜间经济。{TEXT}
第三条，要培育研学旅行。{TEXT}
第三条，要打造演艺项目。{TEXT}
"""


@pytest.mark.parametrize("question, both", [("第二部分的第三条讲了什么？", (2, 3)), ("第一部分第二条是什么", (1, 2)),
                                            ("第二个部分讲了什么？", None), ("第三条讲了什么？", None)])
def test_a_part_and_an_item_named_together(question, both):
    assert part_and_item(question) == both
    assert intent_of(question) is (Intent.ITEM if both else intent_of(question))


@pytest.fixture(scope="module")
def assistant(tmp_path_factory):
    return assistant_with(tmp_path_factory.mktemp("items"), {"西岭讲话.txt": SPEECH})


@pytest.mark.parametrize("question, said, not_said", [
    ("文旅融合推进会讲话第二部分的第三条讲了什么？", "打造演艺项目", "培育研学旅行"),
    ("文旅融合推进会讲话第一部分的第二条是什么？", "完善停车设施", "发展夜间经济"),
    ("文旅融合推进会讲话“抓业态创新”下面的第一条是什么？", "发展夜间经济", "改造旅游厕所"),
])
def test_the_item_is_counted_in_order_inside_the_part_named(assistant, question, said, not_said):
    answer = assistant.ask(question)
    assert answer.grounded and said in answer.text and not_said not in answer.text
