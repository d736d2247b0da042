"""Regular expressions the reader shares: identifiers, level words, absence, veto facts, findings, markers."""

from __future__ import annotations

import re

# Service hours: "7×24小时" / "24/7" / "值班是24小时" / "24小时有人值班" / "24 hours a day" say when someone answers, which
# has no field (said back under 没能记录, never a KPI value). Round-the-clock is always 24: a "24小时" counts as service
# hours only beside a word of staffing or opening time, never as a bound ("24小时内").
_ROUND_THE_CLOCK = (
    r"(?:值班|值守|全天候?|全年|热线|客服|坐席|服务时间|服务时段|营业时间|在线)[^,.;!?。\d]{0,4}?24\s*个?小时(?!\s*(?:内|以内|之内))(?:的)?"
    r"|24\s*个?小时(?!\s*(?:内|以内|之内))\s*(?:都|全天|不间断|轮流|轮班)?\s*(?:有人\s*(?:值班|值守|待命|轮班|在线|接听|盯着|守着)?|在线|值班|值守|待命|轮班|开机|接听|不打烊|营业|运转|开放|(?:客服|服务)?热线)"
    r"|\b24\s*(?:hours?|hrs?)\s+a\s+day\b|\b24-hours?\s+(?:hotline|on-call|duty|coverage|staffing|desk|rota)\b"
    r"|\b(?:round|around)[- ]the[- ]clock\b"
)
SERVICE_HOURS = re.compile(r"\d+\s*[×xX*]\s*24(?:\s*小时)?|24\s*[×xX*]\s*\d+|24/7|" + _ROUND_THE_CLOCK, re.IGNORECASE)

IDENTIFIER = re.compile(
    r"(?<![A-Za-z0-9])(?:ISO|GB|GB/T|IEC|EN)\s*/?\s*\d+(?:[:.-]\d+)*|(?<![A-Za-z0-9])[A-Za-z]{1,5}[-_]?\d+(?:[.\-]\d+)*[A-Za-z]*(?![A-Za-z0-9])"
    r"|(?<![\d.])\d+(?!\s*(?:h|hrs?|hours?|mins?|minutes?|days?|weeks?|months?|years?|pct|percent|k)\b)[A-Za-z]+[A-Za-z0-9]*|(?<![\d.])\d+(?:\.\d+)+(?=\s*版)|(?<![A-Za-z0-9])V\d+(?:\.\d+)*"
    r"|\d{3,}(?=\s*(?:热线|电话|客服|服务热线|转办|转过来|转来|投诉平台))|(?<![\d.])(?<!\d,)\d{5,}(?![\d.%])(?!,\d)"
    r"|第\s*[0-9一二两三四五六七八九十百]+\s*(?:项|条|个|次|名|期|批|季度|轮|版)?"
    r"|\d+\s*[×xX*]\s*24|24\s*[×xX*]\s*\d+|全年无休|24/7|" + _ROUND_THE_CLOCK +
    r"|(?:最近|过去|近|前|头|这|今年前)\s*[0-9一二两三四五六七八九十半]+\s*(?:个月|年|周|天|个?季度|个?星期)",
    re.IGNORECASE,
)
# "每年一次" / "一年两次" / "once a year": how often, which has no field.
FREQUENCY = re.compile(
    r"(?:每|一)\s*(?:年|半年|季度?|个?月|周|个?星期|天)\s*(?:都|会|要|做|开|搞|组织|进行|开展|举办|召开){0,3}\s*"
    r"(?:[0-9一二两三四五六七八九十]+|几)\s*(?:次|回|轮)"
    r"|\b(?:once|twice|\w+ times)\s+(?:a|per|every)\s+(?:year|quarter|month|week|day)\b",
    re.IGNORECASE,
)

# --- levels said in words ------------------------------------------------------------------------------------------

LEVEL_NAMES = {"缺失": 0, "初始级": 1, "规范级": 2, "定义级": 3, "量化管理级": 4, "持续优化级": 5,
               "initial": 1, "managed": 2, "defined": 3,
                "quantitatively managed": 4, "optimising": 5, "optimizing": 5}
LEVEL = re.compile(
    r"(?P<r1>[0-5零一二两三四五])\s*(?:到|至|-|~|和)?\s*(?P<r2>[1-5一二三四五])\s*级\s*之间"
    r"|(?:L|level\s*)(?P<a>[0-5])(?!\d|\.\d)"
    r"|(?<![A-Za-z])(?P<n>[0-5零一二两三四五])\s*级(?!别|以上|以下|网点|响应|代理|供应商|分类|分级)"
    r"|(?P<name>量化管理级|持续优化级|初始级|规范级|定义级|quantitatively managed|optimi[sz]ing)"
    r"|(?<=as |at |is |be )(?:the\s+|an?\s+)?['\"‘“]?(?P<ename>initial|managed|defined)\b['\"’”]?(?:\s+level)?"
    r"|(?P<cop>是|为|算|打|评|给|自评|定|能到|到)\s*(?P<d>[0-5])\s*(?:分|级)?(?=\s*(?:[,;:!?。]|\.(?!\d)|$|吧|左右|水平|的样子|差不多))",
    re.IGNORECASE,
)
# The level a client aims at or asks about is no level stated: "要到L3", "才能L4", "离L4".
LEVEL_AIM = re.compile(r"(?:才能|才算|才可以|要到|想到|想要|要想|争取|目标是?|离|冲|升到|提到|达到)\s*(?:到|上)?\s*$")
ALL = re.compile(r"都|全部|全都|均|一律|统统|\ball\b|\beach\b|\bboth\b|\bevery one\b", re.ASCII)
THESE = re.compile(r"这(?P<n>[两二三四五六几])(?:块|项|个|方面|部分|条)|(?P<both>两者|两项都|both)")
THIS = re.compile(r"这块|这一块|这方面|这部分|这项|这个方面|那块|那一块|这里|this one|that one|this area")
# A statement over every criterion: "所有条款都只能算初始级", "22项都算L2", "every criterion is at level 3".
EVERY = re.compile(r"所有(?:的)?(?:条款|准则|项目|条目|项|条)|全部(?:的)?(?:条款|准则|条目)|(?:22|二十二)(?:项|条)|每一?(?:条|项)(?:准则|条款)|"
                   r"\b(?:all|every|each)(?: (?:the|of the|our))? (?:criteria|criterion|items|clauses)\b", re.IGNORECASE)
# A whole dimension: "D2整个维度", "D6三条都是", "D1都在二级左右", "D5全部L3".
DIMENSION_ALL = re.compile(r"整个维度|这个维度|整个|全部|全都|都|均|[两二三四五六几]条|各条|每条|\ball\b|\bwhole\b|\bentire\b|\beach\b|\bevery\b",
                           re.IGNORECASE)
CRITERION_RANGE = re.compile(r"\bD([1-6])\.([1-9])\s*(?:到|至|-|~|—|–|to|through)\s*D([1-6])\.([1-9])\b", re.IGNORECASE | re.ASCII)
DIMENSION = re.compile(r"\bD([1-6])(?![.\d])", re.IGNORECASE | re.ASCII)

