"""Recognizers of identifiers with a fixed shape: URLs, e-mails, ID and card numbers, phones, accounts, plates, IPs."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from assistant.anonymize.base import Candidate, Doc, Recognizer
from assistant.anonymize.checksums import credit_code_ok, luhn_ok, resident_id_date_ok, resident_id_ok

NOT_ALNUM_BEFORE = r"(?<![0-9A-Za-z])"
NOT_ALNUM_AFTER = r"(?![0-9A-Za-z])"
# A label between a context word and the identifier: "身份证号码：", "QQ号是", "Passport No. ".
_LABEL_GAP = r"\s*(?:[:：#]|为|是)?\s*"

# Context words, searched for in the few characters before a number. They decide for numbers whose shape alone
# is ambiguous (a card number without a valid check digit, an ID number written with a typo).
_ID_CONTEXT = re.compile(r"(?:身份证|证件|证号|身份号|公民身份|(?i:\bID\b|identity|id\s*card))[^\d]{0,8}$")
_CARD_CONTEXT = re.compile(
    r"(?:银行卡|银行账|银行帐|卡号|储蓄卡|借记卡|信用卡|账号|帐号|账户|帐户|开户|收款|(?i:card|account|iban))[^\d]{0,8}$"
)
_CREDIT_CONTEXT = re.compile(r"(?:信用代码|税号|纳税人识别号|营业执照|注册号|(?i:uscc|credit\s+code|tax\s+id))[^\d]{0,8}$")
# Order, work-order, serial and part numbers are audit evidence, not personal data: a long number right after
# one of these words is kept unless a context word above says otherwise.
_ORDER_CONTEXT = re.compile(
    r"(?:单号|订单|工单|编号|编码|流水号|序列号|批号|批次号?|合同号|发票号|物料号?|型号|条码|(?i:SN|S/N|No\.?|order|ticket)|#)"
    r"\s*[:：]?\s*$"
)
# A number followed by a unit is an amount or a count (13500000000元, 1234567890123人次), not an identifier.
_QUANTITY_AFTER = re.compile(r"\s*(?:元|万|亿|次|台|件|个|人|份|项|天|小时|分钟|%|％|(?i:km|kg|yuan|rmb|times))")
_IP_CONTEXT = re.compile(r"(?:IP|ip|地址|服务器|主机|网关|(?i:address|server|host|gateway))[^\d]{0,6}$")
_VERSION_CONTEXT = re.compile(r"(?:版本号?|固件|(?i:version|ver\.?|firmware|v))\s*[:：]?\s*$")


def _quantity_after(doc: Doc, end: int) -> bool:
    return _QUANTITY_AFTER.match(doc.text, end) is not None


@dataclass(frozen=True)
class PatternRecognizer:
    """A regular expression (its `group` is the identifier) and an optional check of each match in context."""

    name: str
    kind: str
    pattern: re.Pattern[str]
    group: int = 0
    accept: Callable[[Doc, re.Match[str]], bool] | None = None

    def analyze(self, doc: Doc) -> Iterator[Candidate]:
        for m in self.pattern.finditer(doc.text):
            s, e = m.span(self.group)
            if e > s and (self.accept is None or self.accept(doc, m)):
                yield Candidate(self.kind, s, e, doc.text[s:e])


class UrlRecognizer:
    """Web addresses with or without a scheme; trailing punctuation belongs to the sentence."""

    name = "url"
    _pattern = re.compile(
        r"(?:https?://|www\.)[A-Za-z0-9\-._~:/?#\[\]@!$&'*+,;=%]+"
        r"|" + NOT_ALNUM_BEFORE + r"(?<![@.\-_])(?:[a-z0-9][a-z0-9\-]*\.)+"
        r"(?:com\.cn|net\.cn|org\.cn|gov\.cn|edu\.cn|com|cn|net|org|io|cc|biz|info)"
        r"(?:/[A-Za-z0-9\-._~:/?#@!$&'*+,;=%]*)?" + NOT_ALNUM_AFTER,
        re.I,
    )

    def analyze(self, doc: Doc) -> Iterator[Candidate]:
        for m in self._pattern.finditer(doc.text):
            s, e = m.span()
            while e > s and doc.text[e - 1] in ".,;:!?)]'":
                e -= 1
            yield Candidate("url", s, e, doc.text[s:e])


# -- ID numbers, credit codes, bank cards ----------------------------------------------------------

# 18 characters, with the spaces or dashes people type between the region, the birth date and the sequence
# ("110105 19491231 002X", "110105-1949-1231-002X").
_RESIDENT_ID_18 = re.compile(
    NOT_ALNUM_BEFORE + r"[1-9]\d{5}([ \-]?)(?:18|19|20)\d{2}([ \-]?)(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])"
    r"([ \-]?)\d{3}[\dXx]" + NOT_ALNUM_AFTER
)
_RESIDENT_ID_15 = re.compile(
    NOT_ALNUM_BEFORE + r"[1-9]\d{7}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}" + NOT_ALNUM_AFTER
)


def _accept_resident_id(doc: Doc, m: re.Match[str]) -> bool:
    """A real birth date, and a valid check digit, an ID word before it, or the grouping only ID numbers get.

    The check digit keeps order numbers that embed a region code and a date (440300 20260308 1234) when nothing
    says they are IDs; a consultant's made-up ID with a wrong check digit is still caught by 身份证/证件 before it."""
    number = re.sub(r"[ \-]", "", m.group(0))
    if not resident_id_date_ok(number):
        return False
    context = _ID_CONTEXT.search(doc.before(m.start(), 16)) is not None
    if _CREDIT_CONTEXT.search(doc.before(m.start(), 16)) and not context:
        return False  # an all-digit credit code: that recognizer names it
    if len(number) == 15:
        return context or not _ORDER_CONTEXT.search(doc.before(m.start(), 8))
    grouped = any(m.group(i) for i in (1, 2, 3))
    if context or grouped:
        return True
    return resident_id_ok(number) and not _ORDER_CONTEXT.search(doc.before(m.start(), 8))


