"""Which documents the collection holds, read from their own metadata (documents and questions written
for these tests)."""

from __future__ import annotations

import json

import pytest

from assistant.understanding.intent import Intent, collection_topic, intent_of
from tests.fakes import assistant_with


def rule(region: str, title: str) -> dict:
    return {"id": title, "title": title, "date": "2021-05-01", "region": region, "speaker": None, "source": "test",
            "text": f"2021年5月1日 {region}人民代表大会常务委员会通过\n第一条 为了规范{title[:-2]}，制定本条例。\n第二条 本条例自公布之日起施行。"}


RECORDS = [rule("江南", "江南省河湖保护条例"), rule("江南/临川市", "临川市河湖保护条例"), rule("海东", "海东省河湖保护条例"),
           rule("海东", "海东省电梯安全条例")]
SPEECH = ("在全县河长制工作会议上的讲话\n同志们：\n今天召开河长制工作会议，部署河湖保护工作。\n"
          "一、压实河长责任。各级河长要定期巡河，发现问题及时交办。\n二、加强水质监测。各乡镇要按月报送监测数据。\n")


@pytest.fixture(scope="module")
def assistant(tmp_path_factory):
    records = "".join(json.dumps(record, ensure_ascii=False) + "\n" for record in RECORDS)
    return assistant_with(tmp_path_factory.mktemp("collection"), {"条例.jsonl": records, "河长讲话.txt": SPEECH})


@pytest.mark.parametrize("question, topic", [("收录了哪些省的河湖保护条例？", "河湖保护条例"),
                                             ("资料库里有几份电梯安全条例？", "电梯安全条例"),
                                             ("一共收录了几篇讲话？", "讲话")])
def test_a_question_about_the_collection_and_the_documents_it_means(question, topic):
    assert intent_of(question) is Intent.COLLECTION and collection_topic(question) == topic


def test_the_documents_of_a_topic_by_region_each_cited(assistant):
    answer = assistant.ask("收录了哪些省的河湖保护条例？")
    assert answer.grounded and answer.text.startswith("资料库中收录了3份“河湖保护条例”：来自江南、海东。")
    for title in ("江南省河湖保护条例", "临川市河湖保护条例", "海东省河湖保护条例"):
        assert f"《{title}》" in answer.text
    assert "电梯" not in answer.text and len(answer.citations) == 3


def test_a_speech_is_counted_as_one_though_its_title_does_not_say_so(assistant):
    answer = assistant.ask("一共收录了几篇讲话？")
    assert answer.text.startswith("资料库中收录了1份“讲话”") and "河长制工作会议" in answer.text


def test_a_kind_of_document_the_collection_lacks_is_no_answer(assistant):
    assert not assistant.ask("资料库里有几份消防安全条例？").grounded