# --- absence -------------------------------------------------------------------------------------------------------

NEG_BEFORE = re.compile(
    r"(?:还|也|都|并|从来|根本|暂时|目前|现在)?(?:没有|没|无|未|尚未|尚无|从未|从没|冇|仲未|不曾|谈不上|不(?=做|开展|搞|进行|统计|记录|跟踪))"
    r"(?!问题|关系|多少|几个|超过|达到|那么|怎么|法|论|异|误|错|毛病|限|需|必要|覆盖|全覆盖|铺开|推广|推到|全部|完全)"
    r"|\b(?:do not|don't|does not|doesn't|did not|didn't|have not|haven't|has not|hasn't|never|no|not yet|without|lack|lacks)\b",
    re.IGNORECASE,
)
# Something not done after what it is about: "工单系统还没上", "返修我们不统计", "内审没搞过".
NEG_AFTER = re.compile(
    r"(?:还|也|都|并|从来|根本|暂时|目前|现在)?(?:没有|没|未|尚未|从未|从没|冇|仲未|不曾)"
    r"(?:做|搞|开|上|建|建立|制定|统计|开展|实施|上线|形成|弄|跟踪|记录|搞掂|安排|设立|成立)"
    r"|(?:还|也|都|并|暂时|目前|现在)(?:没有|冇)(?=\s*(?:[,.;!?。]|$|过))|(?<=都)冇"
    r"|(?:不|唔)(?:统计|做|开展|记录|掌握|跟踪|识别|考核|检查|回访|清楚|知道怎么算|知道怎么统计|会算|会统计)"
    r"|谈不上|没做过|没搞过|(?:是|还是|基本是|基本上是|完全是)?(?:一片)?空白|空缺|从零开始|统计不出来|算不出来|统计不了"
    r"|(?:一(?:份|本|个|样|条|张))?都没有|全都没有|啥都没有|什么都没有|还在写|还在编|还在弄|正在写|找不着|找不到|缺几份|缺了|没建|还没有"
    r"|\b(?:not (?:tracked|measured|recorded|done|in place)|never (?:done|held|run))\b",
    re.IGNORECASE,
)
# What is left when something is missing: an informal way of doing it, the mark of L1.
INFORMAL = re.compile(r"全靠|靠(?:个人|自觉|经验|老师傅|师傅|记忆|人盯|口头)|凭(?:经验|记忆|感觉|师傅)|老师傅|师傅带|随便|个人跟进|自己(?:跟进|想办法|去|处理|协调|整理|买|看着)"
                       r"|口头|偶尔|零散|临时|个别|各自|随意|看情况|想起来|看着办|自己管自己|各管各|凭\S{0,3}手感|\bad hoc\b|\binformal(?:ly)?\b|\bdepends on\b"
                       r"|\bwhoever\b|\bon (?:their|his|her) own\b")
# Facts that something is there: "做过", "有", "开了", "上了".
# Verbs after which a client lists what they have.
POSSESS = re.compile(r"(?<![没无])(?:有|具备|备有|包括|包含|提供|留有|保存有|建立了|制定了|编制了|拿了|拿到了|取得了)|\b(?:we have|we've got|we keep|we maintain|there (?:is|are))\b",
                      re.IGNORECASE | re.ASCII)
PRESENT = re.compile(r"(?<![没未无])(?:有|做过|做了|开过|开了|上了|建立了|制定了|搞过|每年|定期|做一次|已经)|\b(?:we have|we do|we run|we hold|in place)\b", re.ASCII)

# --- veto facts in plain words -------------------------------------------------------------------------------------

