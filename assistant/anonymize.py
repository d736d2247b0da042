"""Replace personal and company identifiers in Chinese or English text with stable typed placeholders."""

from __future__ import annotations

import re
import sys
import unicodedata
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.errors import BadInput
from assistant.text import init_jieba

if TYPE_CHECKING:
    from assistant.settings import Settings

# Placeholder label of each identifier kind, in the order the summary lists them.
LABELS: dict[str, str] = {
    "person": "人员",
    "org": "企业",
    "phone": "电话",
    "email": "邮箱",
    "id": "证件",
    "address": "地址",
    "plate": "车牌",
    "url": "网址",
}
# When two candidate spans have the same length, the more specific kind wins.
_PRIORITY = {"url": 0, "email": 1, "id": 2, "phone": 3, "plate": 4, "address": 5, "org": 6, "person": 7}

PLACEHOLDER = re.compile(r"\[(?:" + "|".join(LABELS.values()) + r")\d+\]")


@dataclass(frozen=True)
class Entity:
    """One identifier found in a text: its kind, where it is, and the placeholder that replaces it."""

    kind: str
    text: str
    start: int
    end: int
    placeholder: str


# ---------------------------------------------------------------------------
# Word lists. Surnames filter jieba's person tags (it tags many brands and places `nr`);
# titles and role words give context when jieba misses a name.

_SURNAMES_1 = set(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任"
    "沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付傅方白邹孟熊秦邱江尹薛闫阎段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴"
    "莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅"
    "童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项"
    "连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师仇栾隋商刁沙荣巫寇桑郎甄丛仲虞"
    "敖巩明佘池查麻苑迟邝封储皮郁蔺茅巴弓牧隗宓蓬郗班仰伊暴钭厉戎祖束幸韶郜蓟薄印宿怀邰鄂索咸籍赖屠阴胥苍闻莘"
    "贡劳逄扶堵宰郦雍璩濮寿扈燕冀郏浦慕茹习宦鱼慎戈庾暨衡弘匡禄阙殳沃蔚夔厍晁勾融訾阚毋乜鞠丰巢蒯荆竺权逯盖桓"
    "揭谈练植冼湛"
)
_SURNAMES_2 = (
    "欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "慕容", "令狐", "尉迟", "司徒", "夏侯", "长孙", "宇文",
    "公孙", "轩辕", "端木", "独孤", "南宫", "西门", "呼延", "澹台", "公冶", "太史", "申屠", "钟离", "闻人",
    "赫连", "濮阳", "万俟", "单于", "东郭", "百里", "第五", "左丘", "拓跋",
)
# Compound surnames that are also everyday words ("向东方发展"): need jieba's or the context's support.
_AMBIGUOUS_2 = {"东方", "长孙", "单于", "西门", "南宫", "百里", "第五"}

# Titles that follow a surname or a full name (王经理, 李工, 张主任); the title itself is kept.
_TITLES = (
    "总经理", "副总经理", "董事长", "总工程师", "工程师", "技术员", "经理", "主任", "总监", "主管", "师傅", "先生",
    "女士", "小姐", "老师", "站长", "部长", "科长", "处长", "厂长", "店长", "组长", "班长", "队长", "专员", "助理",
    "博士", "教授", "律师", "医生", "会计", "总", "工", "姐", "哥",
)
_TITLE_RE = "|".join(sorted(_TITLES, key=len, reverse=True))
# One-character titles are everyday suffixes too (施工, 何总结): only trusted when jieba agrees.
_SHORT_TITLES = {"总", "工", "姐", "哥"}
# Surname characters that are mostly prepositions before a title ("向经理汇报").
_TITLE_SURNAME_EXCLUDE = {"向", "和", "于", "从", "对", "与", "将", "把", "被", "为", "以", "在", "由", "给", "及", "或"}
# 高工 is the usual abbreviation of 高级工程师, not Mr Gao.
_NOT_NAMES = {"高工", "总工", "施工", "石工", "化工", "员工", "车工", "张江", "高新", "江北", "江南", "华东",
              "华南", "华北", "华中", "华西", "明确", "明显", "明年", "时间", "常规", "金额", "方案", "程序", "关键",
              "安全", "安装", "管理", "应用", "华为", "周期", "周年", "周末", "宁波", "武汉", "成都", "柳州",
              "司机", "温州", "温度", "文件", "包装", "包括", "黄金", "白色", "黎明", "邵阳", "洪水", "连续",
              "雷达", "车主", "车间", "钟点", "史上", "方面", "方法", "向来", "曾经", "任务", "于是", "和谐"}

# jieba's dictionary tags a few hundred everyday words nr (周转 899, 高峰 1556); the names it lists are rare (李强 159).
_COMMON_WORD_FREQ = 150

# Everyday words of after-sales texts that jieba's dictionary lacks.
_DOMAIN_WORDS = {"工单", "派单", "单号", "工牌"}

# Role words that introduce a person: "工程师刘晓明", "联系人：司马光明".
_ROLES = (
    "总经理", "经理", "主管", "工程师", "技术员", "站长", "负责人", "联系人", "客户", "用户", "师傅", "专员", "主任",
    "总监", "店长", "员工", "维修工", "维修员", "操作员", "质检员", "审核员", "评审员", "顾问", "客服", "接线员", "坐席",
    "调度员", "仓管员", "管理员", "业务员", "销售员", "服务商", "网点主任", "组长", "班长", "厂长", "董事长", "代表",
    "投诉人", "报修人", "签收人", "经办人", "审批人", "责任人", "记录人", "填表人", "检验员", "安装工", "安装员",
    "司机", "老板", "法人", "法定代表人", "车主", "业主", "消费者", "机主", "库管员", "处理人", "维修人", "安装人",
    "派工人", "接待人", "回访人", "回访员", "质检人", "确认人", "申请人", "驻点代表", "调度", "副站长", "部长", "科长",
    "处长", "队长", "副总", "总裁", "董事", "监事", "助理", "秘书", "文员", "会计", "出纳", "审核员", "技术主管",
)
_ROLE_RE = "|".join(sorted(_ROLES, key=len, reverse=True))

