"""Everyday words and the policy-text words that say the same thing.

Users ask in plain words (「经济增速」, 「和企业打交道」, 「不允许」, 「年轻人」) what the texts
say in their own register (「国内生产总值增长」, 「与市场主体交往」, 「禁止」, 「青年」). A
sentence that holds the policy word holds the user's word. The groups are general vocabulary of
Chinese government writing, not phrases of any one text; each group's words are interchangeable
in a question about these texts.
"""

from __future__ import annotations

import re
from functools import lru_cache

_LATIN = re.compile(r"[A-Za-z]")

GROUPS: tuple[tuple[str, ...], ...] = (
    ("经济增速", "经济增长", "国内生产总值增长", "生产总值增长", "GDP增长", "GDP增速"),
    ("GDP", "国内生产总值", "地区生产总值", "生产总值"),
    ("物价", "居民消费价格", "CPI", "价格总水平"),
    ("企业", "市场主体", "经营主体"),
    ("新冒出", "新开办", "新登记", "新设立", "新注册", "新增"),
    ("打交道", "交往", "往来"),
    ("不允许", "不准", "不得", "禁止", "严禁"),
    ("公职人员", "工作人员", "公务人员", "国家工作人员"),
    ("年轻人", "青年"),
    ("老年人", "老人", "老龄"),
    ("老百姓", "群众", "居民", "人民群众"),
    ("农民", "农村居民", "农民群众"),
    ("调低", "下调", "略低", "略微调低", "降低"),
    ("调高", "上调", "提高"),
    ("花钱", "支出", "开支"),
    ("钱", "资金", "经费"),
    ("贷款", "信贷", "融资"),
    ("外资", "外商投资", "外商"),
    ("外国人", "外籍人员", "境外人员"),
    ("看病", "就医", "医疗"),
    ("上学", "就学", "入学", "教育"),
    ("房子", "住房", "房屋"),
    ("工作岗位", "就业岗位", "就业"),
    ("失业", "待业"),
    ("网上", "线上", "互联网", "网络"),
    ("办事", "办理", "政务服务"),
    ("手续", "审批", "程序"),
    ("罚", "罚款", "处罚", "处以"),
    ("开会", "会议"),
    ("主要负责人", "一把手", "主要领导"),
    ("外出", "在外", "出去"),
    ("载体", "平台"),
    ("地区", "区域"),
    ("主阵地", "主战场", "主平台"),
    ("补贴", "补助", "奖补", "奖励"),
    ("小企业", "小微企业", "中小企业"),
    ("污染", "排放", "排污"),
    ("环保", "生态环境保护", "环境保护"),
    ("年龄", "周岁"),
    ("报备", "备案"),
    ("举报", "投诉"),
    ("残疾人", "残障人士"),
    ("孩子", "儿童", "未成年人"),
)


@lru_cache(maxsize=4096)
def aliases(question: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """(word of the question, the words of its group that state it) for each group word the
    question holds. A group's first word is the everyday one and a word with Latin letters
    (「GDP」) an informal one: a text states the others, so only they answer for a question's
    word (「经济增速」 by 「国内生产总值增长」; 「地区生产总值」 not by a 「GDP」 someone wrote)."""
    found = []
    for group in GROUPS:
        formal = tuple(word for word in group[1:] if not _LATIN.search(word))
        for word in group:
            if word in question:
                found.append((word, tuple(other for other in formal if other != word)))
    return tuple(found)


def held_aliases(question: str, sentence: str) -> tuple[str, ...]:
    """The question's words that the sentence states in other words of their group."""
    return tuple(word for word, others in aliases(question) if word not in sentence and any(o in sentence for o in others))