UNTRUE = re.compile(
    r"(?:数据|数字|数|材料|报告|记录|资料|台账|学时|满意度|得分|分数|指标|签到表|问卷|figures?|data|numbers?|records?|materials?|reports?)\S{0,16}?"
    r"(?:编的|编造|补编|瞎编|捏造|造假|作假|伪造|虚构|虚假|不真实|不是真(?:实)?的|不是真实|并非真实|并不真实|不属实|不实|拍脑袋|凑的|凑出来|瞎填|乱填|估出来填|假的|made up|fabricated|invented|faked|falsified|not (?:true|real|genuine|truthful))"
    r"|(?:编造|伪造|虚构|造假|作假|补编|瞎编|捏造)(?:了|的)?\S{0,6}(?:数据|材料|记录|报告)"
    # Figures changed by hand before they were handed in: 改过数, 手工改过时间戳, 数据调过, 做了手脚.
    r"|(?:改过|改了|调过|调了|修改过|动过|美化过|润色过|注水|刷过|刷了)\S{0,6}?(?:数|数据|数字|时间戳|时间|记录|日期|台账|报表)(?!\S{0,3}(?:口径|方法|格式|模板|系统|字段|结构|流程))"
    r"|(?:数|数据|数字|时间戳|记录|报表)\S{0,4}?(?:是)?(?:改过|改的|调过|调的|修改过|动过|美化过|做过手脚)|做(?:了|过)手脚|后补的|事后补"
    # Records made up after the fact, certificates borrowed: 后来编出来的, 后补的, 借别人的证, filled in afterwards.
    r"|编出来|编的|后补|补填|补签|补做的|补写的|事后补|倒签|借(?:用)?别人的|借来的|挂靠的|冒名|代签|顶替"
    r"|\b(?:filled in|written up|made|signed) (?:afterwards|after the fact|later)\b|\bback-?filled\b|\bnever (?:happened|took place)\b|\bborrowed\b"
    # Records made up in one go, a meeting's minutes written without the meeting, a certificate retouched, figures
    # put together: 集中补出来的, 一口气补出来, 照着模板写的, 复印件P过, 凑出来的.
    # A figure handed in that was never measured: "上门及时率96.5%其实不是统计出来的，是按我们的目标值填的".
    r"|(?:不是|并非|并不是|没有)(?:真正|实际|真的)?(?:统计|测|算|测算|核算|采集|回访|调查)出来的|按\S{0,4}(?:目标|计划|考核)值?(?:填|写|报)的"
    r"|补出来|补了一批|补的记录|照着模板(?:写|编|填)|(?:P|p|PS|ps)过的?|修图|(?<![整修])改成了?(?=\S{0,6}(?:客户|当天|按期|合格|及时))"
    r"|(?:往前|往后|提前)改|(?<!整)改(?:了|过)?\S{0,2}(?:日期|时间|数字|数据)(?!\S{0,3}(?:口径|方法|格式|模板|系统|字段|结构|流程))|(?:全|都)改(?:成|了)|[‘'“\"]修[’'”\"]过"
    r"|从\s*\d+(?:\.\d+)?%?\s*改(?:成|到|为)"
    r"|\b(?:typed|entered|keyed|filled|signed) (?:\w+ ){0,3}(?:in )?(?:afterwards|later|after the fact)\b"
    r"|\b(?:put together|pieced together|reconstructed|recreated|made up|compiled) (?:\w+ ){0,2}(?:afterwards|after the fact|later|retroactively)\b"
    r"|\b(?:don't|do not|didn't|did not) reflect (?:what (?:actually|really) happened|reality|the real)"
    r"|\bsigned by (?:our|the) (?:own )?(?:technicians|engineers|staff|employees)\b"
    r"|(?:made up|fabricated|invented|faked|falsified|doctored|massaged|fudged|cooked|tampered|backdated|photoshopped)\b"
    # What was handed in said to be wrong: "the materials we handed in are not accurate", "the figure we submitted was
    # inflated", "交上去的数据不准确".
    r"|\b(?:figures?|data|numbers?|materials?|records?|reports?|pack)\b[^.;!?]{0,40}?\b(?:submitted|handed in|sent in|reported|gave you)\b"
    r"[^.;!?]{0,30}?\b(?:(?:is|are|was|were)\s+(?:not\s+(?:accurate|true|correct|real)|inaccurate|inflated|padded|overstated|wrong))\b"
    r"|(?:交上去|提交|报上去|上报|报给你们)的?\S{0,10}?(?:数据|材料|数字|资料)\S{0,6}?(?:不准确|不属实|不对)"
    # Figures made to look better than they are: 有水分, 虚报, 多报, 报高了; "we padded / inflated the numbers" (not 虚高:
    # a rate counted the wrong way, "一次修复率虚高", is a finding, not a confession).
    r"|(?:有|很大的|不少)水分|水分(?:很大|不小|挺大)|灌水|虚报|多报了?|报高了|报大了|虚增|夸大了?|凑数|刷(?:了)?数据"
    # Said of what someone did ("we padded the numbers"), not of a rate counted the wrong way ("the rate was inflated").
    r"|\b(?:we|i|someone|they|staff|he|she)\s+(?:\w+\s+)?(?:padded|inflated|overstated|exaggerated|embellished|pumped up|dressed up|juiced)\b"
    r"|\b(?:padded|inflated|overstated|exaggerated|embellished|pumped up|dressed up|juiced)\s+(?:the|our|some|a few|those|these)\b"
    # Pictures retouched: 截图的日期是后来P上去的, 照片PS过.
    r"|(?:截图|照片|图片|图|日期|签名|签字|章)\S{0,10}?(?<![A-Za-z])(?:P|PS)(?:上去|上的|过|了|的|出来)"
    r"|(?<![A-Za-z])(?:P|PS)(?:了|过)\S{0,4}(?:截图|照片|图片|日期|签名)"
    # Customers impersonated, or their part done for them: 找人冒充客户, 替客户填, filled in by our own staff.
    # (A repair form filled in for a customer, or fake parts, or someone posing as our engineer, is none of this.)
    r"|找人(?:冒充|假装|扮)|(?:冒充|假装|扮)(?:成)?(?:客户|用户|顾客)"
    r"|(?:问卷|满意度|评价|回访|评分|调查)\S{0,12}?(?:替|代|帮)(?:客户|用户|顾客)(?:填|签|打|评|勾)"
    r"|(?:替|代|帮)(?:客户|用户|顾客)(?:打分|评分|评价|打了?好评|填(?:写)?(?:问卷|满意度|评价))"
    r"|\bfilled (?:in|out) by (?:our|the)(?: own)? (?:staff|engineers|employees|technicians|agents|team)\b|\bfilled (?:them |it )?(?:in|out) ourselves\b"
    r"|\bmade (?:the|our) (?:numbers|figures|data|results) look better\b"
    # "the complaint log we uploaded was cleaned up", "complaints were deleted before we sent it".
    r"|\b(?:logs?|records?|data|reports?|ledgers?|registers?|complaints?|tickets?|figures?)\b[^.;]{0,40}?\b(?:cleaned up|scrubbed|sanitized|sanitised|doctored)\b"
    r"|\b(?:logs?|records?|data|reports?|complaints?|tickets?|entries|rows|figures?)\b[^.;]{0,40}?\b(?:deleted|removed|taken out|left out)\b"
    r"[^.;]{0,30}?\bbefore\b[^.;]{0,20}?\b(?:sent|sending|submitted|submitting|uploaded|uploading|handed|audit)\b"
    # "that 96% number isn't real"; "our managers filled in the survey forms themselves".
    r"|\b(?:figures?|data|numbers?|results?|reports?|records?|scores?)\b[^.;]{0,20}?\b(?:isn't|is not|aren't|are not|wasn't|weren't)\s+(?:really\s+|actually\s+)?(?:real|true|genuine|accurate|honest)\b"
    r"|\bfilled (?:in|out)\b[^.;]{0,40}?\b(?:surveys?|questionnaires?|feedback|ratings?|satisfaction|forms?)\b[^.;]{0,20}?\b(?:themselves|ourselves|myself)\b"
    # Records removed to look better, or made up in a rush before the audit: 把超时的工单删了, 台账是审核前突击补的.
    r"|(?:删|删掉|删了|删除|去掉|剔掉|藏起)\S{0,10}?(?:超时|差评|不满意|逾期)|(?:超时|差评|不满意|逾期)的?\S{0,6}?(?:工单|记录|评价)\S{0,8}?(?:删了|删掉|删除了|去掉了)"
    r"|突击补(?:的|了|出来)|临时补(?:的|了)|审核前(?:才)?补(?:的|了)"
    # Figures worked back from something else, picked from good months, or filled in later by staff: 拿排班表倒推出来的,
    # 挑了数据好的月份算的, 分数是客服后来自己补打的.
    r"|(?:只|专|光)?挑(?:了|的)?\S{0,4}?好(?:的|看的)(?:月份|月|数据|样本|单子|工单|网点)|后来(?:自己)?(?:补打|补填|补签|补录|补的|打的|填的)|补打的"
    r"|\b(?:figures?|data|numbers?|timestamps?|dates?|records?)\s+(?:\S+\s+){0,6}?(?:were|was|had been|have been|got)\s+(?:\S+\s+)?"
    r"(?:changed|altered|edited|adjusted|tweaked)\s+(?:by hand|manually|afterwards|later|after the fact)\b"
    # What the customer should have filled in, filled in by the company: 满意度问卷是我们自己填的.
    r"|(?:问卷|回访|评价|满意度|签名|签字|确认单)\S{0,10}?(?:是)?(?:我们|我们的人|员工|工程师|客服|坐席|网点|师傅)自己?(?:填|签|打|勾)的"
    r"|\b(?:changed|altered|edited|adjusted|tweaked)\b\S*\s+(?:\S+\s+){0,3}?(?:figures?|data|numbers?|timestamps?|records?)\b",
    re.IGNORECASE,
)
# A submitted figure said to be more than the real one: "报告上写回访了2000户，实际也就几百户", "报告是我们自己填的，
# 实际没那么多", "the report said 2,000 calls, actually it was a few hundred". A plan or target short of practice is not this.
INFLATED = re.compile(
    r"(?:(?:报告|材料|记录|台账|报表|数据)(?:\S(?!目标|计划)){0,14}?(?:写|填|报|记)(?:的|了|着|上)?|报上去|交上去|上报|申报|填报|报给|交给|提交给)\S{0,16}?"
    r"(?:实际|其实|真实|事实)(?:上|情况|情况是)?\S{0,3}?(?:也就|只有|只|才|没那么|没有那么|没这么|达不到|不到|根本没|远没)"
    r"|\b(?:report|records?|figures?|data|numbers?|submission)\b[^.;]{0,40}?\b(?:said|says|showed|claimed|stated|put)\b[^.;]{0,40}?"
    r"\b(?:actually|in reality|in fact|really|the real (?:number|figure))\b[^.;]{0,30}?\b(?:only|just|less|fewer|lower|not|nowhere near)\b"
    # A figure handed in that was worked back from something else: "交给审核组的及时率，其实是拿排班表倒推出来的".
    r"|(?:交给|报给|提交给?|报送|交上去|报上去|上报)\S{0,30}?(?:倒推|反推|推算|估算|估摸)出来的",
    re.IGNORECASE,
)
TRUE = re.compile(r"(?:材料|数据|资料)\S{0,6}(?:都|全部|均|全)?(?:是)?真实|(?:materials?|data|figures?) (?:are|were|is) (?:all )?(?:true|truthful|genuine|accurate)",
                   re.IGNORECASE | re.ASCII)