# Registration authority (1-9, A, N, Y), organisation type (1, 2, 3, 9), a six-digit region code, then nine
# characters of the organisation code and the check character.
_CREDIT_CODE = re.compile(
    NOT_ALNUM_BEFORE + r"[1-9ANY][1239][1-8]\d{5}[0-9A-HJ-NP-RTUWXY]{9}[0-9A-HJ-NP-RTUWXY]" + NOT_ALNUM_AFTER
)


def _accept_credit_code(doc: Doc, m: re.Match[str]) -> bool:
    before = doc.before(m.start(), 16)
    if _CREDIT_CONTEXT.search(before):
        return True
    if _ID_CONTEXT.search(before) or _ORDER_CONTEXT.search(doc.before(m.start(), 8)):
        return False
    return credit_code_ok(m.group(0))


# 12 to 19 digits, in one run or in the groups cards are printed in (4-4-4-4, 4-4-4-4-3, 4-6-5).
_CARD = re.compile(r"(?<![0-9A-Za-z\-+.])\d(?:[ \-]?\d){11,18}(?![0-9A-Za-z]|\.\d)")
_CARD_GROUPS = ((4, 6, 5), (4, 6, 4), (6, 13), (6, 12))
_ACCOUNT_BEFORE = re.compile(r"(?:QQ|qq|扣扣|微信)\S{0,4}$")


def _card_grouping_ok(number: str) -> bool:
    """One run of digits, or groups as cards print them: a date or a list of numbers splits otherwise."""
    groups = tuple(len(g) for g in re.split(r"[ \-]", number))
    if len(groups) == 1 or groups in _CARD_GROUPS:
        return True
    return all(g == 4 for g in groups[:-1]) and 1 <= groups[-1] <= 4