# A character here right after a one-character given name ends the name ("张伟称", "李娜未").
_AFTER_NAME = set(
    "其的了和与及或在于为是由对将把被从向到至等并而但称说讲表未已不也都就还均曾仍又再负要应会能可认承提介回答签确核指告拒"
    "无没只个请所、，。；：！？,.;:!?（）()“”\"' \t\n"
)
_ANON_MARKS = set("某Xx×*＊？?○〇")
# Characters that (almost) never occur in a given name but often follow a surname-like character in
# ordinary prose: measure words and function nouns ("14单中", "班前会", "周点检", "项中").
_NOT_GIVEN = set("们么呢吗吧着过里系统数项单次件个条前后内外下点检查表率量额式型类种份批台套部处科室组队站网号码期限制度规则例会议据")
_NUMERALS = set("0123456789零一二三四五六七八九十百千万两几")
# The hundred commonest surnames: only these are trusted on jieba's word alone for two-character names.
_COMMON_SURNAMES = set(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔"
    "钟谭陆汪范金石廖贾夏韦付傅方白邹孟熊秦邱江尹薛闫阎段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)

_ADMIN_SUFFIX = ("特别行政区", "自治区", "自治州", "自治县", "开发区", "高新区", "新区", "工业区", "科技园", "工业园", "产业园",
                 "软件园", "园区", "小区", "花园", "大厦", "广场", "街道", "省", "市", "州", "盟", "区", "县", "旗", "镇", "乡", "村")
_ROAD_SUFFIX = ("大道", "大街", "胡同", "路", "街", "巷", "弄", "道")
_REGIONS = {"华东", "华南", "华北", "华中", "华西", "西南", "西北", "东北", "东南", "中南", "海外", "国内", "全国", "大陆"}

# Organisation suffixes, longest first. Except after a legal form (有限公司, 股份), a proper name must come
# before them: 客服中心 and 维修站 alone are ordinary words.
_ORG_SUFFIX = (
    "股份有限公司", "有限责任公司", "集团有限公司", "有限公司", "集团公司", "股份公司", "分公司", "子公司", "公司", "集团",
    "股份", "研究院", "研究所", "设计院", "事务所", "服务中心", "维修中心", "中心", "服务站", "维修站", "维修点",
    "服务网点", "网点", "服务部", "维修部", "经营部", "门市部", "营业部", "办事处", "商行", "工作室", "电器厂", "工厂", "厂",
    "专卖店", "旗舰店", "4S店", "门店", "协会", "商会", "银行", "医院", "大学", "学院", "学校",
)
_DEPARTMENTS = ("部", "处", "科", "室", "组", "办", "委员会", "小组")
_ORG_COMPLETE = ("公司", "集团", "股份", "研究院", "研究所", "设计院", "事务所", "中心", "站", "网点", "部", "处", "商行",
                 "厂", "店", "协会", "商会", "银行", "医院", "大学", "学院", "学校", "工作室", "维修点")
# Generic nouns and roles an organisation name never starts with; the walk back stops there.
_ORG_STOP = {
    "客服", "部门", "主管", "经理", "站长", "工程师", "人员", "员工", "审核", "现场", "供应商", "客户", "用户",
    "厂家", "厂商", "合作方", "服务商", "代理商", "经销商", "承包商", "外包商", "外包方", "单位", "企业", "公司",
    "受审核方", "申请方", "申请人", "委托方", "总部", "下属", "旗下", "所属", "各", "该", "本", "其", "贵", "我司", "贵司",
    "这家", "那家", "一家", "多家", "某", "呼叫", "配件", "备件", "区域", "大区", "片区", "投诉",
    "记录", "台账", "报告", "数据", "系统", "年度", "月度", "审核组", "评审组", "发现", "负责人", "两地", "各地", "多地",
    "当地", "本地", "外地", "异地", "全部", "所有", "部分", "其他", "其余", "新建", "原有", "现有",
}
# Before a legal form (有限公司) almost anything is part of the name; only these end it.
_ORG_STRONG_STOP = {
    "经理", "主管", "站长", "工程师", "人员", "员工", "负责人", "联系人", "公司", "该", "本", "其", "贵", "我司", "贵司", "这家",
    "那家", "一家", "多家", "各", "发现", "表示", "称", "说", "联系", "委托", "要求", "投诉", "提供", "负责", "签订", "采购",
    "使用", "选择", "包括", "显示", "属于", "来自", "通过", "安排", "指定", "授权", "审核", "检查", "抽查", "访谈", "核实",
    "确认", "租自", "购自", "隶属", "名为", "注册", "名称", "外包给", "交由", "转交", "供应商", "服务商", "外包商",
    "代理商", "经销商", "承包商", "厂家", "客户", "用户", "受审核方", "申请方", "委托方",
}
_ORG_STOP |= _ORG_STRONG_STOP
_ORG_NAME_VERBS = {"维修", "服务", "制造", "销售", "发展", "贸易", "投资", "控股", "检验", "检测", "监督", "咨询", "科技",
                   "实业", "物流", "安装", "售后服务", "营销", "电子", "信息", "智能", "置业", "建设", "运输", "租赁",
                   "装饰", "装修", "设计", "开发", "加工", "生产", "经营", "批发", "零售", "代理", "清洁", "环保", "节能",
                   "制冷", "维护", "保养", "修理", "回收", "供应", "配送", "快递", "传媒", "印刷", "包装", "家政", "培训",
                   "教育", "通讯", "通信", "电气", "机电", "制品", "精密", "创新", "联合", "合作", "统一", "兴业", "调查",
                   "研究", "认证", "测评", "评价", "保险", "健康", "医疗", "软件", "网络", "工程", "技术", "管理", "商贸", "外贸", "进出口"}
_ORG_NAME_FLAGS = {"n", "nr", "nrfg", "nrt", "ns", "nt", "nz", "nl", "ng", "j", "eng", "vn", "b", "an", "l", "i", "s", "t"}
_PROPER_FLAGS = {"nr", "nrfg", "nrt", "ns", "nt", "nz", "eng"}

# English titles and given names; a given name only counts before a capitalised surname.
_EN_HONORIFIC = r"(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Mister|Madam|Sir)\.?"
_EN_ROLE = (r"(?i:manager|engineer|technician|supervisor|director|agent|inspector|auditor|contact(?:\s+person)?|"
            r"customer|owner|driver|dispatcher|coordinator|representative|president|ceo|cfo|coo|chairman|head|"
            r"storekeeper|operator|specialist|consultant|officer|lead)")
_EN_GIVEN = set("""
James John Robert Michael William David Richard Joseph Thomas Charles Christopher Daniel Matthew Anthony Mark
Donald Steven Paul Andrew Joshua Kenneth Kevin Brian George Timothy Ronald Edward Jason Jeffrey Ryan Jacob Gary
Nicholas Eric Jonathan Stephen Larry Justin Scott Brandon Benjamin Samuel Gregory Alexander Frank Patrick Raymond
Jack Dennis Jerry Tyler Aaron Jose Adam Nathan Henry Douglas Zachary Peter Kyle Walter Ethan Jeremy Harold Keith
Christian Roger Noah Gerald Carl Terry Sean Austin Arthur Lawrence Jesse Dylan Bryan Joe Jordan Billy Bruce Albert
Willie Gabriel Logan Alan Juan Wayne Roy Ralph Randy Eugene Vincent Russell Elijah Louis Bobby Philip Johnny Tom Tony
Mary Patricia Jennifer Linda Elizabeth Barbara Susan Jessica Sarah Karen Nancy Lisa Betty Margaret Sandra Ashley
Kimberly Emily Donna Michelle Dorothy Carol Amanda Melissa Deborah Stephanie Rebecca Sharon Laura Cynthia Kathleen
Amy Shirley Angela Helen Anna Brenda Pamela Nicole Emma Samantha Katherine Christine Debra Rachel Catherine Carolyn
Janet Ruth Maria Heather Diane Virginia Julie Joyce Victoria Olivia Kelly Christina Lauren Joan Evelyn Judith Megan
Cheryl Andrea Hannah Martha Jacqueline Frances Gloria Ann Teresa Kathryn Sara Janice Jean Alice Madison Doris Abigail
Julia Judy Grace Denise Amber Marilyn Beverly Danielle Theresa Sophia Marie Diana Brittany Natalie Isabella Charlotte
Rose Alexis Kayla Lucy Lily Jane Kate Tina Vivian Cindy Sophie Sally Wendy Eva Ivy Coco Jenny Annie Nina Alex Sam
Chris Max Leo Ben Mike Jim Bob Bill Dave Steve Tim Ken Nick Rick Dan Matt Andy Frank Simon Martin Oliver Harry Lucas
""".split())
_EN_SURNAME_STOP = {"Road", "Street", "Avenue", "Group", "Company", "Service", "Center", "Centre", "Station", "District",
                    "City", "Province", "Team", "Department", "Office", "Manager", "Engineer", "Ltd", "Inc", "Corp",
                    "Corporation", "The", "And", "Of", "For", "With", "From", "Store", "Shop", "Hotline", "Support"}
_EN_ORG_GENERIC = {"The", "A", "An", "In", "At", "By", "For", "From", "Of", "To", "With", "And", "On", "Our", "Their",
                   "Its", "This", "That", "Working", "Focus", "Customer", "Service", "Support", "Quality", "Audit",
                   "Project", "Study", "User", "Control", "Age", "Target", "Product", "Task", "Expert", "Advisory",
                   "Review", "Call", "Repair", "Parts", "Spare", "After-sales", "Aftersales", "Sales", "Regional",
                   "East", "West", "North", "South", "China", "Complaint", "Technical", "Maintenance", "Each", "Every",
                   "All", "Some", "Any", "Holding", "Holdings"}
_EN_LEADING_DROP = {"The", "A", "An", "In", "At", "By", "For", "From", "Of", "To", "With", "And", "On", "Our", "Their",
                    "Its", "This", "That", "Each", "Every", "When", "While", "Since", "But", "Both", "Neither", "Either"}

_PINYIN_SURNAMES = {
    "wang", "li", "zhang", "liu", "chen", "yang", "huang", "zhao", "wu", "zhou", "xu", "sun", "ma", "zhu", "hu", "guo",
    "he", "gao", "lin", "luo", "zheng", "liang", "xie", "song", "tang", "han", "feng", "deng", "cao", "peng", "zeng",
    "xiao", "tian", "dong", "pan", "yuan", "cai", "jiang", "yu", "du", "ye", "cheng", "wei", "su", "lu", "ding", "ren",
    "shen", "yao", "cui", "zhong", "tan", "fan", "jin", "shi", "liao", "jia", "xia", "fu", "fang", "bai", "zou", "meng",
    "xiong", "qin", "qiu", "yin", "xue", "yan", "duan", "lei", "hou", "long", "tao", "gu", "mao", "hao", "gong", "shao",
    "wan", "qian", "mo", "kong", "xiang", "chang", "kang", "niu", "ge", "xing", "qi", "qiao", "wen", "zhuang", "yue",
    "ouyang", "sima", "zhuge", "shangguan", "dongfang", "huangfu", "murong", "linghu", "yuchi", "situ", "lee", "chan",
    "wong", "cheung", "leung", "ng", "ho", "lau", "tse", "yip", "kwok", "chow", "lam", "tsang", "chu", "lo", "hui", "au",
}
_PINYIN_SYLLABLE = (
    r"(?:zh|ch|sh|[bpmfdtnlgkhjqxrzcsyw])?"
    r"(?:iang|iong|uang|ueng|ang|eng|ing|ong|ian|iao|uai|uan|van|ai|ei|ao|ou|an|en|er|in|un|vn|ia|ie|iu|ua|uo|ue|ve|ui|"
    r"a|o|e|i|u|v)"
)
_PINYIN_NAME = re.compile(rf"(?:{_PINYIN_SYLLABLE}){{1,3}}")
_EN_COMMON_PINYIN = {"long", "man", "men", "he", "a", "an", "in", "no", "go", "so", "me", "we", "she", "hang", "sang",
                     "bang", "fang", "gang", "pan", "can", "ran", "tan", "ban", "fan", "dong", "ding", "ping", "ring",
                     "sing", "king", "wing", "ming", "bin", "pin", "tin", "sun", "run", "nun", "hu", "you", "die", "tie",
                     "lie", "pie", "bei", "hen", "ten", "pen", "den", "zen", "shen", "chen", "gen", "ken", "lo", "mo",
                     "ma", "pa", "la", "da", "ha", "ya", "er", "ai", "ou", "hui", "sue", "due", "cue", "rue", "lung",
                     "hung", "tong", "song", "pong", "bong", "gong", "mao", "tao", "dao", "bao", "chi", "shi", "qi"}


# ---------------------------------------------------------------------------
# Structured identifiers: regular expressions, compiled once.

_NOT_ALNUM_BEFORE = r"(?<![0-9A-Za-z])"
_NOT_ALNUM_AFTER = r"(?![0-9A-Za-z])"
_HAN = "\u4e00-\u9fff"
# Characters that never sit inside a place or building name (they are grammar, not names).
_FUNC = "的了在于是由对将把被从到等并而但该此这那已未不也就还称说与及或"
_NAME_CH = rf"(?:(?![{_FUNC}])[{_HAN}])"


def _alt(words: tuple[str, ...] | list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


_UNIT = r"(?:[0-9]+|[A-Za-z]|[一二三四五六七八九十]+)(?:号楼|号院|号铺|号|栋|幢|座|楼|单元|层|室|铺|弄)"
_ADMIN = rf"(?:{_NAME_CH}{{1,10}}?(?:{_alt(_ADMIN_SUFFIX)}))"
_ROAD = rf"(?:(?:{_NAME_CH}|[A-Za-z0-9]){{1,12}}?(?:{_alt(_ROAD_SUFFIX)})(?:[东南西北中]段|[一二三四五六七八九十0-9]+段)?)"
_BLDG = rf"(?:(?:{_NAME_CH}|[A-Za-z]){{0,10}}?{_UNIT})"

_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("url", re.compile(
        r"(?:https?://|www\.)[A-Za-z0-9\-._~:/?#\[\]@!$&'*+,;=%]+"
        r"|" + _NOT_ALNUM_BEFORE + r"(?<![@.\-_])(?:[a-z0-9][a-z0-9\-]*\.)+"
        r"(?:com\.cn|net\.cn|org\.cn|gov\.cn|edu\.cn|com|cn|net|org|io|cc|biz|info)"
        r"(?:/[A-Za-z0-9\-._~:/?#@!$&'*+,;=%]*)?" + _NOT_ALNUM_AFTER,
        re.I,
    )),
    ("email", re.compile(r"(?<![A-Za-z0-9._%+\-])[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}")),
    ("id", re.compile(
        _NOT_ALNUM_BEFORE + r"(?:[1-9]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx]"
        r"|[1-9]\d{7}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3})" + _NOT_ALNUM_AFTER
    )),
    ("phone", re.compile(  # mobiles, with +86/0086, spaces or dashes
        _NOT_ALNUM_BEFORE + r"(?:(?:\+|00)?86[\s\-]?|\(\+?86\)\s?)?1[3-9]\d(?:[\s\-]?\d{4}){2}" + r"(?!\d)"
    )),
    ("phone", re.compile(  # landlines: 010-12345678, (021)87654321, 0755 1234567 转 8001
        r"(?<![0-9A-Za-z+])(?:(?:\+|00)?86[\s\-]?(?:\(0?\d{2,3}\)|0?\d{2,3})|[(（]0\d{2,3}[)）]|0\d{2,3})"
        r"[\s\-]?[1-9]\d{2,3}[\s\-]?\d{4}"
        r"(?:\s*(?:转|分机|ext\.?|x|#|-)\s*\d{1,5})?(?!\d)",
        re.I,
    )),
    # 400/800 hotlines: 400-820-3355, 4008-365-365
    ("phone", re.compile(_NOT_ALNUM_BEFORE + r"[48]00(?:[\s\-]?\d){7}(?!\d)")),
    ("plate", re.compile(
        r"[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼][A-Z][·•・.\s\-]?"
        r"(?=[A-Z0-9]{0,5}\d)[A-Z0-9]{5,6}" + _NOT_ALNUM_AFTER
    )),
    ("address", re.compile(  # English: "Room 201, Building 3, No. 88 Nanshan Road, Nanshan District"
        r"(?:(?:Room|Rm\.?|Unit|Suite|Flat|Floor|Building|Bldg\.?|Block|Tower)\s*[A-Za-z0-9\-]+,?\s*)*"
        r"(?:No\.\s*)?\d{1,5}[A-Za-z]?,?\s+(?:[A-Z][a-z]+\s+){1,4}"
        r"(?:Road|Rd\.?|Street|St\.?|Avenue|Ave\.?|Boulevard|Blvd\.?|Lane|Ln\.?|Drive|Highway|Hwy\.?|Way|Alley|Expressway)"
        r"(?![A-Za-z])"
        r"(?:,?\s*(?:[A-Z][a-z]+\s+)*(?:District|County|Town|Village|Subdistrict|New Area|Industrial Park)(?![A-Za-z]))*"
    )),
]

# Chinese addresses: admin units then a road, or admin units then building units. The match may start
# on a verb or a label ("位于…", "地址…"), so the tokens decide where the address really begins.
_ADDRESS_ZH = (re.compile(rf"{_ADMIN}*{_ROAD}{_BLDG}*"), re.compile(rf"{_ADMIN}+{_BLDG}+"))
# After trimming, what is left must still be an address: a road with something before or after it, or
# admin units with a building number.
_ADDRESS_ZH_STRICT = (
    re.compile(rf"{_ADMIN}+{_ROAD}{_BLDG}*"), re.compile(rf"{_ROAD}{_BLDG}+"), re.compile(rf"{_ADMIN}+{_BLDG}+"),
)

_EN_ORG = re.compile(
    r"(?<![A-Za-z])((?:[A-Z][A-Za-z0-9&'\-]*\.?\s+|&\s+){0,6}[A-Z][A-Za-z0-9&'\-]*)"
    r"(,?\s+(?:Co\.,?\s*Ltd\.?|Co\.?\s*,?\s*Limited|Co\.|Company(?:\s+Limited)?|Corporation|Corp\.?|Inc\.?|Incorporated|"
    r"Group(?:\s+Co\.,?\s*Ltd\.?)?|Limited|Ltd\.?|LLC|GmbH|PLC|AG|Holdings|Institute|Association|Law\s+Firm|"
    r"(?:Service|Repair|Maintenance)\s+(?:Center|Centre|Station|Shop)))(?![A-Za-z])"
)
_EN_HONORIFIC_NAME = re.compile(rf"(?<![A-Za-z]){_EN_HONORIFIC}\s+([A-Z][a-zA-Z'\-]+(?:\s+[A-Z][a-zA-Z'\-]+)?)")
_EN_ROLE_NAME = re.compile(rf"(?<![A-Za-z]){_EN_ROLE}\s+([A-Z][a-zA-Z'\-]+(?:\s+[A-Z][a-zA-Z'\-]+)?)")
# A lookahead, so that "Customer Linda Zhou" yields both "Customer Linda" and "Linda Zhou".
_EN_TWO_WORDS = re.compile(r"(?<![A-Za-z'\-])(?=([A-Z][a-z'\-]+|[A-Z]{2,})\s+([A-Z][a-z'\-]+|[A-Z]{2,})(?![A-Za-z]))")

_COMPOUND_SURNAME = re.compile("|".join(_SURNAMES_2))
_TITLE_FULL = re.compile(f"(?:{_TITLE_RE})")  # fullmatch: the word is a title
_TITLE_END = re.compile(f"(?:{_TITLE_RE})$")
_ROLE_BEFORE = re.compile(rf"(?:{_ROLE_RE})\s*[:：]?\s*$")
_LIST_SEPARATOR = re.compile(r"[、和与及,，]\s*")
_SURNAME_TITLE = re.compile(
    "(" + "|".join(_SURNAMES_2) + "|[" + "".join(sorted(_SURNAMES_1)) + "])(" + _TITLE_RE + ")"
)
_ROLE_THEN_SURNAME = re.compile(
    rf"(?:{_ROLE_RE})\s*(?:[:：]|为|是)?\s*(?=(?:{'|'.join(_SURNAMES_2)}|[{''.join(sorted(_SURNAMES_1))}]))"
)
_CHINESE_ANON = re.compile(rf"[{''.join(sorted(_SURNAMES_1))}](?:某+|[Xx×*＊]+)")


# ---------------------------------------------------------------------------
# jieba: one quiet initialisation per process, its cache in the data directory.

def _init_jieba(settings: Settings | None) -> Any:
    """Return `jieba.posseg`, initialised once (quietly, cache in the data directory)."""
    import jieba.posseg

    init_jieba(settings)
    return jieba.posseg


@dataclass
class _Token:
    word: str
    flag: str
    start: int
    end: int


@dataclass
class _Candidate:
    kind: str
    start: int
    end: int
    key: str


def _nfkc_same_length(text: str) -> str:
    """NFKC per character where it maps to one character, so offsets stay valid (full-width digits, colons)."""
    out = []
    for ch in text:
        n = unicodedata.normalize("NFKC", ch)
        out.append(n if len(n) == 1 else ch)
    return "".join(out)


def _propagates(surface: str) -> bool:
    """Long enough to be searched for again elsewhere without hitting ordinary words."""
    return len(surface) >= (4 if surface.isascii() else 2)


def _is_han(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


class Anonymizer:
    """Finds identifiers and replaces each with a placeholder that stays the same for the same identifier.

    One instance keeps its mapping across calls, so a batch (an import file) numbers people and companies once:

    >>> a = Anonymizer()
    >>> a.anonymize("维修工程师刘晓明未回访，电话13812345678。")
    '维修工程师[人员1]未回访，电话[电话1]。'
    >>> a.anonymize("刘晓明已整改。")
    '[人员1]已整改。'
    """

    def __init__(self, settings: Settings | None = None) -> None:
        if settings is None:
            from assistant.settings import get_settings

            settings = get_settings()
        self._pseg = _init_jieba(settings)
        self._numbers: dict[tuple[str, str], str] = {}  # (kind, normalised identifier) -> placeholder
        self._originals: dict[str, str] = {}  # placeholder -> first surface form seen
        self._counters: Counter[str] = Counter()
        self._known: dict[str, str] = {}  # surface of a person/org already found -> kind, for recall across texts
        self._known_re: tuple[tuple[str, ...], re.Pattern[str]] | None = None

    # -- public -----------------------------------------------------------

    def anonymize(self, text: str) -> str:
        """Return `text` with every identifier replaced by its placeholder."""
        out, pos = [], 0
        for ent in self.find(text):
            out.append(text[pos : ent.start])
            out.append(ent.placeholder)
            pos = ent.end
        out.append(text[pos:])
        return "".join(out)

    def find(self, text: str) -> list[Entity]:
        """Identifiers in `text`, left to right and non-overlapping, with their placeholders (assigned on first sight)."""
        chosen = self._resolve(self._candidates(text))
        return [
            Entity(c.kind, text[c.start : c.end], c.start, c.end, self._placeholder(c.kind, c.key, text[c.start : c.end]))
            for c in chosen
        ]

    @property
    def mapping(self) -> dict[str, str]:
        """Placeholder -> the identifier it replaced (first form seen). Holds personal data: never log or store it."""
        return dict(self._originals)

    def counts(self) -> dict[str, int]:
        """Distinct identifiers replaced so far, by placeholder label (人员, 企业, ...)."""
        return {LABELS[k]: self._counters[k] for k in LABELS if self._counters[k]}

    # -- placeholders ------------------------------------------------------

    def _placeholder(self, kind: str, key: str, surface: str) -> str:
        ph = self._numbers.get((kind, key))
        if ph is None:
            self._counters[kind] += 1
            ph = f"[{LABELS[kind]}{self._counters[kind]}]"
            self._numbers[(kind, key)] = ph
            self._originals[ph] = surface
        if kind in ("person", "org") and _propagates(surface):
            self._known.setdefault(surface, kind)
        return ph

    @staticmethod
    def _key(kind: str, surface: str) -> str:
        s = _nfkc_same_length(surface)
        if kind == "phone":
            digits = re.sub(r"\D", "", s.split("转")[0].split("分机")[0])
            if digits.startswith("0086"):
                digits = digits[4:]
            elif digits.startswith("86") and len(digits) >= 12:
                digits = digits[2:]
            if not digits.startswith(("0", "1", "4", "8")):
                digits = "0" + digits  # +86 755 ... written without the trunk 0
            return digits
        if kind in ("email", "url"):
            return s.lower().rstrip("/")
        if kind in ("plate", "id"):
            return re.sub(r"[\s·•・.\-]", "", s).upper()
        return re.sub(r"\s+", " ", s).strip().casefold()

    # -- detection ---------------------------------------------------------

    def _candidates(self, original: str) -> list[_Candidate]:
        text = _nfkc_same_length(original)
        cands: list[_Candidate] = []

        def add(kind: str, start: int, end: int, key_text: str | None = None) -> None:
            if end > start:
                cands.append(_Candidate(kind, start, end, self._key(kind, key_text or text[start:end])))

        protected = [(m.start(), m.end()) for m in PLACEHOLDER.finditer(text)]

        for kind, pattern in _PATTERNS:
            for m in pattern.finditer(text):
                s, e = m.start(), m.end()
                if kind == "url":
                    while e > s and text[e - 1] in ".,;:!?)]'":
                        e -= 1
                add(kind, s, e)

        tokens = self._tokenize(text)
        starts = {t.start: i for i, t in enumerate(tokens)}
        ends = {t.end for t in tokens}

        for pattern in _ADDRESS_ZH:
            for m in pattern.finditer(text):
                span = self._trim_address(m.start(), m.end(), text, tokens)
                if span:
                    add("address", *span)

        self._persons_zh(text, tokens, starts, ends, add)
        self._enumerated_persons(text, tokens, starts, cands, add)
        self._orgs_zh(text, tokens, add)
        self._persons_en(text, add)
        self._orgs_en(text, add)
        self._known_again(text, tokens, cands, add)

        return [
            c for c in cands
            if not any(c.start < pe and ps < c.end for ps, pe in protected)
            # "14单中", "3项中": a character after a number is a measure word, not a surname
            and not (c.kind == "person" and c.start > 0 and text[c.start - 1] in _NUMERALS and _is_han(text[c.start]))
        ]

    def _tokenize(self, text: str) -> list[_Token]:
        tokens, pos = [], 0
        for pair in self._pseg.cut(text):
            word, flag = pair.word, pair.flag
            tokens.append(_Token(word, flag, pos, pos + len(word)))
            pos += len(word)
        return tokens

    @staticmethod
    def _trim_address(start: int, end: int, text: str, tokens: list[_Token]) -> tuple[int, int] | None:
        """Move a Chinese address match's start to its first place word: the regex can begin on a verb or a label."""
        inside = [t for t in tokens if t.end > start and t.start < end]
        if not inside:
            return None
        first = 0
        def placey(t: _Token) -> bool:
            return t.flag in ("ns", "nz", "nr", "nrt", "nt", "m", "eng") or t.word.endswith(_ADMIN_SUFFIX + _ROAD_SUFFIX)

        for i, t in enumerate(inside):
            breaker = t.flag[:1] in ("v", "p", "c", "u", "d", "r", "x") and t.flag != "vn"
            if breaker and len(t.word) == 1 and 0 < i < len(inside) - 1 and placey(inside[i - 1]) and placey(inside[i + 1]):
                breaker = False  # jieba's misreading inside a place name: "郑州市 经/p 开区"
            followed_by_road = i + 1 < len(inside) and inside[i + 1].word.endswith(_ROAD_SUFFIX)
            if breaker and not followed_by_road and t.start >= start and not t.word.endswith(_ROAD_SUFFIX + _ADMIN_SUFFIX):
                first = i + 1
        for t in inside[first:]:
            if placey(t) and t.word not in _REGIONS:
                s = max(t.start, start)
                # End on a word boundary ("…27号院内" ends after 号, "矿区路况" is no road), the longest that still parses.
                for e in sorted({x.end for x in inside if s < x.end <= end}, reverse=True):
                    if any(p.fullmatch(text, s, e) for p in _ADDRESS_ZH_STRICT):
                        return s, e
                return None
        return None

    def _persons_zh(self, text: str, tokens: list[_Token], starts: dict[int, int], ends: set[int], add) -> None:
        def given_ok(given: str) -> bool:
            return bool(given) and all(_is_han(c) for c in given) and not (set(given) & (_ANON_MARKS | _NOT_GIVEN))

        def _third_char(i: int) -> int | None:
            """A one-character token jieba split off the end of a two-character name ("白雪/nr 峰/nr 表示")."""
            tok = tokens[i]
            if len(tok.word) != 2 or i + 1 >= len(tokens):
                return None
            nxt = tokens[i + 1]
            if len(nxt.word) == 1 and nxt.flag in ("nr", "nrfg", "ng") and _is_han(nxt.word) and nxt.word not in _AFTER_NAME:
                after = nxt.end
                if after >= len(text) or not _is_han(text[after]) or text[after] in _AFTER_NAME:
                    return after
                if after in starts and tokens[starts[after]].flag[:1] in ("v", "d", "p", "c", "u"):
                    return after
            return None

        def name_end(s: int, surname_len: int) -> int | None:
            """End of a name whose surname starts at s: the jieba token if it is a name-sized one, else 1-2 chars."""
            i = starts.get(s)
            if i is not None:
                tok = tokens[i]
                if surname_len < len(tok.word) <= surname_len + 2 and not tok.word.endswith(_ADMIN_SUFFIX + _ROAD_SUFFIX):
                    return _third_char(i) or tok.end
            g = s + surname_len
            if g >= len(text) or not _is_han(text[g]) or text[g] in _AFTER_NAME:
                return None
            if g + 1 < len(text) and _is_han(text[g + 1]) and text[g + 1] not in _AFTER_NAME:
                # Two given characters unless jieba sees a word starting at the second one ("李娜负责").
                j = starts.get(g + 1)
                if j is not None and len(tokens[j].word) >= 2 and tokens[j].flag not in ("nr", "nrfg", "nrt"):
                    return g + 1
                return g + 2
            return g + 1

        # 1. jieba's person tags, filtered by the surname list and by how common the word is.
        for i, t in enumerate(tokens):
            w = t.word
            if t.flag not in ("nr", "nrfg", "nrt") or w in _NOT_NAMES or w in _TITLES or w in _ROLES:
                continue
            if self._common_word(w):
                continue  # 周转, 高峰, 文明: jieba's dictionary tags them nr; context rules below still apply
            if w.endswith(_ADMIN_SUFFIX + _ROAD_SUFFIX) or w.endswith(_ORG_SUFFIX):
                continue
            sl = 2 if w[:2] in _SURNAMES_2 else (1 if w[0] in _SURNAMES_1 else 0)
            if not sl:
                continue
            if _TITLE_FULL.fullmatch(w, sl):
                continue  # 李工, 刘总: handled by the title rule
            if sl == 2 and len(w) == 2:
                continue  # a bare compound surname: the compound rule decides
            given = w[sl:]
            if sl == 1 and len(given) == 1 and w[0] not in _COMMON_SURNAMES:
                continue  # 查新/nr, 单中/nr: jieba's guess alone is too weak for a rare surname; context rules decide
            if 1 <= len(given) <= 2 and given_ok(given):
                add("person", t.start, (_third_char(i) if sl == 1 else None) or t.end)
            elif len(given) == 3 and given_ok(given[:2]) and w[sl + 2 :] in _AFTER_NAME | {"经", "主", "工", "总"}:
                add("person", t.start, t.start + sl + 2)

        # 1b. a surname jieba tagged on its own, cut off from its given name ("廖/nr 红梅/nr", "丁/nr 浩然/a").
        for i, t in enumerate(tokens[:-1]):
            nxt = tokens[i + 1]
            if not (t.flag in ("nr", "nrfg") and len(t.word) == 1 and t.word in _SURNAMES_1):
                continue
            if not (1 <= len(nxt.word) <= 2 and given_ok(nxt.word)) or _TITLE_FULL.match(nxt.word):
                continue
            if nxt.word[0] in _AFTER_NAME:
                continue
            hard_bound = nxt.end >= len(text) or not _is_han(text[nxt.end])
            bounded = hard_bound or text[nxt.end] in _AFTER_NAME
            loose = (bounded and nxt.flag in ("a", "ad", "an", "d", "n", "ns", "nz", "ng", "i", "t", "j")) or (
                hard_bound and nxt.flag == "v" and len(nxt.word) == 2 and not self._common_word(nxt.word)  # 陶/nr 建新/v ，
            )
            if nxt.flag in ("nr", "nrfg", "nrt") or loose:
                add("person", t.start, nxt.end)

        # 2. compound surnames (欧阳娜娜, 司马光明, 上官婉儿), which jieba often splits or tags as places.
        for m in _COMPOUND_SURNAME.finditer(text):
            s = m.start()
            if s in starts:
                tok = tokens[starts[s]]
            else:
                continue
            e = s + 2
            if e >= len(text) or not _is_han(text[e]) or text[e] in _AFTER_NAME:
                continue
            if len(tok.word) == 2:  # jieba kept the surname apart: the next token or a role word must vouch for it
                nxt = tokens[starts[e]] if e in starts else None
                tagged = nxt is not None and nxt.flag in ("nr", "nrfg", "nrt")
                context = _ROLE_BEFORE.search(text[max(0, s - 8) : s]) is not None
                single = nxt is not None and len(nxt.word) == 1
                if not (tagged or context or (single and m.group(0) not in _AMBIGUOUS_2)):
                    continue
            g2 = e + 1
            end = e + 2 if g2 < len(text) and _is_han(text[g2]) and text[g2] not in _AFTER_NAME else e + 1
            if _TITLE_FULL.match(text, e):
                continue  # 欧阳经理: the title rule
            if given_ok(text[e:end]) and not text[s:end].endswith(_ORG_SUFFIX):
                add("person", s, end)

        # 3. surname + title (王经理, 张主任, 李工, 欧阳经理): the surname is replaced, the title kept.
        for m in _SURNAME_TITLE.finditer(text):
            s, se, e = m.start(1), m.end(1), m.end(2)
            sur, title = m.group(1), m.group(2)
            if sur in _TITLE_SURNAME_EXCLUDE or text[s:e] in _NOT_NAMES or s not in starts:
                continue
            tok = tokens[starts[s]]
            if tok.end > se and tok.end != e:
                continue  # the surname character opens another word ("高于", "施工方")
            if tok.end == e and tok.flag not in ("nr", "nrfg", "nrt", "nt") and self._dictionary_word(tok.word):
                continue  # the whole thing is an ordinary word ("班组长")
            if tok.end == se:
                if se not in starts or e not in ends:
                    continue  # the title is the start of a longer word ("何总结")
                if title in _SHORT_TITLES and tokens[starts[se]].word != title:
                    continue
                prev_ok = s == 0 or not _is_han(text[s - 1]) or (s in starts and tokens[starts[s] - 1].end == s)
                if not prev_ok:
                    continue
            elif title in _SHORT_TITLES and tok.flag not in ("nr", "nrfg", "nrt", "nt", "nz"):
                continue  # 施工/v, 化工/n
            if text[se : se + 1] in _ANON_MARKS:
                continue
            add("person", s, se, key_text=text[s:e])

        # 4. a role word then a surname: "工程师刘晓明", "联系人：司马光明", "客户王芳".
        for m in _ROLE_THEN_SURNAME.finditer(text):
            s = m.end()
            sl = 2 if text[s : s + 2] in _SURNAMES_2 else 1
            glued = any(t.start == m.start() and t.end == s + 1 for t in tokens)
            if s not in starts and sl == 1 and not glued:
                continue  # the surname starts a word ("维修工单数"), unless jieba glued it to the role ("客户王/n 芳/nr")
            if m.start() not in starts:
                continue  # the role word is the tail of another word
            if text[s - 1 : s + 1] in _DOMAIN_WORDS:
                continue  # the role's last character makes a word with the next one: "维修工单"
            first = tokens[starts[s]] if s in starts else None
            if first is not None and len(first.word) == 1 and first.flag[:1] in ("p", "c", "r", "u", "d"):
                # A preposition or pronoun that happens to be a surname ("师傅向其…", "用户曾投诉"); an adverb
                # reading is jieba's guess too ("主管尚/d 海峰/n"), kept when a name-like word follows.
                nxt = tokens[starts[s + 1]] if s + 1 in starts else None
                adverb_then_name = (
                    first.flag[:1] == "d" and nxt is not None and nxt.flag[:1] in ("n", "a", "i", "j")
                    and not self._common_word(nxt.word)
                )
                if not adverb_then_name:
                    continue
            e = name_end(s, sl)
            if first is not None and len(first.word) > sl and first.flag not in ("nr", "nrfg", "nrt"):
                covered = e == first.end and (
                    self._common_word(first.word) or (first.flag[:1] == "n" and self._dictionary_word(first.word))
                )
                if covered or (len(first.word) == sl + 2 and self._common_word(first.word[sl:])):
                    continue  # "工程师安排", "经理任命", "客服全权限": a word, not a name (but 总监甘露/v 明确…)
            if e is None or e - s - sl > 2 or e - s - sl < 1:
                continue
            given = text[s + sl : e]
            if not given_ok(given) or text[s:e] in _NOT_NAMES or _TITLE_FULL.match(given):
                continue
            add("person", s, e)

    @staticmethod
    def _dictionary_word(word: str) -> bool:
        """In jieba's dictionary as a word (its prefix table also holds every word's prefixes, with frequency 0)."""
        import jieba

        return (jieba.dt.FREQ.get(word) or 0) > 0

    @staticmethod
    def _common_word(word: str) -> bool:
        """A word jieba's dictionary knows as frequent: real people's names are absent from it or have frequency ~0."""
        import jieba

        return (jieba.dt.FREQ.get(word) or 0) >= _COMMON_WORD_FREQ

    def _enumerated_persons(
        self, text: str, tokens: list[_Token], starts: dict[int, int], cands: list[_Candidate], add
    ) -> None:
        """A name listed right after a found one ("维修员邓志刚、廖红梅均未…") is a person too."""
        ends = {c.end for c in cands if c.kind == "person"}
        for m in _LIST_SEPARATOR.finditer(text):
            if m.start() not in ends:
                continue
            s = m.end()
            sl = 2 if text[s : s + 2] in _SURNAMES_2 else (1 if text[s : s + 1] in _SURNAMES_1 else 0)
            if not sl:
                continue
            e = s + sl
            while e < len(text) and e - s - sl < 2 and _is_han(text[e]) and text[e] not in _AFTER_NAME:
                e += 1
            j = starts.get(s)
            if j is None:
                continue
            tok = tokens[j]
            function_word = tok.flag[:1] in ("p", "c", "r", "u", "d", "m")
            if tok.flag not in ("nr", "nrfg", "nrt") and (tok.end > s + sl or function_word):
                continue  # a word starts at the surname character ("张伟和方案…")
            tail_ok = e >= len(text) or not _is_han(text[e]) or text[e] in _AFTER_NAME
            given = text[s + sl : e]
            if 1 <= len(given) <= 2 and tail_ok and not (set(given) & _ANON_MARKS) and text[s:e] not in _NOT_NAMES:
                add("person", s, e)

    def _orgs_zh(self, text: str, tokens: list[_Token], add) -> None:
        """An organisation ends in a suffix token (有限公司, 集团, 服务站...); its name is walked back token by token."""
        for i, t in enumerate(tokens):
            w = t.word
            if t.flag == "nt" and len(w) >= 3 and not _TITLE_END.search(w) and not w.endswith(_DEPARTMENTS):
                add("org", t.start, t.end)  # 长城汽车; not 人力资源部, a department every company has
            if not w.endswith(_ORG_SUFFIX):
                continue
            suffix = next(s for s in _ORG_SUFFIX if w.endswith(s))
            # A legal form (有限公司, 有限责任/l 公司): what precedes it is a name, whatever jieba calls it.
            legal = any(x in (tokens[i - 1].word if i else "") + w for x in ("有限", "股份"))
            parts = self._org_name_tokens(tokens, i, legal)
            if not parts or any("某" in p.word for p in parts):
                continue
            core = [p for p in parts if p.word not in ("(", ")", "（", "）")]
            proper = any(
                p.flag in _PROPER_FLAGS and p.word not in _REGIONS and not (p.flag == "eng" and len(p.word) < 2)
                for p in core
            )
            if len(w) > len(suffix) and t.flag in ("nt", "nz", "ns", "nr", "nrt"):
                proper = proper or w[: -len(suffix)] not in ("维修", "服务", "客户服务", "售后服务", "客服", "呼叫", "配件", "备件")
            if proper or (legal and len("".join(p.word for p in core)) >= 2):
                add("org", parts[0].start, t.end)

    @staticmethod
    def _org_name_tokens(tokens: list[_Token], i: int, legal: bool) -> list[_Token]:
        """Tokens before the suffix token i that belong to the organisation's name (may be empty)."""
        company = tokens[i].word.endswith(("公司", "股份"))
        parts: list[_Token] = []
        k, budget = i - 1, 10 if legal else 8
        while k >= 0 and budget > 0:
            p = tokens[k]
            if p.word in (")", "）"):  # "(集团)" inside a company name
                m = k - 1
                while m >= 0 and m > k - 4 and tokens[m].word not in ("(", "（"):
                    m -= 1
                if company and m >= 0 and tokens[m].word in ("(", "（"):
                    parts = tokens[m : k + 1] + parts
                    k, budget = m - 1, budget - 1
                    continue
                break
            if "某" in p.word:
                return [p] + parts  # already anonymous
            if p.word.endswith(_ORG_COMPLETE) and not (company and p.word.endswith(("集团", "股份"))):
                break
            if legal:
                stop = (
                    p.word in _ORG_STRONG_STOP
                    or p.flag[:1] in ("p", "c", "u", "r", "y", "e", "o", "w")
                    or (p.flag == "x" and p.word not in "&·")
                    or (p.flag == "d" and len(p.word) == 1)
                    or (p.flag == "m" and not (k + 1 < len(tokens) and tokens[k + 1].flag == "eng"))
                )
            else:
                stop = p.word in _ORG_STOP or p.word[:1] in "两三四五几多各每数" or not (
                    p.flag in _ORG_NAME_FLAGS
                    or p.word in _ORG_NAME_VERBS
                    or (p.flag == "m" and k + 1 < len(tokens) and tokens[k + 1].flag == "eng")
                    or (p.flag == "x" and p.word in "&·")
                )
            if stop:
                break
            parts = [p] + parts
            k, budget = k - 1, budget - 1
        if legal:  # a verb or a direction word opening the run belongs to the sentence ("委托华强电器有限公司")
            while parts and (
                (p := parts[0]).flag[:1] in ("v", "f", "q", "d") and p.flag != "vn" and p.word not in _ORG_NAME_VERBS
            ):
                parts.pop(0)
        return parts

    def _persons_en(self, text: str, add) -> None:
        """Mr./Ms. + name, a role word + name, and two capitalised words that read as a given name and a surname."""
        for m in _EN_HONORIFIC_NAME.finditer(text):
            words = m.group(1).split()
            while words and words[-1] in _EN_SURNAME_STOP:
                words.pop()
            if words:
                add("person", m.start(1), m.start(1) + len(" ".join(words)))
        for m in _EN_ROLE_NAME.finditer(text):
            words = m.group(1).split()
            first = words[0]
            if first.lower() in _PINYIN_SURNAMES or first in _EN_GIVEN:
                if len(words) == 2 and (words[1] in _EN_SURNAME_STOP or not self._namey_second(first, words[1])):
                    words = words[:1]
                if first in _EN_GIVEN and len(words) == 1:
                    continue
                add("person", m.start(1), m.start(1) + len(" ".join(words)))
        for m in _EN_TWO_WORDS.finditer(text):
            a, b = m.group(1), m.group(2)
            if b in _EN_SURNAME_STOP or a in _EN_LEADING_DROP:
                continue
            if a in _EN_GIVEN or a.capitalize() in _EN_GIVEN or self._pinyin_pair(a, b):
                add("person", m.start(1), m.end(2))

    @staticmethod
    def _namey_second(first: str, second: str) -> bool:
        if first in _EN_GIVEN:
            return second[0].isupper()
        return Anonymizer._pinyin_pair(first, second)

    @staticmethod
    def _pinyin_pair(a: str, b: str) -> bool:
        """"Zhang Wei", "Xiaoming Wang": both words pinyin, one of them a surname, not two everyday English words."""
        la, lb = a.lower(), b.lower()
        if not (_PINYIN_NAME.fullmatch(la) and _PINYIN_NAME.fullmatch(lb)) and not (
            la in _PINYIN_SURNAMES and lb in _PINYIN_SURNAMES
        ):
            return False
        if la in _EN_COMMON_PINYIN and lb in _EN_COMMON_PINYIN:
            return False
        return la in _PINYIN_SURNAMES or lb in _PINYIN_SURNAMES

    def _orgs_en(self, text: str, add) -> None:
        """Capitalised words before a company form (Co., Ltd., Inc., Group...), unless they are all generic."""
        for m in _EN_ORG.finditer(text):
            words = m.group(1).split()
            start = m.start(1)
            while words and words[0] in _EN_LEADING_DROP:
                start = text.index(words[0], start) + len(words[0])
                while start < len(text) and text[start].isspace():
                    start += 1
                words.pop(0)
            if not words or all(w.strip(".&") in _EN_ORG_GENERIC or not w.strip(".&") for w in words):
                continue
            add("org", start, m.end())

    def _known_again(self, text: str, tokens: list[_Token], cands: list[_Candidate], add) -> None:
        """Other occurrences of a name already found (here or earlier in the batch) are replaced as well."""
        here = {text[c.start : c.end]: c.kind for c in cands if c.kind in ("person", "org")}
        surfaces = {**self._known, **{k: v for k, v in here.items() if _propagates(k)}}
        if not surfaces:
            return
        if self._known_re is None or self._known_re[0] != tuple(surfaces):
            alternation = "|".join(re.escape(x) for x in sorted(surfaces, key=len, reverse=True))
            self._known_re = (tuple(surfaces), re.compile(alternation))
        for m in self._known_re[1].finditer(text):
            surface = m.group(0)
            if surface.isascii() and (
                (m.start() > 0 and text[m.start() - 1].isalnum()) or (m.end() < len(text) and text[m.end()].isalnum())
            ):
                continue  # "Wang Fang" inside "Wang Fangzhou"
            if any(
                t.start < m.end() and m.start() < t.end and (t.start < m.start() or t.end > m.end())
                and t.flag not in ("nr", "nrfg", "nrt") and self._dictionary_word(t.word)
                for t in tokens
            ):
                continue  # inside a longer ordinary word
            add(surfaces[surface], m.start(), m.end())

    @staticmethod
    def _resolve(cands: list[_Candidate]) -> list[_Candidate]:
        """Longest span first (a URL over the e-mail inside it); ties go to the more specific kind."""
        taken: list[tuple[int, int]] = []
        chosen: list[_Candidate] = []
        for c in sorted(cands, key=lambda c: (-(c.end - c.start), _PRIORITY[c.kind], c.start)):
            if any(c.start < e and s < c.end for s, e in taken):
                continue
            taken.append((c.start, c.end))
            chosen.append(c)
        return sorted(chosen, key=lambda c: c.start)


def _read_input(file: str) -> str:
    if file in ("-", "", None):
        data, where = sys.stdin.buffer.read(), "standard input"
    else:
        path = Path(file)
        where = str(path)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            raise BadInput("文件不存在 file not found", where=where) from None
        except IsADirectoryError:
            raise BadInput("这是一个目录，不是文本文件 is a directory, not a text file", where=where) from None
        except OSError as exc:
            raise BadInput(f"无法读取 cannot read ({exc.strerror or exc})", where=where) from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise BadInput(f"不是 UTF-8 文本 not UTF-8 text (byte {exc.start})", where=where) from None


def run_cli(args: Any) -> int:
    """`python -m assistant anonymize [FILE | -]`: print the text with identifiers replaced."""
    text = _read_input(getattr(args, "file", "-") or "-")
    sys.stdout.write(Anonymizer().anonymize(text))
    sys.stdout.flush()
    return 0