INCIDENT = re.compile(r"召回(?!程序|制度|流程|管理|预案|办法|规定|演练|机制|方案)|重大(?:服务)?(?:质量|安全)?事故|\S{0,4}事故|伤人|伤亡|伤了|受伤|砸伤|烧伤|烫伤|夹伤|触电|漏电|侧翻|死亡|出(?:了|过)人命|"
                       r"批量(?:性)?(?:质量)?(?:问题|故障|投诉|返修|退货|退换)(?!率)|批次(?:性)?质量问题|(?:曝光|上了?(?:新闻|热搜|央视|3·?15|315))|摔伤|摔下|跌落|摔倒|起火|着火|自燃|爆燃|爆炸|中毒|困人|坠落|人身伤害"
                       r"|\brecall(?:ed|s|ing)?\b(?!\s+(?:procedures?|plans?|polic(?:y|ies)|process(?:es)?|drills?|mechanism))|\bmajor incident\b|\bserious incident\b"
                       r"|\b(?:fire|explosion|injur(?:y|ies|ed)|fatality|fatalities|accident|electric shock|caught fire|burns|died|deaths?|hurt)\b"
                       r"|\bsafety incident\b|\bfatal", re.IGNORECASE | re.ASCII)
INCIDENT_OPEN = re.compile(r"(?:没|未)(?:有)?完全(?:做完|完成|结束|处理完|收回|召回|换完)|还没完(?!善)|(?:还|仍|正)在\S{0,4}?(?:更换|召回|回收|赔付|赔偿|打官司|诉讼)"
                            r"|完成了(?:一半|大半|部分|\d+%)|(?:就|还)差\S{0,12}?(?:台|户|个|件|家)|打官司|"
                            r"(?:还|仍|仍然|尚|至今|到现在|目前|现在)\S{0,6}?(?:没|未|没有)(?:有)?\S{0,4}?(?:处理完|结束|结案|销案|完成|关闭|解决|回收完|追回|收回|搞定|完结|处理好|换完|整改完|定论|结论|说法|认定|谈妥|赔完|收尾|了结|弄完|办完|处理干净|平息)"
                            r"|悬而未决|没个结果|还没(?:有)?结果|仍在处理中|尚在处理"
                            # The conclusion not out yet: 调查结论还没出来, 事故报告还没出, 还没定性, 市监局还在查.
                            r"|(?:结论|结果|报告|说法|处理意见|处罚决定|责任认定)\S{0,3}?(?:还|仍|尚)?(?:没|未)(?:有)?(?:出|下来|定|做出)"
                            r"|(?:还|仍|尚|至今|到现在|目前)\S{0,4}?(?:没|未)(?:有)?定性|还在(?:查|核查|排查)"
                            r"|(?:没|未)(?:有)?(?:查清|查明|结论(?!性)|定论|定责)|(?:在|还在|正在)(?:起诉|索赔|追责|走法律程序)"
                            r"|\b(?:still|are|is) (?:waiting|awaiting)\b|\byet to be (?:fixed|repaired|replaced|recalled|resolved|settled)\b"
                            # Some of it left, or done only later: 还剩一千台没换, 下个月才能全部完成.
                            r"|还(?:剩|有)\S{0,8}?(?:没|未)(?:换|回收|召回|追回|收回|找回|处理|修|赔)"
                            r"|(?:下个?月|下周|明年|年底|月底|年后|以后|后面)\S{0,6}?才(?:能|会|可以)?\S{0,4}?(?:完成|结束|结案|处理完|回收完|换完)"
                            r"|(?:还在|正在|仍在)(?:起诉|诉讼|打官司|仲裁|调查|谈|协商)|诉讼中|起诉我们|没定责|责任还没"
                            r"|(?:没|未)(?:结案|销案|结束|解决|处理完|完结|关闭)|还在(?:进行|调查|处理|整改|回收|召回|走流程)|(?:整改|调查|召回|处理)\S{0,3}(?:还在|仍在|正在)(?:进行)?"
                            r"|\b(?:still (?:open|ongoing|under|not|being|pending|dealing|running|going on|in progress)|not (?:yet )?(?:closed|resolved|finished|completed|over|settled|done)|unresolved|ongoing|under investigation|pending)\b"
                            r"|\b(?:isn't|is not|hasn't been|has not been|haven't|have not|wasn't|aren't)\s+(?:yet\s+)?(?:over|closed|resolved|finished|completed|settled|done|wrapped up)\b",
                            re.IGNORECASE | re.ASCII)
INCIDENT_DONE = re.compile(r"彻底完了|(?:都|全)(?:弄|办|搞)?完了|早就?结束了|已经结束|(?:整改|处理|更换|回收)完毕|通过了\S{0,12}验收|手续\S{0,3}(?:都|全)?办完|早(?:就|已)\S{0,4}?(?:处理|解决|结案|关闭|完结|赔)|(?:已经|已|都|全部|也)\S{0,4}?(?:处理完|完结|结案|关闭|解决|换完|回收完|完成|谈完|赔完)|正式(?:关闭|结案)|结案了|结的案|结了案|处理完了|已结案|谈妥了|(?:报告|调查)\S{0,3}结了|了结了"
                            r"|\b(?:closed|resolved|completed|finished)\b", re.IGNORECASE | re.ASCII)
NO_INCIDENT = re.compile(r"(?:没有|没|无|未发生|从未|没出过|没发生过)\S{0,4}(?:重大|安全|质量)\S{0,4}事故|no (?:major|serious) incidents?"
                         # "没有没解决的重大质量事故": none that is unresolved.
                         r"|(?:没有|没|无)(?:没|未)(?:有)?(?:解决|处理完|结案|关闭)的\S{0,8}事故"
                         r"|no (?:unresolved|open|outstanding) (?:major |serious )?(?:quality )?(?:incidents?|recalls?)", re.IGNORECASE | re.ASCII)
