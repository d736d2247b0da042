"""Word lists the Chinese and English recognizers share: surnames, titles, roles, suffixes, stop words."""

from __future__ import annotations

import re

# Surnames filter jieba's person tags (it tags many brands and places `nr`);
# titles and role words give context when jieba misses a name.

SURNAMES_1 = set(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任"
    "沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付傅方白邹孟熊秦邱江尹薛闫阎段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴"
    "莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅"
    "童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项"
    "连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师仇栾隋商刁沙荣巫寇桑郎甄丛仲虞"
    "敖巩明佘池查麻苑迟邝封储皮郁蔺茅巴弓牧隗宓蓬郗班仰伊暴钭厉戎祖束幸韶郜蓟薄印宿怀邰鄂索咸籍赖屠阴胥苍闻莘"
    "贡劳逄扶堵宰郦雍璩濮寿扈燕冀郏浦慕茹习宦鱼慎戈庾暨衡弘匡禄阙殳沃蔚夔厍晁勾融訾阚毋乜鞠丰巢蒯荆竺权逯盖桓"
    "揭谈练植冼湛"
)
SURNAMES_2 = (
    "欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "慕容", "令狐", "尉迟", "司徒", "夏侯", "长孙", "宇文",
    "公孙", "轩辕", "端木", "独孤", "南宫", "西门", "呼延", "澹台", "公冶", "太史", "申屠", "钟离", "闻人",
    "赫连", "濮阳", "万俟", "单于", "东郭", "百里", "第五", "左丘", "拓跋",
)
# Compound surnames that are also everyday words ("向东方发展"): need jieba's or the context's support.
AMBIGUOUS_2 = {"东方", "长孙", "单于", "西门", "南宫", "百里", "第五"}

# Titles that follow a surname or a full name (王经理, 李工, 张主任); the title itself is kept.
TITLES = (
    "总经理", "副总经理", "董事长", "总工程师", "工程师", "技术员", "经理", "主任", "总监", "主管", "师傅", "先生",
    "女士", "小姐", "老师", "站长", "部长", "科长", "处长", "厂长", "店长", "组长", "班长", "队长", "专员", "助理",
    "博士", "教授", "律师", "医生", "会计", "总", "工", "姐", "哥",
)
TITLE_RE = "|".join(sorted(TITLES, key=len, reverse=True))
# One-character titles are everyday suffixes too (施工, 何总结): only trusted when jieba agrees.
SHORT_TITLES = {"总", "工", "姐", "哥"}
# Surname characters that are mostly prepositions before a title ("向经理汇报").
TITLE_SURNAME_EXCLUDE = {"向", "和", "于", "从", "对", "与", "将", "把", "被", "为", "以", "在", "由", "给", "及", "或"}
# 高工 is the usual abbreviation of 高级工程师, not Mr Gao.
NOT_NAMES = {"高工", "总工", "施工", "石工", "化工", "员工", "车工", "张江", "高新", "江北", "江南", "华东",
              "华南", "华北", "华中", "华西", "明确", "明显", "明年", "时间", "常规", "金额", "方案", "程序", "关键",
              "安全", "安装", "管理", "应用", "华为", "周期", "周年", "周末", "宁波", "武汉", "成都", "柳州",
              "司机", "温州", "温度", "文件", "包装", "包括", "黄金", "白色", "黎明", "邵阳", "洪水", "连续",
              "雷达", "车主", "车间", "钟点", "史上", "方面", "方法", "向来", "曾经", "任务", "于是", "和谐"}


# Everyday words of after-sales texts that jieba's dictionary lacks.
DOMAIN_WORDS = {"工单", "派单", "单号", "工牌"}

