"""The topics of knowledge/out_of_scope.yaml: what a question asks decides, and a passage that states it keeps it
answered (no index needed: the passages are given)."""

from __future__ import annotations

import shutil

import pytest

from assistant.errors import BadInput
from assistant.retrieval.scope import SCOPE_FILE, load_topics, load_values, outside_scope, unstated_value
from tests.conftest import REPO

KNOWLEDGE = REPO / "knowledge"
RULES = ["获证后自认证日期起每6个月进行一次监督审核；证书有效期3年。", "认证实施流程首先由企业自愿申请,提交相关资料。"]


@pytest.mark.parametrize(("question", "topic"), [
    ("认证费用大概多少钱？", "fees"),
    ("Who pays the auditors' travel expenses?", "fees"),
    ("多久能拿证？", "durations"),
    ("现场审核一般持续几天？", "durations"),
    ("How long does it take to get certified?", "durations"),
    ("认证机构需要经过CNAS认可吗？", "bodies"),
    ("ISO 27001证书多久能拿到？", "standards"),
    ("3C认证和这个认证有什么关系？", "standards"),
    ("CMMI三级要准备什么？", "standards"),
    ("GB/T 27922 五星级怎么评？", "standards"),
    ("售后工程师加班费怎么算？", "hr"),
    ("售后服务收入的增值税税率是多少？", "tax"),
    ("投标文件里的售后服务方案怎么写？", "tenders"),
    # Kinds added in session 5, in wordings written for these tests (not from evals/).
    ("认证审核的时候要不要包审核老师的食宿？", "fees"),
    ("审核报告一般多少个工作日出具？", "durations"),
    ("从递交材料到现场审核要排队多久？", "durations"),
    ("How many weeks until the certification body replies to our application?", "durations"),
    ("香港的认证公司发的证内地能用吗？", "bodies"),
    ("Is a certificate issued by a foreign certification body recognised here?", "bodies"),
    ("新招的维修技师试用期工资能打几折？", "hr"),
    ("What is the probation period for new service engineers?", "hr"),
    ("拿到认证以后，地方政府会给多少奖补资金？", "subsidies"),
    ("有没有针对服务业企业的扶持政策？", "subsidies"),
    ("Does the government give subsidies to certified companies?", "subsidies"),
    ("证书上的企业名称变了要怎么变更？", "certificate_use"),
    ("Can we verify online whether a certificate is genuine?", "certificate_use"),
    # Kinds added in session 8 (how far ahead, choosing a body, hiring, the law in general words, writing tasks
    # and product recommendations), in wordings written for these tests (not from evals/).
    ("证书到期之前要提前几个月准备？", "durations"),
    ("交完申请多久会派人来现场？", "durations"),
    ("How far in advance should we book the audit?", "durations"),
    ("认证机构可以我们自己选吗，还是指定的？", "bodies"),
    ("Can we switch to a different certification body next year?", "bodies"),
    ("售后客服招聘对学历有要求吗？", "hr"),
    ("Are there education requirements for hiring field engineers?", "hr"),
    ("维修拖了一个月，客户说违法要告我们，怎么办？", "law"),
    ("Is a 7-day return legally required for repairs?", "law"),
    ("帮我起草一篇公司年会上的讲话稿", "unrelated"),
    ("能推荐几家做工单系统的供应商吗？", "unrelated"),
    ("Could you recommend some helpdesk software vendors?", "unrelated"),
    # Session 8, round 4: wordings written by the engineer for these tests (not from evals/).
    ("审核老师来了要不要我们安排接送？", "fees"),
    ("申请之后多少天能排上审核？", "durations"),
    ("从准备到拿证一般要半年吗？", "durations"),
    ("审核员需要什么证书才能来审我们？", "bodies"),
    ("我们想找个咨询公司辅导，有推荐吗？", "bodies"),
    ("做这个认证对评高新技术企业有帮助吗？", "subsidies"),
    ("售后工程师的绩效考核怎么设计？", "hr"),
    ("消费者要求退一赔三，我们该怎么处理？", "law"),
    ("给我推荐一款好用的客服机器人", "unrelated"),
    ("Can you draft a customer apology letter for me?", "unrelated"),
    ("Is there a good ticketing system you'd recommend?", "unrelated"),
    ("证书能不能转让给子公司用？", "certificate_use"),
    ("我们集团下面三家子公司能一起申请吗？", "procedure"),
    ("认证结果不服可以申诉吗？", "procedure"),
])
def test_a_question_about_a_topic_no_passage_states_is_outside(question, topic):
    found = outside_scope(question, RULES, KNOWLEDGE)
    assert found is not None and found.name == topic