NO_ORG = re.compile(r"(?:没有|没|无|冇)(?:专门|独立|正式|单独)?的?(?:售后|服务)\S{0,5}?(?:部门|机构|组织|团队)"
                     r"|(?:没有|没|未|冇)(?:设|设立|设置|成立|组建|建)(?:过)?(?:专门|独立|单独)?的?(?:售后|服务)?(?:部门|机构|组织|团队)"
                     r"|(?:没有|没|无|冇)(?:专门|独立|单独)的?(?:售后)?(?:部门|机构|组织|团队)"
                     r"|(?:no|without an?|don't have an?|do not have an?) (?:dedicated |separate )?(?:after-sales|service) (?:department|organi[sz]ation|team)"
                     # L0's own words: after-sales covered by sales or production staff on the side, nobody in charge.
                     r"|售后\S{0,8}?(?:销售|生产|车间|技术|采购|行政)\S{0,6}?(?:兼着|兼管|兼顾|兼职|兼做|顺带|顺便|捎带|临时顶|临时管|临时帮|帮忙)"
                     r"|(?:销售|生产|车间)\S{0,6}?(?:兼着|兼管|兼顾|兼职|顺带|顺便|捎带)\S{0,4}?售后"
                     r"|(?:没有|没|无)(?:专人|专门的人|人专门)(?:负责|管|跟)\S{0,2}售后|售后\S{0,4}?(?:没有|没|无)(?:专人|人)(?:专门)?(?:负责|管)"
                     r"|售后(?:服务)?(?:部门?|中心|团队|科)\S{0,6}?(?:撤了|撤销了|解散了|取消了|裁掉了|砍掉了)"
                     r"|\b(?:no ?one|nobody)\s+(?:is\s+)?(?:in charge of|responsible for|owns|handles)\s+after-sales\b"
                     r"|\bafter-sales\s+(?:is\s+)?(?:just\s+|only\s+)?(?:handled|done|covered|run)\s+by\s+(?:the\s+|our\s+)?(?:sales|production)\b"
                     r"|\bafter-sales\s+(?:team|department)\s+was\s+(?:dissolved|disbanded|cut|closed)\b",
                     re.IGNORECASE | re.ASCII)
HAS_ORG = re.compile(r"(?<![没无])(?:有|设有|设立了?|成立了?|建立了?)(?:专门的|独立的|正式的)?\S{0,6}?(?:售后服务部|售后部|服务部|售后服务中心|客服中心|售后中心|售后服务科|售后科|售后服务部门|售后部门|售后团队)"
                      r"|(?:售后服务部|售后部|售后服务中心|售后中心|售后服务部门|售后部门)(?:是|已经|已|早就|早)?\S{0,6}?(?:成立|设立|组建)(?:的|了)"
                      r"|\bwe have an? (?:dedicated )?(?:after-sales|service) (?:department|organi[sz]ation|team)\b"
                      r"|售后(?:这块|这边|服务)?(?<![没无])(?:有|设有)(?:专门|独立|单独)的?(?:部门|团队|机构)"
                      # "售后服务部有12个人": the department told by its people.
                      r"|(?:售后服务部|售后部|售后服务中心|售后中心|售后服务部门|售后部门|售后团队)(?:现在|目前)?(?:有|共有|一共|总共|一共有)(?:\d+|[一二两三四五六七八九十百几]+)\S{0,2}?(?:人|名|号人)",
                      re.IGNORECASE | re.ASCII)

# D5.1's L2 in the client's words: the chart and duties issued, the head appointed ("架构和岗位职责都发过文",
# "负责人是总经理发文任命的", "we've issued an org chart and job descriptions"); not when said not to be ("职责没成文").
# Staff who do after-sales and nothing else (D5.1's L1: people, no formal organisation).
DEDICATED = re.compile(r"专门(?:做|负责|管|跑|搞)|专职|专人|只干这个|只做售后|不做销售|\bdedicated\b|\bfull-time\b", re.IGNORECASE)
ORG_ISSUED = re.compile(r"(?:组织架构|架构|组织|职责|岗位职责)\S{0,8}?(?<![没未])(?:发了文|发过文|发文了|正式发文|已发文|都发文|发布了|正式发布|印发了|发了的|发咗文|发咗|也发了)"
                        r"|(?<![没未])(?:发过|发布了|发了|印发了|签发了|正式发布了?)\S{0,6}?(?:组织架构|架构图|岗位职责|部门职责|任命书)"
                        r"|(?<![没未])任命了\S{0,6}?(?:负责人|总监|经理|部长|主管)"
                        r"|负责人\S{0,6}?(?<![没未])(?:任命了|有任命|已任命|发文任命|正式任命|任命的|也任命)|(?<![没未])任命了\S{0,4}负责人"
                        r"|\b(?:issued|published)\s+(?:an?\s+|the\s+)?(?:org(?:anisation|anization)? chart|organi[sz]ation chart)"
                        r"|\bhead of (?:after-sales|service) (?:is |was )?(?:formally )?appointed\b", re.IGNORECASE)
ORG_WORD = re.compile(r"售后|服务部|客服部|客服中心|after-sales|service department", re.IGNORECASE)

# --- findings ------------------------------------------------------------------------------------------------------

SEVERITY = re.compile(
    # The severity with or without the noun: 严重不符合(项), 严重的不符合, 严重项, "严重的" at a pause; major NC/one.
    # "one major, two minors", "Major is D2.3": the English adjective alone, before a pause or a verb.
    r"(?P<major>(?:严重|重大)(?:的)?(?:不符合|不合格)项?|严重项|最(?:重|严重|高)的?(?:那|这)?(?:一)?(?:档|级|类|等)(?:的)?(?:问题|不符合|发现)?|大(?:的|项)?不符合项?|大项|严重(?:的)?(?=[,.;:，。；]|$)|(?:(?<=个)|(?<=开的)|(?<=开了))严重(?=\s|是(?!否))|\bmajor (?:non-?conformit(?:y|ies)|ncs?|ncrs?|findings?|ones?|issues?)\b"
    r"|\bmajors\b|\bmajor\b(?=\s*(?:[,.;:'\")]|$|(?:is|was|were|and|on|about|in|for|raised|because|over)\b)))"
    # 一半不符合: the spoken slip for 一般不符合.
    r"|(?P<minor>(?:一般|轻微|一半)(?:的)?(?:不符合|不合格)项?|一般项|轻微项|一般(?:的)?(?=[,.;:，。；]|$)|(?:(?<=个)|(?<=开的)|(?<=开了))一般(?=\s|是(?!否))|\bminor (?:non-?conformit(?:y|ies)|ncs?|ncrs?|findings?|ones?|issues?)\b"
    r"|\bminors\b|\bminor\b(?=\s*(?:[,.;:'\")]|$|(?:is|was|were|and|on|about|in|for|raised|because|over)\b)))"
    # 建议项 / 改进建议 / opportunity for improvement: what the scheme calls an observation.
    r"|(?P<obs>观察项|建议项|观察(?=[:：])|(?:(?<=个)|(?<=开的)|(?<=开了))观察(?=\s|是(?!否)|[,.;:，。；]|$)|改进建议项|\bobservations?\b|\bOFIs?\b|\bopportunit(?:y|ies) for improvement\b)"
    r"|(?P<nc>不符合项|不符合|\bnon-?conformit(?:y|ies)\b)",
    re.IGNORECASE,
)
FINDING_ID = re.compile(r"(?<![A-Za-z0-9])(?:(?:F|N|NC|NCR|OB|OBS|OFI|CR|CAR|FD)[-_]?\d{1,4}(?:-\d{1,4}){0,2}(?![0-9.])"
                        r"|O\d{1,2}(?![0-9.A-Za-z]))", re.IGNORECASE | re.ASCII)