def _card_issuer_ok(digits: str) -> bool:
    """A Visa, Mastercard, Amex, JCB or Discover prefix with that network's length; 1…, 0… and 20… (phones,
    order numbers, dates) are none of them."""
    n = len(digits)
    if digits.startswith("4"):
        return n in (13, 16, 19)
    if digits[:2] in ("51", "52", "53", "54", "55") or "2221" <= digits[:4] <= "2720":
        return n == 16
    if digits.startswith(("34", "37")):
        return n == 15
    if "3528" <= digits[:4] <= "3589" or digits.startswith(("6011", "65")) or "644" <= digits[:3] <= "649":
        return 16 <= n <= 19
    return False


def _accept_card(doc: Doc, m: re.Match[str]) -> bool:
    """A card word before the number, or a UnionPay number (62…, 16-19 digits: not all of them carry a Luhn
    digit), or another issuer's prefix with a valid Luhn digit. Order numbers and amounts stay."""
    number = m.group(0)
    digits = re.sub(r"\D", "", number)
    if not _card_grouping_ok(number) or _quantity_after(doc, m.end()):
        return False
    if _ACCOUNT_BEFORE.search(doc.before(m.start(), 8)):
        return False  # QQ账号 123456789012 is a QQ number
    if _CARD_CONTEXT.search(doc.before(m.start(), 14)):
        return True
    if _ORDER_CONTEXT.search(doc.before(m.start(), 8)):
        return False
    if digits.startswith("62") and 16 <= len(digits) <= 19:
        return True
    return _card_issuer_ok(digits) and luhn_ok(digits)


# -- phones ---------------------------------------------------------------------------------------

_MOBILE = re.compile(  # mobiles, with +86/0086, spaces or dashes
    NOT_ALNUM_BEFORE + r"(?:(?:\+|00)?86[\s\-]?|\(\+?86\)\s?)?1[3-9]\d(?:[\s\-]?\d{4}){2}" + r"(?!\d)"
)
_LANDLINE = re.compile(  # landlines: 010-12345678, (021)87654321, 0755 1234567 转 8001
    r"(?<![0-9A-Za-z+])(?:(?:\+|00)?86[\s\-]?(?:\(0?\d{2,3}\)|0?\d{2,3})|[(（]0\d{2,3}[)）]|0\d{2,3})"
    r"[\s\-]?[1-9]\d{2,3}[\s\-]?\d{4}"
    r"(?:\s*(?:转|分机|ext\.?|x|#|-)\s*\d{1,5})?(?!\d)",
    re.I,
)
_HOTLINE = re.compile(NOT_ALNUM_BEFORE + r"[48]00(?:[\s\-]?\d){7}(?!\d)")  # 400-820-3355, 4008-365-365
# Other countries: +49 89 636 00, +1 (415) 555-0100, +44 20 7946 0958. China's +86 is the two patterns above.
_INTERNATIONAL = re.compile(
    r"(?<![0-9A-Za-z+])\+(?!86)[1-9]\d{0,2}(?:[ \-.]?\(?\d{1,5}\)?){1,6}" + NOT_ALNUM_AFTER
)


def _accept_mobile(doc: Doc, m: re.Match[str]) -> bool:
    return not _quantity_after(doc, m.end())


class InternationalPhoneRecognizer:
    """A + and a country code other than 86, then 7 to 14 more digits; a trailing count (…00 14天) is dropped."""

    name = "phone-international"

    def analyze(self, doc: Doc) -> Iterator[Candidate]:
        for m in _INTERNATIONAL.finditer(doc.text):
            s, e = m.span()
            while _quantity_after(doc, e):
                cut = max(doc.text.rfind(" ", s, e), doc.text.rfind("-", s, e))
                if cut <= s:
                    break
                e = cut
            if 8 <= len(re.sub(r"\D", "", doc.text[s:e])) <= 15 and not _quantity_after(doc, e):
                yield Candidate("phone", s, e, doc.text[s:e])


