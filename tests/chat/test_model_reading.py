"""The model's facts pass the reader's checks before anything is recorded (assistant/chat/model_reading.py)."""

from __future__ import annotations

from datetime import date

from assistant.chat.extract import extract
from assistant.chat.model_reading import StatedFacts, check, merge
from assistant.rules import load_scheme

TODAY = date(2026, 12, 6)
SCHEME = load_scheme(None)


def checked(message: str, **facts):
    return check(StatedFacts.model_validate(facts), message, SCHEME, TODAY)


def test_a_value_in_other_words_passes_when_its_quote_says_it():
    ex, refused = checked("客户满意度八成六，首次响应一天半", kpis=[
        {"criterion": "D3.1", "value": 86, "quote": "客户满意度八成六"},
        {"criterion": "D2.1", "value": 36, "quote": "首次响应一天半"}])
    assert [(k.criterion, k.value) for k in ex.kpis] == [("D3.1", 86), ("D2.1", 36)] and refused == []


def test_invented_values_criteria_quotes_and_dates_are_refused():
    ex, refused = checked("满意度88%，审核开了一个严重不符合", kpis=[
        {"criterion": "D3.1", "value": 98, "quote": "满意度88%"},            # not the number quoted
        {"criterion": "D1.1", "value": 88, "quote": "满意度88%"},            # D1.1 has no KPI
        {"criterion": "D3.3", "value": 0.5, "quote": "投诉率0.5%"},          # words not in the message
        {"criterion": "D3.1", "value": 880, "quote": "满意度88%"}],           # outside 0–100 %
        levels=[{"criterion": "D9.9", "level": 3, "quote": "满意度88%"}],
        findings=[{"severity": "major", "quote": "开了一个严重不符合", "raised_on": "2027-01-05"}])
    assert ex.kpis == [] and ex.levels == [] and ex.findings == []
    assert len(refused) == 6


def test_a_level_said_as_a_number_must_be_that_number():
    ex, refused = checked("售后服务手册这块算L3吧", levels=[{"criterion": "D1.1", "level": 4, "quote": "售后服务手册这块算L3吧"}])
    assert ex.levels == [] and "级别不符" in refused[0]


def test_the_model_fills_what_the_reader_missed_and_never_overrides_it():
    message = "首次响应4小时，我们有售后服务手册，另外8月的召回还没结案"
    offline = extract(message, today=TODAY)
    model, _ = checked(message, kpis=[{"criterion": "D2.1", "value": 40, "quote": "首次响应4小时"}],
                       evidence=[{"criterion": "D1.1", "document": "售后服务手册"}],
                       major_incident_unresolved=True, declaration_quote="8月的召回还没结案")
    merged, added = merge(offline, model)
    assert {k.criterion: k.value for k in merged.kpis} == {"D2.1": 4}   # the reader's 4, not a model's 40
    assert [e.item for e in merged.evidence] == ["售后服务手册"]        # not twice
    assert merged.declarations["major_incident_unresolved"] is True