# "那个严重不符合" / "备件那条" / "the one about…": a finding already told, named again.
FINDING_BACKREF = re.compile(r"(?:那个|这个|那条|这条|那项|这项|那一条|那一项|上次那个|之前那个|前面那个|上面那个)\s*$|\b(?:that|the same)\s+$",
                             re.IGNORECASE | re.ASCII)
FINDING_BACKREF_WORD = re.compile(r"那条|这条|那项|这项|那个|这个|那一条|\bthat one\b|\bthe one (?:about|on|for)\b", re.IGNORECASE | re.ASCII)
FINDING_CLOSED = re.compile(
    # Closed is what the certification body verified (SCHEME.md §4): "整改完了" alone, or with the papers handed in, is
    # the client's part done, and the finding stays open.
    # "关闭时间", "投诉关闭没客户确认", "关了没有？" are no closing; "已关" is.
    r"(?<![没未不])(?:已经?|都|也|均)?(?:整改)?(?:关闭|关掉|关了|闭环了|销项|复审通过|验证通过|审查通过|审核通过|评审通过|文审通过|审查过了|搞掂|搞定了)"
    r"(?!时间|日期|率|没|未|环节|流程)"
    r"|(?<![没未不])已关(?![注联系键心])"
    r"|(?<![没未不])(?:文件审查|文审|复审|现场复审|验证|审查)(?:也|都)?(?:已经?)?(?:通过了|过了)"
    r"|\b(?:closed|resolved|cleared)\b", re.IGNORECASE | re.ASCII)
FINDING_OPEN = re.compile(
    r"(?:还|仍|尚|到现在|至今|目前|现在)\S{0,4}?(?:没|未|不|冇)(?:有)?\S{0,3}?(?:关|关闭|整改完|改|搞掂|搞定|处理完|完成|闭环)"
    r"|(?:没|未)(?:关|关闭|整改)|还开着|(?<!没有)(?<!任何)(?<!没)开着|还挂着|挂着|还在(?:整改|改|弄|处理|进行|走流程)|整改中|仲未|\bstill open\b|\bnot (?:yet )?(?:closed|fixed|resolved)\b"
    r"|\bhaven't (?:fixed|closed|resolved)\b|\bopen\b|\bongoing\b|\bin progress\b", re.IGNORECASE | re.ASCII)
RAISED = re.compile(r"开了|开的|开具|开出|开于|提出于|发现于|被记了|记了|提出|发现了|raised|issued|found|wrote up|opened on", re.IGNORECASE | re.ASCII)
ENUM = re.compile(r"(?:^|(?<=[,;:，；：]))\s*(?:一个是|另一个是|一是|二是|三是|第一个是?|第二个是?|第三个是?|一个|另一个|还有一个"
                   r"|(?:one|the other|another|the first|the second|the third)(?:\s+(?:is|was))?\s+(?:on|about|for|regarding|concerning|in)?)",
                   re.IGNORECASE | re.ASCII)
# An audit of another standard ("ISO 9001的外审开了一个一般"): its findings are no part of this certification.
OTHER_STANDARD = re.compile(r"ISO\s*\d{4,5}|\b(?:9001|14001|45001)\b|IATF|质量管理体系认证|环境管理体系", re.IGNORECASE)
# Findings of somebody else ("隔壁公司被开了严重不符合", "our competitor got a major NC", "同集团的另一家子公司"): none
# of this client's.
OTHER_PARTY = re.compile(r"隔壁|竞争对手|对手|同行|友商|别的公司|别家|别人家|其他公司|其它公司|另一家|兄弟公司|别的企业|其他企业|人家公司"
                         r"|他们(?:公司|厂|家)?(?=\S{0,8}(?:F\d|严重|一般|观察))"
                         r"|\b(?:competitors?|another (?:company|firm|supplier|business)|other (?:companies|firms)|a peer|our peers?)\b",
                         re.IGNORECASE)
# The client said to share what another company has: "我们也被开了", "我们是…", "we had one too".
OWN_TOO = re.compile(r"我们(?:也|自己|这边|这次)?(?:也?被|是|有|的|开|审)|咱们(?:也)?被|\bwe (?:also )?(?:got|had|have|were|are)\b", re.IGNORECASE)
# A finding expected, warned of or guessed, not raised: "估计正式审核会有两三个一般不符合吧", "下次可能会开严重不符合",
# "可能会开个观察项", "might raise a major".
SPECULATED = re.compile(r"(?:估计|预计|可能|也许|说不定|大概率|恐怕|应该会|会不会|会有)\S{0,8}$|如果|假如|要是|万一|请问"
                        r"|\b(?:might|may|could|would|if)\b.{0,40}$", re.IGNORECASE)
SAME_AUDIT = re.compile(r"同一次|同一天|同次|同一个审核|same (?:day|audit)", re.IGNORECASE | re.ASCII)

# --- the enterprise ------------------------------------------------------------------------------------------------