@pytest.mark.parametrize("question", [
    "证书有效期多久？",                  # a duration the scheme states
    "监督审核多久一次？",
    "拿到证以后，多久会来复查一回？",
    "严重不符合审核后多少天要关闭？",
    "认证机构会提供咨询指导吗？",         # the body's role is in the rules; its name is not
    "How often are surveillance audits held?",
    "How long is the certificate valid?",
    "Did certification reduce after-sales service costs?",
    "客户投诉多久回复才算L5？",             # a KPI's time, not the body's
    "持证上岗率审核时证书要怎么核验？",     # staff certificates are criterion D4.3
    "技师资格证书过期了还算持证吗？",
    "申请认证要提交哪些材料？",
    "证书被暂停了多久会被撤销？",
    "How quickly must we respond to a customer request for L5?",
    "How are staff certificates checked for the certified-staff rate?",
    "帮我写一份整改计划的措施",            # the plan is the assistant's own work
    "监督审核一般多久来一次？",
    "What happens to the certificate if a surveillance audit fails?",
    "一般性的问题还没关掉，会影响我们评优吗？",   # 评优 here is the grade 优秀
    "客户提的意见要不要转给研发和生产？",
    "暗访、听录音这些抽查算数吗？",
    "提升一个等级能给总分加多少分？",
    "证据可以几个准则共用吗？",
])
def test_in_scope_questions_are_not_caught(question):
    assert outside_scope(question, RULES, KNOWLEDGE) is None


def test_a_passage_stating_the_thing_keeps_the_question_answered():
    question = "售后服务收费标准需要公示吗？"
    assert outside_scope(question, ["服务收费标准公示证据（网点张贴照片）。"], KNOWLEDGE) is None
    assert outside_scope("认证审核费怎么收？", RULES, KNOWLEDGE).name == "fees"


def test_every_topic_names_itself_in_both_languages():
    topics = load_topics(KNOWLEDGE)
    assert {"fees", "durations", "bodies", "standards", "hr", "tax", "tenders", "subsidies"} <= {t.name for t in topics}
    assert all(t.zh and t.en and t.asks for t in topics)


def test_a_bad_pattern_is_bad_input_naming_the_topic(tmp_path):
    knowledge = tmp_path / "knowledge"
    knowledge.mkdir()
    shutil.copy(KNOWLEDGE / SCOPE_FILE, knowledge / SCOPE_FILE)
    (knowledge / SCOPE_FILE).write_text("topics:\n  fees:\n    asks: ['(unclosed']\n", encoding="utf-8")
    with pytest.raises(BadInput) as err:
        load_topics(knowledge)
    assert "topics.fees" in str(err.value)


# Value kinds: wordings written for these tests (not from evals/).
@pytest.mark.parametrize(("question", "quoted", "kind"), [
    ("审核组一般派几个审核员过来？", ["现场审核由审核组对照评价准则逐条核查。"], "headcount"),
    ("How many auditors come to the on-site audit?", ["现场审核由审核组对照评价准则逐条核查。"], "headcount"),
    ("整改报告交上去以后多久出结论？", ["企业应对审核发现制定整改计划。"], "duration"),
    ("How long do we have to close a minor nonconformity?", ["企业应对审核发现制定整改计划。"], "duration"),
    ("获证企业的名单在哪里能查到？", ["认证遵循公正性原则。"], "place"),
    ("Where can we look up which companies are certified?", ["认证遵循公正性原则。"], "place"),
])
def test_a_value_the_answer_would_not_state_is_named(question, quoted, kind):
    assert unstated_value(question, quoted, KNOWLEDGE).name == kind


@pytest.mark.parametrize(("question", "quoted"), [
    ("监督审核多久一次？", RULES[:1]),                                   # 每6个月 states it
    ("证书有效期是几年？", RULES[:1]),
    ("一般不符合要在几天内整改完？", ["一般不符合应在30天内完成整改并提交证据。"]),
    ("优秀和合格差在哪儿？", ["R3 优秀：总分不低于85。"]),               # 差在哪: a difference, not a place
    ("会告诉我们卡在哪个维度吗？", ["结果须说明低于门槛的维度。"]),      # which dimension, not where
    ("认证的原则是什么？", ["认证遵循公正性原则。"]),                    # asks for no value
])
def test_an_answer_stating_the_value_or_a_question_asking_none_passes(question, quoted):
    assert unstated_value(question, quoted, KNOWLEDGE) is None


def test_every_value_kind_names_itself_and_a_bad_one_is_bad_input(tmp_path):
    assert {"duration", "headcount", "place"} <= {v.name for v in load_values(KNOWLEDGE)}
    assert all(v.zh and v.en for v in load_values(KNOWLEDGE))
    knowledge = tmp_path / "knowledge"
    knowledge.mkdir()
    (knowledge / SCOPE_FILE).write_text("topics: {}\nvalues:\n  place:\n    asks: ['哪里']\n", encoding="utf-8")
    with pytest.raises(BadInput) as err:
        load_values(knowledge)
    assert "values.place" in str(err.value)
