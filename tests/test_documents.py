"""Documents that are not speeches: laws as plain text files, one-sentence records, news-like texts
(documents written for these tests)."""

from __future__ import annotations

import pytest

from vectorstore.speech.metadata import extract_metadata
from vectorstore.speech.model import document_kind
from tests.fakes import assistant_with

SECURITIES = """中华人民共和国证券服务法

（2020年6月1日第十三届全国人民代表大会常务委员会第十九次会议通过）

第一章　总则

第一条　为了规范证券服务活动，保护投资者的合法权益，制定本法。

第二条　本法所称证券服务机构，是指从事证券投资咨询、资信评级、财务顾问业务的机构。

第二章　服务机构

第三条　证券服务机构应当具备下列条件：
（一）有符合规定的注册资本；
（二）有符合条件的从业人员；
（三）有完善的内部控制制度。
不具备前款条件的，不得从事证券服务业务。

第四条　证券服务机构应当勤勉尽责，恪尽职守。
"""

PARTNERSHIP = """《合伙经营促进条例》
第一条　为了促进合伙经营，制定本条例。
第二条　合伙人应当订立书面合伙协议。
第三条　合伙经营者可以申请小额担保贷款，额度不超过五十万元。
第四条　本条例自2021年3月1日起施行。
"""

RECORD = "青山市第五届全民运动会于2025年9月12日在青山体育中心开幕。"
NEWS = """青山运动会筹备进展
青山市第五届全民运动会开幕式总导演由市歌舞剧院院长周明远担任。开幕式以“山水青山”为主题，共有三千名演员参演。
"""


@pytest.fixture(scope="module")
def assistant(tmp_path_factory):
    texts = {"证券服务法.txt": SECURITIES, "合伙条例.txt": PARTNERSHIP, "运动会开幕.txt": RECORD, "运动会筹备.txt": NEWS}
    return assistant_with(tmp_path_factory.mktemp("documents"), texts)


@pytest.mark.parametrize("title, kind", [
    ("中华人民共和国证券服务法", "law"), ("合伙经营促进条例（2021年修订）", "law"), ("2019年政府工作报告", "report"),
    ("关于进一步优化营商环境的通知", "notice"), ("在全县招商大会上的讲话", "speech"), ("青山运动会筹备进展", "other"),
])
def test_the_kind_of_a_document_is_read_from_its_title(title, kind):
    assert document_kind(title) == kind


def test_a_law_or_a_regulation_has_its_title_line_as_title():
    assert extract_metadata(SECURITIES).title == "中华人民共和国证券服务法"
    meta = extract_metadata(PARTNERSHIP)
    assert meta.title == "合伙经营促进条例" and PARTNERSHIP[slice(*meta.span("title"))] == "合伙经营促进条例"


@pytest.mark.parametrize("question", ["证券服务法第三条的内容是什么？", "《证券服务法》第三条是怎么规定的？",
                                      "中华人民共和国证券服务法第三条"])
def test_an_article_of_a_law_named_by_its_short_name_is_given_whole(assistant, question):
    answer = assistant.ask(question)
    for part in ("具备下列条件", "有符合规定的注册资本", "有完善的内部控制制度", "不具备前款条件的"):
        assert part in answer.text, answer.text
    assert all(c.speech_id == "证券服务法.txt" for c in answer.citations)


def test_the_same_article_number_of_another_law_is_not_given(assistant):
    answer = assistant.ask("合伙经营促进条例第三条是怎么规定的？")
    assert "小额担保贷款" in answer.text and "证券服务机构" not in answer.text


def test_a_one_sentence_record_is_indexed_and_answers(assistant):
    assert any(s.id == "运动会开幕.txt" for s in assistant.speeches())
    answer = assistant.ask("青山市第五届全民运动会是哪天开幕的？")
    assert answer.grounded and "2025年9月12日" in answer.text
    assert answer.text.count("青山体育中心") == 1


def test_who_in_the_content_is_not_the_speaker_of_the_document(assistant):
    answer = assistant.ask("青山市第五届全民运动会开幕式总导演是谁？")
    assert answer.intent != "meta" and "周明远" in answer.text


NOTICE = """南江县人民政府办公室关于规范涉企检查的通知
南政办发〔2024〕7号
各乡镇人民政府，县直各单位：
一、检查一律实行计划管理，未列入年度计划的，不得入企检查。
二、本通知自2024年7月1日起施行。
"""


def test_a_notice_states_its_number_issuer_and_effective_date_with_their_spans():
    meta = extract_metadata(NOTICE)
    assert (meta.kind, meta.issuer, meta.number, meta.effective) == ("notice", "南江县人民政府办公室", "南政办发〔2024〕7号", "2024-07-01")
    assert NOTICE[slice(*meta.span("number"))] == "南政办发〔2024〕7号"
    assert NOTICE[slice(*meta.span("effective"))] == "自2024年7月1日起施行"


def test_a_speech_without_those_fields_keeps_its_stored_form():
    meta = extract_metadata("在全县招商大会上的讲话\n同志们：\n今天召开大会，部署全年招商工作。\n")
    assert not {"effective", "repealed", "number", "issuer"} & set(meta.to_dict())


def test_the_speeches_list_says_the_kind_and_fields(assistant):
    listed = {s.id: s for s in assistant.speeches()}
    assert listed["证券服务法.txt"].kind == "law" and listed["合伙条例.txt"].effective == "2021-03-01"


def test_a_notice_is_found_by_its_document_number(tmp_path):
    other = NOTICE.replace("规范涉企检查", "做好防汛").replace("〔2024〕7号", "〔2024〕9号").replace("未列入年度计划的，不得入企检查", "汛期实行二十四小时值班")
    built = assistant_with(tmp_path, {"检查通知.txt": NOTICE, "防汛通知.txt": other})
    answer = built.ask("南政办发〔2024〕9号文件对值班有什么要求？")
    assert answer.grounded and answer.scope == ("防汛通知.txt",) and "二十四小时值班" in answer.text


def test_a_law_named_whole_is_not_its_implementing_rules(tmp_path):
    rules = ("中华人民共和国证券服务法实施细则\n第一条　根据证券服务法，制定本细则。\n"
             "第二条　证券服务机构的注册资本不少于五百万元。\n第三条　本细则自公布之日起施行。\n")
    built = assistant_with(tmp_path, {"证券服务法.txt": SECURITIES, "证券服务法实施细则.txt": rules})
    answer = built.ask("证券服务法第二条的内容是什么？")
    assert answer.grounded and all(c.speech_id == "证券服务法.txt" for c in answer.citations)
    detailed = built.ask("证券服务法实施细则第二条的内容是什么？")
    assert all(c.speech_id == "证券服务法实施细则.txt" for c in detailed.citations) and "五百万元" in detailed.text