COMPANY_SUFFIX = r"(?:股份有限公司|有限责任公司|有限公司|集团公司|集团|公司|厂|科技|电器|电子|医疗|物业|电梯|汽车|重工|机械|家电|服务)"
NAME_ZH = re.compile(
    r"(?:我是|我们是|这里是)\s*(?P<d>[\u4e00-\u9fff]{2,12}?)(?=(?:的)?(?:售后|客服|服务|质量|质管)\S{0,4}?(?:部|中心|科|组|团队)?的?[,，。.]|(?:的)?(?:售后|客服|服务|质量)(?:部|中心|科)的)"
    r"|(?:我们是|我们叫|我司是|本公司是|我们公司是|我们公司叫|公司名叫|公司叫|公司名称是|这里是|我是)\s*(?P<a>[^,.;:!?\s的]{2,20}?)(?=[,.;:!?]|$|，|。)"
    r"|(?:^|(?<=[,，])|我们|公司|我司|名字)\s*(?:叫|名叫|叫做)\s*(?P<b>[^,.;:!?\s的]{2,12}?)(?=[,.;:!?]|$|，|。)"
    # "公司名称三一达重工", "公司全称深圳安康医疗设备股份有限公司", "公司是临沂鲁泰农机".
    r"|(?:公司名称|公司名|公司全称|公司是|厂名)\s*(?:是|叫)?\s*(?P<f>(?![\d一二两三四五六七八九十百千万几]+(?:多|来|余)?[人名个号]|称|叫)[^,.;:!?\s的，。；：]{2,24}?)(?<![人名])(?=[,.;:!?]|$|，|。)"
    # "我们是深圳的凯利达电器": a place, then the name with its suffix.
    rf"|(?:我们是|我们公司是|我司是)\s*[\u4e00-\u9fff]{{2,4}}的(?P<e>[\u4e00-\u9fff]{{2,8}}{COMPANY_SUFFIX})(?=[,，。.;；]|$)"
    rf"|^(?:你好|您好)?[,\s]*(?P<c>[\u4e00-\u9fff]{{2,12}}{COMPANY_SUFFIX}|[\u4e00-\u9fff]{{2,6}})(?=[,，])",
)
# A label whose next clause is the company's name: "公司名：苏州迅梯机电工程有限公司", "公司情况：光合太阳能，…".
NAME_LABEL = re.compile(r"\s*(?:公司名称|公司名|公司全称|公司|我司|公司情况|公司信息|补充公司信息|客户|客户名称|介绍一下|简单介绍一下)\s*[:：]\s*")
NAME_EN = re.compile(r"(?:\b(?i:company|client|customer)\s*:|\b(?i:we are|we're|this is|i'm from|i am from|our company is|(?:manager|head|director|engineer|lead|officer|coordinator)\s+(?:at|of|for)))"
                     r"\s+(?P<n>(?:[A-Z][\w&.'-]*\s*){1,6}?)(?=,|\.|\s+(?:an?|the)\b|$)", re.ASCII)
INDUSTRY_ZH = (
    re.compile(r"(?:^|的|是|家|我们|一家|做)(?P<v>[\u4e00-\u9fff]{2,6}?)(?:行业|企业|厂商|厂家|制造商|制造企业|厂)(?![\u4e00-\u9fff]{0,1}(?:有限|公司))"),
    re.compile(r"(?:^|我们|我司|公司|是|主要|专门|一家|本来就)做(?P<v>[\u4e00-\u9fff]{2,8}?)(?:的|这一?行|这块|生意|行业)"),
    re.compile(r"(?:^|我们|我司|公司|是|主要|专门)做(?P<v>[\u4e00-\u9fff]{2,8}?)(?=[,，.。]|$)"),
    re.compile(r"(?:主营|从事)(?P<v>[\u4e00-\u9fff]{2,8}?)(?:行业|业务|的|[,，.。]|$)"),
)
# Industries a company's name says ("骏驰汽车服务集团"): ordinary words, for when the message says no more.
INDUSTRY_IN_NAME = re.compile(r"汽车|电梯|医疗器械|医疗设备|医疗|物业|家电|厨电|电器|手机|空调|电商|工程机械|新能源|通信|电子|软件|物流|家具|家居|暖通|安防|消防"
                              r"|光伏|储能|充电桩|仪器|机床|卫浴|冰箱|洗衣机|热水器|净水|锅炉|叉车|农机|数控|打印机|办公设备|门窗|照明|电动车|摩托车"
                              r"|无人机|机器人|半导体|服务器|SaaS|IT服务")
# A self-introduction: the clause where an industry word says what the company does ("我们是汽车4S店集团的售后").
SELF_INTRO = re.compile(r"我们是|我们做|我们公司|我司|本公司|我们这边是|我们属于|我们是做|我们家是|我们厂")
INDUSTRY_EN = re.compile(r"\b(?:an?|the)\s+(?P<i>(?:[a-z-]+\s+){0,3}?[a-z-]+?)\s+(?:company|maker|manufacturer|producer|provider|firm|business|services? company)\b"
                          r"|\bwe (?:make|manufacture|produce|service|maintain|build|sell|install|repair|supply)"
                          r"(?:\s+and\s+(?:maintain|service|install|repair|sell|support))?\s+(?P<j>[a-z -]{3,30}?)(?=[,.]|$)", re.IGNORECASE | re.ASCII)
EMPLOYEES = re.compile(r"员工|职工|人员|全公司|公司|企业|集团|总共|一共|全员|总人数|employees?|staff|people|headcount|workforce", re.IGNORECASE | re.ASCII)
SUBUNIT = re.compile(r"售后|客服|服务|维修|网点|工程师|技术员|坐席|部门|团队|车间|这块|那块|持证|证|培训|参训|考试|考核|应|岗|engineers?|technicians?|agents?|service|department|team|cent(?:re|er)|after-sales",
                     re.IGNORECASE | re.ASCII)
NOT_NAME = re.compile(r"做|的|一家|行业|企业|^(?:我们|我司|本)?公司$|^(?:这|那|我|你|他)|想|准备|打算|希望|请问|级$|水平$|^(?:有|没|在|是|就|也|都)"
                      r"|^(?:汽车|电梯|医疗器械|医疗|物业|家电|电器|手机|空调|电商|工程机械|新能源|通信|电子|软件|物流|家具|暖通|安防|光伏|仪器|机床|制造|服务)"
                      r"(?:公司|企业|厂|厂家|行业|集团)?$")

# --- markers around a value ----------------------------------------------------------------------------------------

PAST = re.compile(r"去年|前年|以前|之前|原来|原先|过去|年初|上半年|上季度|刚开始|当时|那时|以往|早先|\blast year\b|\bpreviously\b|\bbefore\b"
                   r"|\bused to\b|\bwas\b|\bwere\b|\bearlier\b|\bin the past\b", re.IGNORECASE | re.ASCII)
NOW = re.compile(r"现在|目前|当前|如今|今年|最近|实际|真实|这个月|本月|\bnow\b|\bcurrently\b|\bthis year\b|\bat present\b|\btoday\b|\bactual(?:ly)?\b",
                  re.IGNORECASE | re.ASCII)
TARGET = re.compile(r"目标|定的|计划|要求|争取|希望|力争|\btargets?\b|\bgoals?\b|\baim(?:ing)?\b", re.IGNORECASE | re.ASCII)
# The figure for the whole, said after the parts or the spread ("快的1天，慢的10天，平均算下来4.2天", "自营93，授权80出头，
# 全公司合起来88"): that one is the value.
OVERALL = re.compile(r"平均(?:算|下来|起来)|算下来|合起来|加起来|综合(?:起来|下来)?|整体|总体|全口径|全公司|全部加|汇总|\boverall\b|\bon average\b|\bin total\b|\bcombined\b",
                     re.IGNORECASE)