# -- online accounts, passports, employee numbers -----------------------------------------------

_WXID = re.compile(r"(?<![A-Za-z0-9_])wxid_[A-Za-z0-9_\-]{4,32}", re.I)
# A WeChat ID is 6-20 letters, digits, _ or -, starting with a letter; a phone number after 微信 is a phone.
_WECHAT_ZH = re.compile(
    r"(?:微信|(?<![A-Za-z])(?:vx|VX|Vx|wx|WX|V信))((?:号码|号|账号|帐号|ID|id)?)" + _LABEL_GAP
    + r"([A-Za-z][A-Za-z0-9_\-]{5,19})(?![A-Za-z0-9_\-])"
)
_WECHAT_EN = re.compile(
    r"(?<![A-Za-z])WeChat(?:\s+(?:ID|account|No\.?))?" + _LABEL_GAP
    + r"([A-Za-z][A-Za-z0-9_\-]{5,19})(?![A-Za-z0-9_\-])",
    re.I,
)
_QQ = re.compile(
    r"(?<![A-Za-z])(?:QQ|qq|扣扣)(?:号码|号|群号|群|账号|帐号|(?i:\s*(?:number|no\.?|id)))?" + _LABEL_GAP
    + r"([1-9]\d{4,11})(?!\d)"
)


def _accept_wechat_zh(doc: Doc, m: re.Match[str]) -> bool:
    # After 微信号/微信ID anything ID-shaped is one; after a bare 微信 an English word may follow ("微信 official").
    return bool(m.group(1)) or re.search(r"[\d_\-]", m.group(2)) is not None


def _accept_wechat_en(doc: Doc, m: re.Match[str]) -> bool:
    # English prose after "WeChat" is words ("WeChat account holders"); a real ID nearly always has a digit or _.
    return re.search(r"[\d_\-]", m.group(1)) is not None


_PASSPORT_CONTEXT = re.compile(
    r"(?:护照(?:号码|号)?|(?i:passport(?:\s*(?:no\.?|number|#))?))" + _LABEL_GAP
    + r"([A-Za-z]{0,2}\d{6,9})" + NOT_ALNUM_AFTER
)
# Chinese passports without a label: E + 8 digits, E + a letter + 7 digits, and the older G + 8 digits.
_PASSPORT_CN = re.compile(NOT_ALNUM_BEFORE + r"(?:E\d{8}|E[A-HJ-NP-Z]\d{7}|G\d{8})" + NOT_ALNUM_AFTER)

_EMPLOYEE = re.compile(
    r"(?:工号|员工号|员工编号|职工号|职工编号|工牌号|工牌编号|人员编号|(?i:(?:employee|staff)\s*(?:id|no\.?|number|#)))"
    + _LABEL_GAP + r"([A-Za-z]{0,3}[-_]?\d{3,12})" + NOT_ALNUM_AFTER
)

# -- IP addresses ---------------------------------------------------------------------------------

_OCTET = r"(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)"
_IPV4 = re.compile(rf"(?<![0-9A-Za-z.]){_OCTET}(?:\.{_OCTET}){{3}}(?::\d{{1,5}})?(?![0-9A-Za-z]|\.\d)")
_IPV6 = re.compile(r"(?<![0-9A-Za-z:.])(?=[0-9A-Fa-f:]*:[0-9A-Fa-f]*:)[0-9A-Fa-f:]{6,39}(?![0-9A-Za-z:])")