# Role words that introduce a person: "工程师刘晓明", "联系人：司马光明".
ROLES = (
    "总经理", "经理", "主管", "工程师", "技术员", "站长", "负责人", "联系人", "客户", "用户", "师傅", "专员", "主任",
    "总监", "店长", "员工", "维修工", "维修员", "操作员", "质检员", "审核员", "评审员", "顾问", "客服", "接线员", "坐席",
    "调度员", "仓管员", "管理员", "业务员", "销售员", "服务商", "网点主任", "组长", "班长", "厂长", "董事长", "代表",
    "投诉人", "报修人", "签收人", "经办人", "审批人", "责任人", "记录人", "填表人", "检验员", "安装工", "安装员",
    "司机", "老板", "法人", "法定代表人", "车主", "业主", "消费者", "机主", "库管员", "处理人", "维修人", "安装人",
    "派工人", "接待人", "回访人", "回访员", "质检人", "确认人", "申请人", "驻点代表", "调度", "副站长", "部长", "科长",
    "处长", "队长", "副总", "总裁", "董事", "监事", "助理", "秘书", "文员", "会计", "出纳", "审核员", "技术主管",
)
ROLE_RE = "|".join(sorted(ROLES, key=len, reverse=True))

# A character here right after a one-character given name ends the name ("张伟称", "李娜未").
AFTER_NAME = set(
    "其的了和与及或在于为是由对将把被从向到至等并而但称说讲表未已不也都就还均曾仍又再负要应会能可认承提介回答签确核指告拒"
    "无没只个请所、，。；：！？,.;:!?（）()“”\"' \t\n"
)
ANON_MARKS = set("某Xx×*＊？?○〇")
# Characters that (almost) never occur in a given name but often follow a surname-like character in
# ordinary prose: measure words and function nouns ("14单中", "班前会", "周点检", "项中").
NOT_GIVEN = set("们么呢吗吧着过里系统数项单次件个条前后内外下点检查表率量额式型类种份批台套部处科室组队站网号码期限制度规则例会议据")
NUMERALS = set("0123456789零一二三四五六七八九十百千万两几")
# The hundred commonest surnames: only these are trusted on jieba's word alone for two-character names.
COMMON_SURNAMES = set(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔"
    "钟谭陆汪范金石廖贾夏韦付傅方白邹孟熊秦邱江尹薛闫阎段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)

ADMIN_SUFFIX = ("特别行政区", "自治区", "自治州", "自治县", "开发区", "高新区", "新区", "工业区", "科技园", "工业园", "产业园",
                 "软件园", "园区", "小区", "花园", "大厦", "广场", "街道", "省", "市", "州", "盟", "区", "县", "旗", "镇", "乡", "村")
ROAD_SUFFIX = ("大道", "大街", "胡同", "路", "街", "巷", "弄", "道")
REGIONS = {"华东", "华南", "华北", "华中", "华西", "西南", "西北", "东北", "东南", "中南", "海外", "国内", "全国", "大陆"}

# Organisation suffixes, longest first. Except after a legal form (有限公司, 股份), a proper name must come
# before them: 客服中心 and 维修站 alone are ordinary words.
ORG_SUFFIX = (
    "股份有限公司", "有限责任公司", "集团有限公司", "有限公司", "集团公司", "股份公司", "分公司", "子公司", "公司", "集团",
    "股份", "研究院", "研究所", "设计院", "事务所", "服务中心", "维修中心", "中心", "服务站", "维修站", "维修点",
    "服务网点", "网点", "服务部", "维修部", "经营部", "门市部", "营业部", "办事处", "商行", "工作室", "电器厂", "工厂", "厂",
    "专卖店", "旗舰店", "4S店", "门店", "协会", "商会", "银行", "医院", "大学", "学院", "学校",
)
DEPARTMENTS = ("部", "处", "科", "室", "组", "办", "委员会", "小组")
ORG_COMPLETE = ("公司", "集团", "股份", "研究院", "研究所", "设计院", "事务所", "中心", "站", "网点", "部", "处", "商行",
                 "厂", "店", "协会", "商会", "银行", "医院", "大学", "学院", "学校", "工作室", "维修点")
# Generic nouns and roles an organisation name never starts with; the walk back stops there.
ORG_STOP = {
    "客服", "部门", "主管", "经理", "站长", "工程师", "人员", "员工", "审核", "现场", "供应商", "客户", "用户",
    "厂家", "厂商", "合作方", "服务商", "代理商", "经销商", "承包商", "外包商", "外包方", "单位", "企业", "公司",
    "受审核方", "申请方", "申请人", "委托方", "总部", "下属", "旗下", "所属", "各", "该", "本", "其", "贵", "我司", "贵司",
    "这家", "那家", "一家", "多家", "某", "呼叫", "配件", "备件", "区域", "大区", "片区", "投诉",
    "记录", "台账", "报告", "数据", "系统", "年度", "月度", "审核组", "评审组", "发现", "负责人", "两地", "各地", "多地",
    "当地", "本地", "外地", "异地", "全部", "所有", "部分", "其他", "其余", "新建", "原有", "现有",
}
# Before a legal form (有限公司) almost anything is part of the name; only these end it.
ORG_STRONG_STOP = {
    "经理", "主管", "站长", "工程师", "人员", "员工", "负责人", "联系人", "公司", "该", "本", "其", "贵", "我司", "贵司", "这家",
    "那家", "一家", "多家", "各", "发现", "表示", "称", "说", "联系", "委托", "要求", "投诉", "提供", "负责", "签订", "采购",
    "使用", "选择", "包括", "显示", "属于", "来自", "通过", "安排", "指定", "授权", "审核", "检查", "抽查", "访谈", "核实",
    "确认", "租自", "购自", "隶属", "名为", "注册", "名称", "外包给", "交由", "转交", "供应商", "服务商", "外包商",
    "代理商", "经销商", "承包商", "厂家", "客户", "用户", "受审核方", "申请方", "委托方",
}
ORG_STOP |= ORG_STRONG_STOP
ORG_NAME_VERBS = {"维修", "服务", "制造", "销售", "发展", "贸易", "投资", "控股", "检验", "检测", "监督", "咨询", "科技",
                   "实业", "物流", "安装", "售后服务", "营销", "电子", "信息", "智能", "置业", "建设", "运输", "租赁",
                   "装饰", "装修", "设计", "开发", "加工", "生产", "经营", "批发", "零售", "代理", "清洁", "环保", "节能",
                   "制冷", "维护", "保养", "修理", "回收", "供应", "配送", "快递", "传媒", "印刷", "包装", "家政", "培训",
                   "教育", "通讯", "通信", "电气", "机电", "制品", "精密", "创新", "联合", "合作", "统一", "兴业", "调查",
                   "研究", "认证", "测评", "评价", "保险", "健康", "医疗", "软件", "网络", "工程", "技术", "管理", "商贸", "外贸", "进出口"}
ORG_NAME_FLAGS = {"n", "nr", "nrfg", "nrt", "ns", "nt", "nz", "nl", "ng", "j", "eng", "vn", "b", "an", "l", "i", "s", "t"}
PROPER_FLAGS = {"nr", "nrfg", "nrt", "ns", "nt", "nz", "eng"}

# English titles and given names; a given name only counts before a capitalised surname.
EN_HONORIFIC = r"(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Mister|Madam|Sir)\.?"
EN_ROLE = (r"(?i:manager|engineer|technician|supervisor|director|agent|inspector|auditor|contact(?:\s+person)?|"
            r"customer|owner|driver|dispatcher|coordinator|representative|president|ceo|cfo|coo|chairman|head|"
            r"storekeeper|operator|specialist|consultant|officer|lead)")
EN_GIVEN = set("""
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
EN_SURNAME_STOP = {"Road", "Street", "Avenue", "Group", "Company", "Service", "Center", "Centre", "Station", "District",
                    "City", "Province", "Team", "Department", "Office", "Manager", "Engineer", "Ltd", "Inc", "Corp",
                    "Corporation", "The", "And", "Of", "For", "With", "From", "Store", "Shop", "Hotline", "Support"}
EN_ORG_GENERIC = {"The", "A", "An", "In", "At", "By", "For", "From", "Of", "To", "With", "And", "On", "Our", "Their",
                   "Its", "This", "That", "Working", "Focus", "Customer", "Service", "Support", "Quality", "Audit",
                   "Project", "Study", "User", "Control", "Age", "Target", "Product", "Task", "Expert", "Advisory",
                   "Review", "Call", "Repair", "Parts", "Spare", "After-sales", "Aftersales", "Sales", "Regional",
                   "East", "West", "North", "South", "China", "Complaint", "Technical", "Maintenance", "Each", "Every",
                   "All", "Some", "Any", "Holding", "Holdings"}
EN_LEADING_DROP = {"The", "A", "An", "In", "At", "By", "For", "From", "Of", "To", "With", "And", "On", "Our", "Their",
                    "Its", "This", "That", "Each", "Every", "When", "While", "Since", "But", "Both", "Neither", "Either"}

PINYIN_SURNAMES = {
    "wang", "li", "zhang", "liu", "chen", "yang", "huang", "zhao", "wu", "zhou", "xu", "sun", "ma", "zhu", "hu", "guo",
    "he", "gao", "lin", "luo", "zheng", "liang", "xie", "song", "tang", "han", "feng", "deng", "cao", "peng", "zeng",
    "xiao", "tian", "dong", "pan", "yuan", "cai", "jiang", "yu", "du", "ye", "cheng", "wei", "su", "lu", "ding", "ren",
    "shen", "yao", "cui", "zhong", "tan", "fan", "jin", "shi", "liao", "jia", "xia", "fu", "fang", "bai", "zou", "meng",
    "xiong", "qin", "qiu", "yin", "xue", "yan", "duan", "lei", "hou", "long", "tao", "gu", "mao", "hao", "gong", "shao",
    "wan", "qian", "mo", "kong", "xiang", "chang", "kang", "niu", "ge", "xing", "qi", "qiao", "wen", "zhuang", "yue",
    "ouyang", "sima", "zhuge", "shangguan", "dongfang", "huangfu", "murong", "linghu", "yuchi", "situ", "lee", "chan",
    "wong", "cheung", "leung", "ng", "ho", "lau", "tse", "yip", "kwok", "chow", "lam", "tsang", "chu", "lo", "hui", "au",
}
PINYIN_SYLLABLE = (
    r"(?:zh|ch|sh|[bpmfdtnlgkhjqxrzcsyw])?"
    r"(?:iang|iong|uang|ueng|ang|eng|ing|ong|ian|iao|uai|uan|van|ai|ei|ao|ou|an|en|er|in|un|vn|ia|ie|iu|ua|uo|ue|ve|ui|"
    r"a|o|e|i|u|v)"
)
PINYIN_NAME = re.compile(rf"(?:{PINYIN_SYLLABLE}){{1,3}}")
EN_COMMON_PINYIN = {"long", "man", "men", "he", "a", "an", "in", "no", "go", "so", "me", "we", "she", "hang", "sang",
                     "bang", "fang", "gang", "pan", "can", "ran", "tan", "ban", "fan", "dong", "ding", "ping", "ring",
                     "sing", "king", "wing", "ming", "bin", "pin", "tin", "sun", "run", "nun", "hu", "you", "die", "tie",
                     "lie", "pie", "bei", "hen", "ten", "pen", "den", "zen", "shen", "chen", "gen", "ken", "lo", "mo",
                     "ma", "pa", "la", "da", "ha", "ya", "er", "ai", "ou", "hui", "sue", "due", "cue", "rue", "lung",
                     "hung", "tong", "song", "pong", "bong", "gong", "mao", "tao", "dao", "bao", "chi", "shi", "qi"}



# Trades that follow a brand in a company's short name (格力电器, 三一重工, 顺丰物流): a brand-like word before
# one of them is an organisation even without 有限公司. After the weak ones (智能, 信息) a word jieba does not
# know is more often a technical term (全量智能, 工单信息) than a brand.
STRONG_TRADES = (
    "电器", "电子", "电气", "科技", "重工", "机电", "家电", "通信", "通讯", "汽车", "空调", "制冷", "实业", "电机", "光电",
    "控股", "物流", "电梯", "卫浴", "厨电", "照明", "电池", "医疗", "集团", "股份", "快递", "重机", "精工", "家居", "电工",
)
WEAK_TRADES = ("智能", "机械", "新能源", "环保", "网络", "软件", "信息", "数码", "动力", "装备", "日用", "生活电器")
INDUSTRY_WORDS = STRONG_TRADES + WEAK_TRADES
# Brands of the industries the scheme certifies that jieba's dictionary holds as everyday words or misses
# (美的 "beautiful", 长城 "the Great Wall"); only trusted right before a trade word.
KNOWN_BRANDS = {
    "美的", "海尔", "海信", "格力", "长虹", "创维", "康佳", "奥克斯", "志高", "格兰仕", "方太", "老板", "华帝", "苏泊尔",
    "九阳", "美菱", "容声", "澳柯玛", "新飞", "小天鹅", "荣事达", "西门子", "松下", "三星", "大金", "日立", "三菱", "博世",
    "惠而浦", "伊莱克斯", "比亚迪", "吉利", "长城", "奇瑞", "长安", "上汽", "一汽", "东风", "广汽", "蔚来", "小鹏", "理想",
    "三一", "徐工", "中联", "柳工", "华为", "小米", "联想", "中兴", "荣耀", "苏宁", "国美", "京东", "顺丰", "德邦", "万和",
    "万家乐", "樱花", "帅康", "史密斯", "林内", "能率", "迅达", "奥的斯", "通力", "日立电梯", "远大", "先科", "飞利浦",
}
# Village and town words that are no place names (农村 is countryside, 城中村 a kind of neighbourhood, 示范村 a
# category of villages).
NOT_PLACES = {
    "农村", "乡村", "山村", "渔村", "新农村", "城中村", "度假村", "地球村", "美丽乡村", "本村", "该村", "全村", "各村",
    "邻村", "同村", "外村", "村村", "进村", "驻村", "整村", "行政村", "自然村", "贫困村", "示范村", "试点村", "文明村",
    "中心村", "先进村", "重点村", "乡镇", "城镇", "集镇", "小镇", "古镇", "重镇", "村镇", "坐镇", "城乡", "老乡", "家乡",
    "下乡", "故乡", "水乡", "他乡", "本乡", "异乡", "街道", "社区", "本镇", "该镇", "全镇", "各镇", "各乡", "全乡",
    "特色小镇", "片区", "本社区", "该社区", "新社区", "老社区",
}
# Nicknames (小陈, 老王) are 小/老 and a surname; these pairs are everyday words instead.
NOT_NICKNAMES = {
    "小时", "老师", "小龙", "小麦", "小于", "小康", "小孔", "小路", "小米", "小牛", "小车", "小鱼", "小农", "小包", "小费",
    "小曲", "老练", "小钱", "老牛", "小毛", "小童", "小房", "小商", "老巢", "老农", "小项", "老赖", "老路", "小班", "小石",
    "小苗", "小熊", "小解", "小池", "小宫", "小巴", "小蓟", "老边", "老包", "老房", "小季", "小幸", "老成", "老祖", "小宗",
    "小单", "小白", "小程", "小方", "小段", "小谷", "小边", "小成", "小叶", "小金", "老毛", "小权", "老翁", "老庄", "小马",
    "老马", "老白", "老黄", "小万", "老万", "小管", "老管", "小黎", "小应", "小安", "小常", "老常", "小全",
}