# A value the client is not sure of and will check ("好像是八十几，我得问问质量部再告诉你"): said back, not recorded.
UNSURE = re.compile(r"得问问|要问问|问一下|问问\S{0,6}再|再核|核一下|核实|确认一下|回头(?:再)?(?:告诉|给)|再告诉你|不太确定|不确定|记不清|记不太清"
                    r"|\b(?:I'd have to check|need to check|have to check|not sure|double-check|I'll confirm|will confirm|don't remember)\b",
                    re.IGNORECASE)
SPREAD = re.compile(r"低的时候|高的时候|最低|最高|最好|最差|快的时候|慢的时候|最快|最慢|少的时候|多的时候|\bat best\b|\bat worst\b", re.IGNORECASE | re.ASCII)
OLD_REF = re.compile(r"^\s*(?:那个|那是|那是|是(?:[^,.;]{0,12})的(?:数|数字|口径)?(?=[,.;]|$)|\s*was\b)", re.ASCII)
# A value said not to be the one ("26 hours, not 36" / "是26，不是36" / "而不是36"): the words right before it.
DENIED = re.compile(r"(?:(?<![A-Za-z])not|(?<![A-Za-z])rather than|(?<![A-Za-z])instead of|(?<!要|可|就|还|总|倒)不是|并非|而非)\s*$", re.IGNORECASE)
# Between the two ends of a range: "到", "to", or nothing at all for neighbours said as one (九十八九十九).
RANGE_BETWEEN = re.compile(r"^(?:\s*(?:到|至|~|-|—|–|或|或者|\bto\b|\band\b)\s*|)\Z", re.IGNORECASE | re.ASCII)  # \Z: a line break is no range
CHANGE_BETWEEN = re.compile(r"→|->|=>|降|减|缩短|下降|提|升|增|涨|改善|变成|变为|到了|达到|做到|rose|fell|dropped|improved|increased|decreased|went|grew|reduced|cut|down|up|now",
                             re.IGNORECASE | re.ASCII)
SPREAD_CONTEXT = re.compile(r"之间|波动|不等|区间|范围|\branges?\b|\bvar(?:y|ies)\b|\bbetween\b|\bdepending\b|\bfluctuat", re.IGNORECASE | re.ASCII)
PER_PERIOD = (  # (words, periods in a year, how it is said back in Chinese and in English)
    (re.compile(r"(?:每|一)个?月|月均|每月|\bper month\b|\ba month\b|\bmonthly\b|\beach month\b", re.IGNORECASE | re.ASCII), 12, "每月", "a month"),
    (re.compile(r"每个?季度|每季|一个?季度|季均|\bper quarter\b|\ba quarter\b|\bquarterly\b|\beach quarter\b", re.IGNORECASE | re.ASCII), 4, "每季度", "a quarter"),
    (re.compile(r"每周|每个?(?:星期|礼拜)|一周|周均|\bper week\b|\ba week\b|\bweekly\b|\beach week\b", re.IGNORECASE | re.ASCII), 52, "每周", "a week"),
    (re.compile(r"每半年|半年", re.IGNORECASE | re.ASCII), 2, "每半年", "every half year"),
)
# How long a training day is ("一天按八个小时算", "每天8小时", "at 8 hours a day"): days of training become hours.
DAY_LENGTH = re.compile(
    r"(?:一|每|1)\s*天\s*(?:按|算|折|折合|是|等于|合|有)?\s*(?P<h>\d+(?:\.\d+)?|[一二两三四五六七八九十]+)\s*个?(?:小时|钟头|学时|课时)"
    r"|(?P<e>\d+(?:\.\d+)?|six|seven|eight|nine|ten)[\s-]*hours?\s+(?:a|per|each)\s+day\b|\bdays? (?:being|of) (?P<d>\d+(?:\.\d+)?|six|seven|eight|nine|ten)[\s-]*hours?\b",
    re.IGNORECASE,
)

CJK = re.compile(r"[\u4e00-\u9fff]")

# --- what a value is not: an aim, a commitment, a peak ---------------------------------------------------------

# A value aimed at, promised or required is no measured value ("明年的目标是满意度95%以上", "争取做到98", "对客户承诺
# 2小时响应", "our goal is 40 training hours"): words before it in its clause, with no "实际/现在" between them.
AIM = re.compile(r"目标|指标(?:是|为|定)|争取|力争|希望(?:能|达到|做到|提到|降到)|打算|预计|预期|有望|能(?:提|降|达|做|缩短|提升|提高)到|计划(?:要|在|到|达到|做到|把|提|降)|明年|下一?年度?(?!以后)"
                 r"|要(?:做到|达到|提到|提升到|提高到|降到|缩短到)|承诺|规定|要求(?!\S{0,2}(?:清单|文件|的证))"
                 r"|\b(?:targets?|goals?|aim(?:s|ing)? (?:at|for|to)|objective|plan(?:s|ning)? to|want to|hope to|next year|commit(?:s|ted)? to"
                 r"|promise[sd]?|SLA|required|requirement)\b", re.IGNORECASE)
# "95是今年的目标" / "92% is our target": the aim named after the value.
AIM_AFTER = re.compile(r"^\s*(?:是|为)[^,.;!?。]{0,8}?(?:目标|指标|承诺)|^\s*(?:is|was|as) (?:our|the|a) (?:target|goal|commitment)\b",
                       re.IGNORECASE)
# The usual figure beside a peak or an exception ("平均半小时，不过高峰会拖到两三个小时"): the average is the value.
AVERAGE = re.compile(r"平均|均值|一般|通常|正常(?:情况)?|\b(?:on average|average[sd]?|mean|typically|usually|normally)\b", re.IGNORECASE)
PEAK = re.compile(r"高峰|旺季|忙的时候|最忙|最长|最久|最慢|最多的时候|峰值|极端|个别|偶尔|有时(?:候)?|特殊情况"
                  r"|\b(?:at peak|peak|busiest|worst case|sometimes|occasionally|at most|in rare cases)\b", re.IGNORECASE)
# A share said by its complement ("还有两成半没拿到证" is a 75 % certification rate, "二次上门的占8%" a 92 % first-time
# fix rate, "迟到的有3%" a 97 % on-time rate): (criterion, the words for the share that falls short).
COMPLEMENTS = (
    ("D4.3", re.compile(r"(?:没|未|无)(?:有)?(?:拿到|取得|考到|考下|考出|考过|持有|持)?\S{0,6}?证|证(?:书)?(?:过期|失效|没拿到|没考)|(?:还)?在考|待考|(?:还)?没考"
                        r"|\b(?:uncertified|not certified|without (?:a |valid )?certificat\w*)\b", re.IGNORECASE)),
    ("D1.2", re.compile(r"(?:跑|上门|去)?第二(?:趟|次上门|次去)|二次上门|再跑一趟|再上门|没(?:能)?一次修好|一次修不好"
                        r"|\b(?:second visit|repeat visit|not fixed (?:on|at) the first)\w*", re.IGNORECASE)),
    ("D2.2", re.compile(r"迟到|(?:没|未|不)(?:能)?(?:按时|准时)(?:到|上门)?|超时(?:到|上门)|\b(?:arrive[sd]? late|late arrivals?)\b", re.IGNORECASE)),
)