def _accept_ipv4(doc: Doc, m: re.Match[str]) -> bool:
    address = ipaddress.IPv4Address(m.group(0).split(":")[0])
    if address.is_unspecified or address.is_loopback or str(address) == "255.255.255.255":
        return False  # 0.0.0.0, 127.0.0.1: a configuration fact, nobody's address
    if _VERSION_CONTEXT.search(doc.before(m.start(), 10)):
        return False  # 版本 2.3.10.4 is a version
    if all(int(x) < 10 for x in m.group(0).split(":")[0].split(".")):
        # 4.2.3.1 is a clause of a standard far more often than an address; an IP word before it decides.
        return _IP_CONTEXT.search(doc.before(m.start(), 12)) is not None
    return True


def _accept_ipv6(doc: Doc, m: re.Match[str]) -> bool:
    s = m.group(0)
    if "::" not in s and s.count(":") != 7:
        return False  # 10:30:00 is a time
    try:
        ipaddress.IPv6Address(s)
    except ValueError:
        return False
    return True


# -- plates and English street addresses ---------------------------------------------------------

_PLATE = re.compile(
    r"[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼][A-Z][·•・.\s\-]?"
    r"(?=[A-Z0-9]{0,5}\d)[A-Z0-9]{5,6}" + NOT_ALNUM_AFTER
)
_ADDRESS_EN = re.compile(  # "Room 201, Building 3, No. 88 Nanshan Road, Nanshan District"
    r"(?:(?:Room|Rm\.?|Unit|Suite|Flat|Floor|Building|Bldg\.?|Block|Tower)\s*[A-Za-z0-9\-]+,?\s*)*"
    r"(?:No\.\s*)?\d{1,5}[A-Za-z]?,?\s+(?:[A-Z][a-z]+\s+){1,4}"
    r"(?:Road|Rd\.?|Street|St\.?|Avenue|Ave\.?|Boulevard|Blvd\.?|Lane|Ln\.?|Drive|Highway|Hwy\.?|Way|Alley|Expressway)"
    r"(?![A-Za-z])"
    r"(?:,?\s*(?:[A-Z][a-z]+\s+)*(?:District|County|Town|Village|Subdistrict|New Area|Industrial Park)(?![A-Za-z]))*"
)
_EMAIL = re.compile(r"(?<![A-Za-z0-9._%+\-])[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}")


def structured_recognizers() -> list[Recognizer]:
    """The shape-based recognizers, in the order they run (order only matters for readability: the longest
    span wins whatever found it)."""
    return [
        UrlRecognizer(),
        PatternRecognizer("email", "email", _EMAIL),
        PatternRecognizer("resident-id", "id", _RESIDENT_ID_18, accept=_accept_resident_id),
        PatternRecognizer("resident-id-15", "id", _RESIDENT_ID_15, accept=_accept_resident_id),
        PatternRecognizer("credit-code", "credit", _CREDIT_CODE, accept=_accept_credit_code),
        PatternRecognizer("bank-card", "bankcard", _CARD, accept=_accept_card),
        PatternRecognizer("passport", "passport", _PASSPORT_CONTEXT, group=1),
        PatternRecognizer("passport-cn", "passport", _PASSPORT_CN),
        PatternRecognizer("mobile", "phone", _MOBILE, accept=_accept_mobile),
        PatternRecognizer("landline", "phone", _LANDLINE),
        PatternRecognizer("hotline", "phone", _HOTLINE),
        InternationalPhoneRecognizer(),
        PatternRecognizer("wxid", "account", _WXID),
        PatternRecognizer("wechat", "account", _WECHAT_ZH, group=2, accept=_accept_wechat_zh),
        PatternRecognizer("wechat-en", "account", _WECHAT_EN, group=1, accept=_accept_wechat_en),
        PatternRecognizer("qq", "account", _QQ, group=1),
        PatternRecognizer("employee-number", "employee", _EMPLOYEE, group=1),
        PatternRecognizer("ipv4", "ip", _IPV4, accept=_accept_ipv4),
        PatternRecognizer("ipv6", "ip", _IPV6, accept=_accept_ipv6),
        PatternRecognizer("plate", "plate", _PLATE),
        PatternRecognizer("address-en", "address", _ADDRESS_EN),
    ]
