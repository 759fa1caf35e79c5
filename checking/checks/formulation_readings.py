"""How a near miss of a canonical formulation reads: as the term damaged (an error), as ordinary
text that is no slip (not reported), or as something the writer may have meant (a warning)."""

from __future__ import annotations

import re

from checking.checks.spans import is_han
from lexicon.compiled import CompiledLexicon
from lexicon.matchers import NearHit
from lexicon.typo_candidates import char_readings

# A changed last character that names another kind of body is another name (教育法, 科学技术局,
# 中国应急管理报 the ministry's paper).
KIND_SUFFIXES = set("法部局厅委办处科院署会室站所队司省市县区镇乡村国家团组馆校报社网台类")
# The kinds of organ that end a body's name: in an item of a list, another character there that sounds
# unlike it makes the name's words a phrase (生态环境美), where one that sounds alike is the slip (生态环境布).
ORGAN_SUFFIXES = frozenset("部局厅委办处署院司")
# Around a term cut short at an edge, only these show a real omission rather than a shorter phrase.
EDGE_OK_BEFORE = set("和与及对把以在将为是")
EDGE_OK_AFTER = set("的是和与及等在为了中上下，。；：、")
FUNCTION_CHARS = set("的地得了着过是和与及或等在为对把被将向从以于而并也都就还又之其这那中")
CONCEPT_SUFFIXES = frozenset("观论")  # 科学发展观, 两点论: the concept named after a phrase
PREPOSITIONS = frozenset("向朝往对为把将从在")  # put between two words of a term, they open a longer phrase
PARTICLES = set("的之")  # put between the words of a term, they make a phrase of its own
ASPECT_MARKS = set("了着过")  # put after a verb of the term, they tell of the work done (全面推进了乡村振兴)
SEPARATORS = set("、，,；;：:")  # put between the words of a term, they part items of a list or clauses
NUMERALS = set("一二三四五六七八九十百千万两零〇")  # another number in a term names another thing (第一个, 十七届)
QUOTES = frozenset("“”‘’\"'「」")
LONG = 8  # a term this long with one inner character changed is no other phrase
WORD_FREQ = 30  # a dictionary word at least this frequent made by an edit is an ordinary word
COMMON_CHAR_FREQ = 5000  # a character this frequent as a word of its own (国 29,996; 育 656 is not)
EVERYDAY_FREQ = 500  # a word this frequent is in everyday use (体育 6,976, 养老 651; 从命 72 is not)
MARGIN = 6  # characters of context segmented on each side of a window
# A list marker opening a clause: 一是, 二要, 三则, 四来, 五方面, 第一, 其二 (一要……四要全面开展).
ENUMERATION_MARKER = re.compile(r"(?:第|其)[一二三四五六七八九十]{1,3}|[一二三四五六七八九十]{1,3}(?:是|要|则|来|方面|者|抓|看|靠)")
CLAUSE_STARTS = set("。；;！!？?：:，,、（(）)\n \u3000")  # what a list marker follows, when it is one
CLAUSE_MARKS = frozenset("。；;！!？?：:，,")  # put for a character of a term, they end its clause
REWORDED_GROUPS = ("表述",)  # formulations whose verb may be reworded; names, counted slogans are fixed
# Adverbials that may stand before the verb of a policy phrase (全面推进, 一体推进, 加快构建).
ADVERBIALS = frozenset("全面 一体 进一步 大力 统筹 持续 深入 加快 加速 着力 切实 扎实 积极 坚决 有效 协同 系统 全力 "
                       "奋力 稳步 不断 努力 坚定 坚持 更好 更加 高质量 高水平".split())
# The head of a name of a thing (a strategy, a campaign, a programme): the words before it name it.
NAME_HEADS = ("战略", "教育", "攻坚战", "改革", "活动", "工程", "强国", "行动", "战", "节")
# Policy verbs used one for another before the same objects in published text (推进/推动乡村振兴,
# 推动/促进高质量发展, 加快/加速建设, 实施/实行, 完善/健全, 提高/提升); other common verbs that
# differ by one character from a term's verb make another phrase or a misquote (建成 → 形成, 建立;
# 构建 → 创建; 实现 → 实行), which stays an error.
INTERCHANGEABLE_VERBS = (frozenset({"推进", "推动", "促进"}), frozenset({"加快", "加速"}),
                         frozenset({"加强", "强化"}), frozenset({"实施", "实行"}),
                         frozenset({"完善", "健全"}), frozenset({"提高", "提升"}))
LIST_MARKS = frozenset("、，,；;")
ITEM_OR_CLAUSE_MARKS = CLAUSE_MARKS | LIST_MARKS  # put for a term's character, they end the window's item or clause
CONJUNCTIONS = frozenset("和与及同")  # joining two objects, one stands for another in published text
# What stands for 国 when a national strategy is taken up locally (人才强县战略, 科教兴市, 质量强省).
LOCAL_LEVELS = frozenset("省市县区州盟旗镇乡村")
ADMINISTRATIVE_LEVELS = frozenset("省市县区州")  # in a term, said of one level; the same words fit another
# ... or by a sector (科技强警, 科技强军, 质量强企, 科技强农).
# The provinces' one-character names (GB/T 2260), put for 国 in a province's own version of a national strategy (科教兴冀)
PROVINCE_NAMES = frozenset("京津冀晋蒙辽吉黑沪苏浙皖闽赣鲁豫鄂湘粤桂琼渝川蜀贵黔云滇藏陕秦甘陇青宁新港澳台")
STAND_INS_FOR_GUO = LOCAL_LEVELS | PROVINCE_NAMES | frozenset("警军农企")
SHORTEST_ERROR = 4  # a window of fewer characters (a four-character term cut short) is too little to tell
COUNTED = re.compile("[一二两三四五六七八九十]+个|第[一二三四五六七八九十]")  # 两个确立, 第二个百年奋斗目标
COUNT_BEFORE_GE = re.compile("[一二两三四五六七八九十]+(?=个)")  # the count of a counted slogan (十四个坚持)
DIGITS = frozenset("0123456789０１２３４５６７８９")
MIXED_NUMBER = re.compile("[0-9０-９][一二两三四五六七八九十百千万]|[一二两三四五六七八九十百千万][0-9０-９]")  # 1十年


def may_be_meant(window: str, key: str, lex: CompiledLexicon) -> bool:
    """A near miss that is itself a common phrase, or part of another accepted form (one that does
    not contain the term), may be what the writer meant: worth a warning, not an error."""
    if lex.words.freq(window) >= WORD_FREQ:
        return True
    accepted = lex.accepted
    at = accepted.find(window)
    while at != -1:
        line_start = accepted.rfind("\n", 0, at) + 1
        line_end = accepted.find("\n", at)
        if key not in accepted[line_start : line_end if line_end != -1 else len(accepted)]:
            return True
        at = accepted.find(window, at + 1)
    return False


def ordinary_reading(sq: str, hit: NearHit, key: str, lex: CompiledLexicon) -> bool:
    """Whether the edited window reads as ordinary text rather than a damaged formulation:
    a shorter phrase (生态环境保护 is not 生态环境部 damaged), another name (教育法,
    中华人民共和国海岛保护法), a common word made by the edit (四个意见, 科学技术进步, 深化营商环境),
    another connective (绿水青山向金山银山) or particle (全国统一的市场), or a window starting or
    ending inside a word, or whose changed edge belongs to the text outside (应急管理|新形势), a
    national term taken up locally or by a sector (人才强县战略 for 人才强国战略, 科技强警) or said of
    another region (爱国者治澳), a window across a clause mark put for one of the term's characters
    (其中：中央), or an edit that opens a frame of the writer's own (四个做大做强)."""
    window = sq[hit.start : hit.end]
    n = len(key)
    sources = [src for _, src, _ in hit.edits]
    if len(sources) > 1 and (max(sources) < 3 or min(sources) >= n - 3):
        return True  # the prefix or suffix replaced as a block names another body (市发展和改革委员会)
    if _connective_changed(window, key, hit, lex) or _sibling_name(window, key, hit, lex):
        return True
    if _split_by_separators(window, key, hit, lex) or _numeral_changed(window, key, hit):
        return True
    if all(op == "replace" and key[src] == "国" and window[dst] in STAND_INS_FOR_GUO for op, src, dst in hit.edits):
        return True  # the national strategy taken up by a province, city, county or sector (人才强县战略, 科教兴冀, 科技强警)
    if all(op == "replace" and key[src] in ADMINISTRATIVE_LEVELS and window[dst] in LOCAL_LEVELS
           for op, src, dst in hit.edits):
        return True  # the same words said of another level (县（区、市） beside 省（区、市）)
    if all(key[src] in PROVINCE_NAMES and _stand_in(sq, hit, op, src, dst, len(key)) in PROVINCE_NAMES
           for op, src, dst in hit.edits):
        return True  # the same words said of another region (爱国者治澳 beside 爱国者治港)
    if _edits_on_list_marker(sq, hit) or _item_of_even_list(sq, hit) or _item_of_a_frame_list(sq, hit, key):
        return True
    if _copula_put_in(sq, hit, lex):
        return True  # a sentence saying something of the term's first words (教育是国之大计, 法治是中国特色…)
    if any(op == "replace" and _in_repeat_frame(sq, hit.start + dst) for op, _, dst in hit.edits):
        return True  # the new character opens the writer's own A?A? frame (四个做大做强 is no 四个伟大)
    if any(op == "replace" and is_han(key[src]) and window[dst] in ITEM_OR_CLAUSE_MARKS for op, src, dst in hit.edits):
        return True  # the window runs across a clause or an item (其中：中央 is no 中共中央, 抓脱贫、坚定 no 脱贫攻坚)
    if any(op == "replace" and window[dst] in PARTICLES and key[src] in _lone_words(key, lex)
           for op, src, dst in hit.edits):
        return True  # a particle in place of a word of one character describes, it is no slip (全国统一的市场)
    for op, src, dst in hit.edits:
        at_start, at_end = src < 2, src >= n - 2
        if op == "delete" and src in (0, n - 1) and _cut_short_reads_whole(sq, hit, key, src, lex):
            return True
        if op == "replace" and src in (0, n - 1) and (not is_han(window[dst]) or window[dst] in FUNCTION_CHARS):
            return True
        if op == "replace" and src == n - 1 and window[dst] in KIND_SUFFIXES:
            return True
        if op == "replace" and src == n - 1 and key[src] in ORGAN_SUFFIXES and is_han(window[dst]) \
                and not _sounds_alike(window[dst], key[src]) and _whole_item(sq, hit):
            return True  # an item saying something of the body's words (区域优势强、生态环境美), not its name misspelt
        if op == "replace" and n <= 5 and _edit_makes_word(sq, hit.start + dst, key, lex) \
                and _orphans(window, lex) <= _orphans(key, lex):
            return True  # reads as words (四个意见), not as a word plus stray characters (共同人裕)
        if op == "replace" and src == 0 and _edit_makes_word(sq, hit.start, key, lex, starts_before=hit.start):
            return True  # the first character belongs to a word before the window
        # Both ends intact; but before a kind suffix the edit may name a sibling (宪法 → 刑法).
        inner = (op == "replace" and 0 < src < n - 1 and window[0] == key[0] and window[-1] == key[-1]
                 and not (key[-1] in KIND_SUFFIXES and src >= n - 3))
        if inner and (n >= LONG or n <= 5):
            continue  # both ends intact: long, damaged whatever word the edit makes; short, judged above
        if op == "replace" and at_end and _edit_makes_word(sq, hit.start + dst, key, lex) \
                and not _sounds_alike(window[dst], key[src]):
            return True  # the last word differs: another phrase (科学技术进步, 中国特色社会主义文明);
            # one that sounds the same is the pinyin slip (坚持和加强党的全面领到)
        if op == "replace" and src == dst and _first_word_swapped(window, key, src, lex):
            return True  # the first word is another word (深化营商环境 for 优化营商环境)
        if (at_start or at_end) and not inner and not lex.words.aligned(sq, hit.start, hit.end):
            return True
        if op == "replace" and len(hit.edits) == 1 and src in (0, n - 1) and _runs_on(sq, hit, key, src, dst, lex):
            return True
    return False


def may_be_meant_here(sq: str, hit: NearHit, key: str, lex: CompiledLexicon, group: str) -> bool:
    """Whether the near miss reads as something the writer may well have meant (a warning, not an
    error that blocks): each reading below names one kind, seen in published text."""
    window = sq[hit.start : hit.end]
    return (may_be_meant(window, key, lex) or other_modifier(sq, hit, key)
            or counted_without_measure_word(window, key, hit) or too_short_to_tell(window)
            or shorter_phrase(sq, hit, key, lex) or connective_reworded(window, key, hit, lex)
            or conjunction_swapped(window, key, hit, lex, group) or resumes_after_insertion(sq, hit, key, lex)
            or numerals_in_digits(window, key, hit) or count_changed(window, key, hit)
            or concept_without_its_suffix(window, key, hit, lex) or first_word_joined_before(sq, hit, key, lex)
            or particle_put_for_a_character(window, hit, lex) or count_put_for_first_character(window, key, hit)
            or one_before_hundred_dropped(key, hit) or word_swapped(window, key, hit, lex, group)
            or particle_reworded(window, key, hit, lex) or inner_words_dropped(window, key, hit, lex)
            or words_reworded(window, key, hit, lex, group)
            or local_body(sq, hit, group) or blend_of_terms(sq, hit, key, lex)
            or reworded_verb(window, key, hit, lex, group) or organ_kind_replaced(window, key, hit, group))


def organ_kind_replaced(window: str, key: str, hit: NearHit, group: str) -> bool:
    """The organ kind closing a name (部, 局, 委 …) replaced by a character that sounds unlike it
    (农业农村口, 应急管理线): the body's words said of something else, which the writer may well have
    meant; one that sounds alike is the name mistyped (生态环境布)."""
    if group != "名称" or len(hit.edits) != 1:
        return False
    op, src, dst = hit.edits[0]
    return op == "replace" and src == len(key) - 1 and key[src] in ORGAN_SUFFIXES and is_han(window[dst]) \
        and not _sounds_alike(window[dst], key[src])


def other_modifier(sq: str, hit: NearHit, key: str) -> bool:
    """The term is a short modifier, 的 and a head of two or more characters (党的自我革命), and the
    window changes only the modifier: the same head under another modifier (刀刃向内的自我革命,
    全面的自我革命), which the writer may well have meant. Not when the new character sounds like
    the one it replaces (当的自我革命 is the term mistyped)."""
    cut = key.find("的")
    if not (1 <= cut <= 2 and len(key) - cut - 1 >= 2):
        return False
    window = sq[hit.start : hit.end]
    if not window.endswith(key[cut:]):
        return False
    for op, src, dst in hit.edits:
        if src >= cut or op not in ("replace", "delete"):
            return False
        if op == "replace" and (not is_han(window[dst]) or _sounds_alike(window[dst], key[src])):
            return False
    if len(window) - (len(key) - cut) == 0:  # the whole modifier is gone: another one must stand before
        return hit.start > 0 and is_han(sq[hit.start - 1])
    return True


def _split_by_separators(window: str, key: str, hit: NearHit, lex: CompiledLexicon) -> bool:
    """Only whole pieces were put in, each between two words of the term: list or clause
    separators (精准脱贫、攻坚拔寨 is not 脱贫攻坚 damaged), a particle (全人类的共同价值,
    治理能力的现代化), a conjunction between two words (防范和化解重大风险), an aspect mark after a
    verb (全面推进了乡村振兴; not 发展着思想) or a common word of two or more characters (治理体系和提高治理能力现代化):
    the term's words in a longer phrase of their own, not the term mistyped."""
    if not hit.edits or any(op != "insert" for op, _, _ in hit.edits):
        return False
    bounds = _word_bounds(key, lex) - {0}
    runs: list[tuple[int, int, int]] = []  # (src, first dst, last dst) of each run of inserted characters
    for _, src, dst in sorted(hit.edits, key=lambda e: e[2]):
        if runs and runs[-1][0] == src and runs[-1][2] == dst - 1:
            runs[-1] = (src, runs[-1][1], dst)
        else:
            runs.append((src, dst, dst))
    for src, first, last in runs:
        piece = window[first : last + 1]
        if src not in bounds or src == len(key):
            return False
        if not (all(c in SEPARATORS for c in piece) or piece in PARTICLES or _joins_words(key, src, piece, lex)
                or (piece in ASPECT_MARKS and _word_ending_at(key, src, lex) in lex.words.common_verbs)
                or (len(piece) >= 2 and lex.words.freq(piece) >= WORD_FREQ)):
            return False
    return True


def _in_repeat_frame(sq: str, pos: int) -> bool:
    """The character at ``pos`` is a repeated first half of a four-character frame A X A Y of Chinese
    characters (做大做强, 抓早抓小): a pattern the writer built, which a slip does not make."""
    for start in (pos - 2, pos):
        run = sq[start : start + 4] if start >= 0 else ""
        if len(run) == 4 and all(is_han(c) for c in run) and run[0] == run[2] and run[1] != run[3]:
            return True
    return False


def _stand_in(sq: str, hit: NearHit, op: str, src: int, dst: int, n: int) -> str:
    """The character standing in the text for the term's character ``src``: the replacing one, or for
    the last character left out, the one right after the window (爱国者治|澳 read against 爱国者治港)."""
    if op == "replace":
        return sq[hit.start + dst]
    if op == "delete" and src == n - 1:
        return sq[hit.end : hit.end + 1]
    return ""


def _joins_words(key: str, src: int, piece: str, lex: CompiledLexicon) -> bool:
    """``piece`` is a conjunction put between two words of two or more characters of the term."""
    if piece not in CONJUNCTIONS:
        return False
    pos = 0
    for word in lex.words.cut(key):
        if pos == src:
            return len(word) >= 2 and len(_word_ending_at(key, src, lex)) >= 2
        pos += len(word)
    return False


def _word_ending_at(key: str, end: int, lex: CompiledLexicon) -> str:
    """The word of the term's segmentation that ends at ``end`` ("" if none does)."""
    pos = 0
    for word in lex.words.cut(key):
        pos += len(word)
        if pos == end:
            return word
    return ""


def _numeral_changed(window: str, key: str, hit: NearHit) -> bool:
    """Only numerals were changed into other numerals: another number, another thing
    (第一个百年奋斗目标 beside 第二个百年奋斗目标, 党的十七届四中全会 beside 十八届)."""
    return bool(hit.edits) and all(
        op == "replace" and key[src] in NUMERALS and window[dst] in NUMERALS for op, src, dst in hit.edits)


def count_changed(window: str, key: str, hit: NearHit) -> bool:
    """Only the count of a counted slogan was changed, numerals put in or left out (十个坚持 beside
    十四个坚持, 十个明确 beside 八个明确): another count may name another list, or be a numeral
    lost (十个方面成就 for 十三个方面成就); worth a warning. (Numerals only replaced: another
    number, another thing, see :func:`_numeral_changed`.)"""
    count = COUNT_BEFORE_GE.search(key)
    if count is None or not hit.edits or COUNT_BEFORE_GE.search(window) is None:
        return False
    first, end = count.span()
    for op, src, dst in hit.edits:
        inside = first <= src <= end if op == "insert" else first <= src < end
        if not inside or (op != "delete" and window[dst] not in NUMERALS):
            return False
    return True


def _edits_on_list_marker(sq: str, hit: NearHit) -> bool:
    """An edited character is part of a list marker opening a clause (一要……四要全面开展 is no
    四个全面 written wrong; 二是, 第三, 其一 likewise): the window runs from the marker into the
    item, across the structure of the sentence, not over a formulation."""
    marks = [hit.start + dst + (1 if op == "swap" else 0) for op, _, dst in hit.edits if op != "delete"]
    marks += [hit.start + dst for op, _, dst in hit.edits if op == "swap"]
    if not marks:
        return False
    for m in ENUMERATION_MARKER.finditer(sq, max(0, hit.start - 4), min(len(sq), hit.end + 3)):
        start, end = m.span()
        if start > 0 and sq[start - 1] not in CLAUSE_STARTS:
            continue
        if any(start <= at < end for at in marks):
            return True
    return False


ITEM_EDGES = set("、，,；;。：:“”（()）\n ")  # what stands around an item of a list


def _whole_item(sq: str, hit: NearHit) -> bool:
    """The window is a whole item: list or clause marks (or quotes) on both sides."""
    return (hit.start == 0 or sq[hit.start - 1] in ITEM_EDGES) and (hit.end == len(sq) or sq[hit.end] in ITEM_EDGES)


def _item_of_even_list(sq: str, hit: NearHit) -> bool:
    """The window, the term with characters left out, is a whole item of a 、 list whose next or
    previous item is as long (农业强、农村美、农民富 is no 农业强国 cut short): the list's rhythm,
    not the term damaged."""
    if not hit.edits or any(op != "delete" for op, _, _ in hit.edits):
        return False
    start, end = hit.start, hit.end
    if not _whole_item(sq, hit):
        return False
    size = end - start
    after = sq[end + 1 : end + 2 + size] if sq[end : end + 1] == "、" else ""
    before = sq[max(0, start - size - 2) : start - 1] if start > 0 and sq[start - 1] == "、" else ""
    return (len(after) == size + 1 and after[-1] in ITEM_EDGES and all(c.isalnum() for c in after[:-1])) or \
        (len(before) == size + 1 and before[0] in ITEM_EDGES and all(c.isalnum() for c in before[1:]))


def _copula_put_in(sq: str, hit: NearHit, lex: CompiledLexicon) -> bool:
    """One edit, 是 put in (or for a character) right after a whole word of two or more characters
    that opens the window, and words after it: the window is a sentence, subject and 是, no damaged
    term (教育是国之大计 beside 教育强国; 党史学习是育 is the term mistyped)."""
    if len(hit.edits) != 1:
        return False
    op, _, dst = hit.edits[0]
    at = hit.start + dst
    if op not in ("insert", "replace") or sq[at] != "是" or dst < 2:
        return False
    if dst not in lex.words.boundaries(sq[hit.start : at + 1]):
        return False
    after = lex.words.cut(sq[at + 1 : at + 8])
    first = after[0] if after else ""
    return (len(first) >= 2 and lex.words.freq(first) >= WORD_FREQ) \
        or (first != "" and lex.words.freq(first[0]) >= COMMON_CHAR_FREQ)


def _item_of_a_frame_list(sq: str, hit: NearHit, key: str) -> bool:
    """The window, the term with one character replaced, is an item of a 、 list whose next or
    previous item differs from it at that character alone, and not by being the term (质量强链、质量强企、
    质量强县): the writer fills one frame item by item, no slip makes that."""
    if len(hit.edits) != 1 or hit.edits[0][0] != "replace":
        return False
    _, src, at = hit.edits[0]
    start, end = hit.start, hit.end
    size = end - start
    window = sq[start:end]
    neighbours = []
    if sq[end : end + 1] == "、":
        neighbours.append(sq[end + 1 : end + 1 + size])
    if start > size and sq[start - 1] == "、" and sq[end : end + 1] in ITEM_EDGES | {""}:
        neighbours.append(sq[start - 1 - size : start - 1])
    return any(len(other) == size and other[at] not in (window[at], key[src]) and is_han(other[at])
               and other[:at] == window[:at] and other[at + 1 :] == window[at + 1 :] for other in neighbours)


def reworded_verb(window: str, key: str, hit: NearHit, lex: CompiledLexicon, group: str) -> bool:
    """The main verb of a policy phrase replaced by another common verb used for it in published
    text (INTERCHANGEABLE_VERBS), its object kept (全面推动乡村振兴 for 全面推进乡村振兴, 推进 and
    推动 both common verbs): a rewording the writer may well have meant, worth a warning. Only for a phrase (group 表述) that the verb opens, after at most
    one adverbial word (全面, 加快), with an object of two or more characters after it; or the
    adverbial opening the phrase replaced by another (全力推进乡村振兴, 加速构建新发展格局).
    Never in a name of a thing (…战略, …教育, …攻坚战) or a counted slogan (两个确立, 四个全面).
    Other common verbs one character away make another phrase or a misquote (全面建立小康社会)."""
    if group not in REWORDED_GROUPS or len(window) != len(key) or COUNTED.search(key):
        return False
    if not hit.edits or any(op != "replace" for op, _, _ in hit.edits):
        return False
    pos, spans = 0, []
    for token in lex.words.cut(key):
        spans.append((pos, pos + len(token)))
        pos += len(token)
    touched = {i for i, (a, b) in enumerate(spans) for _, src, _ in hit.edits if a <= src < b}
    if len(touched) != 1:
        return False
    index = touched.pop()
    a, b = spans[index]
    if b - a < 2 or len(key) - b < 2 or key.endswith(NAME_HEADS):
        return False
    old, new = key[a:b], window[a:b]
    verbs = lex.words.common_verbs
    if index == 0 and len(spans) > 1 and key[b : spans[1][1]] in verbs:
        # the adverbial before the verb replaced by another (全力推进乡村振兴 for 全面推进乡村振兴)
        if old not in ADVERBIALS or new not in ADVERBIALS:
            return False
    else:
        if index > 1 or (index == 1 and key[: spans[0][1]] not in ADVERBIALS):
            return False  # the verb does not open the phrase: it is part of a name (党史学习教育, 区域协调)
        if old not in verbs or new not in verbs:
            return False
        if not any(old in verbs_used_alike and new in verbs_used_alike for verbs_used_alike in INTERCHANGEABLE_VERBS):
            return False
    return _is_token_at(window, a, new, lex)  # the new word is a word of the window's own segmentation too


def broken_by_a_line(window: str, hit: NearHit) -> bool:
    """The term written right but for line breaks put inside it (全\n面建设小康社会): the layout broke
    it, not the wording."""
    return bool(hit.edits) and all(op == "insert" and window[dst] in "\r\n" for op, _, dst in hit.edits)


def mark_or_particle_dropped(window: str, key: str, hit: NearHit) -> bool:
    """Only the list mark between the term's parts left out (精准扶贫精准脱贫 for 精准扶贫、精准脱贫)
    or joined by a conjunction before the last part (制度自信和文化自信), the particle 的 left out or
    put in (办好人民满意教育 for 办好人民满意的教育, a usual short form in published text), or, in a
    list of three or more parts, one mark written as another (…构建新发展格局，推动高质量发展): worth a
    warning, not an error that blocks. In a pair, a list mark written as a comma stays an error
    (不忘初心，牢记使命: DOMAIN.md names the 顿号)."""
    marks = sum(c in LIST_MARKS for c in key)

    def loose(op: str, src: int, dst: int) -> bool:
        if op == "delete":
            return key[src] in LIST_MARKS or key[src] == "的"
        if op == "replace" and key[src] in LIST_MARKS:
            return window[dst] in CONJUNCTIONS or (marks >= 2 and window[dst] in LIST_MARKS)
        return op == "insert" and window[dst] == "的"

    return bool(hit.edits) and all(loose(*edit) for edit in hit.edits)


def particle_reworded(window: str, key: str, hit: NearHit, lex: CompiledLexicon) -> bool:
    """The particle 的 between the term's words replaced by a common word of two or more characters,
    the words either side intact (新时代十年实现伟大变革 beside 新时代十年的伟大变革): the same words
    in a sentence of its own, which the writer may well have meant. One character for 的 is a slip
    (党得自我革命)."""
    pos = 0
    for token in lex.words.cut(key):
        if token == "的" and 0 < pos < len(key) - 1:
            size = len(window) - len(key) + 1
            new = window[pos : pos + size]
            if 2 <= size <= 4 and window[:pos] == key[:pos] and window[pos + size :] == key[pos + 1 :] \
                    and lex.words.freq(new) >= WORD_FREQ and _is_token_at(window, pos, new, lex):
                return True
        pos += len(token)
    return False


def inner_words_dropped(window: str, key: str, hit: NearHit, lex: CompiledLexicon) -> bool:
    """Whole words of two or more characters left out inside the term, the rest intact (深化文化体制
    改革 beside 深化文化体制机制改革, 党的建设伟大工程 beside 党的建设新的伟大工程): a shorter or older
    wording of its own, which the writer may well have meant; a slip rarely drops a whole word."""
    if not hit.edits or any(op != "delete" for op, _, _ in hit.edits):
        return False
    dropped = sorted(src for _, src, _ in hit.edits)
    first, last = dropped[0], dropped[-1]
    if last - first + 1 != len(dropped) or len(dropped) < 2 or first == 0 or last == len(key) - 1:
        return False
    if all(c in FUNCTION_CHARS for c in key[first : last + 1]):
        return False  # the connective left out (绿水青山金山银山): the slogan damaged
    bounds = _word_bounds(key, lex)
    return first in bounds and last + 1 in bounds and window == key[:first] + key[last + 1 :]


def too_short_to_tell(window: str) -> bool:
    """A window of fewer than SHORTEST_ERROR characters (人才强 for 人才强国, in 人才兴则临朐兴，人才强则
    临朐强): so short a string occurs in running text too often to block on; worth a warning."""
    return len(window) < SHORTEST_ERROR


def counted_without_measure_word(window: str, key: str, hit: NearHit) -> bool:
    """The measure word 个 left out after a numeral in a short counted slogan (两结合 for 两个结合):
    a usual short form, which the writer may well have meant. Not inside a longer term, where the
    slogan is named in full (“四个全面”战略布局)."""
    return len(key) <= 4 and len(hit.edits) == 1 and hit.edits[0][0] == "delete" and key[hit.edits[0][1]] == "个" \
        and hit.edits[0][1] > 0 and key[hit.edits[0][1] - 1] in NUMERALS


def local_body(sq: str, hit: NearHit, group: str) -> bool:
    """A name right after a province, city or county (沧州市国家税务局, 市国家税务局 before 2018):
    the local body has a name of its own, which the writer may well have meant."""
    return group == "名称" and hit.start > 0 and sq[hit.start - 1] in LOCAL_LEVELS


def one_before_hundred_dropped(key: str, hit: NearHit) -> bool:
    """一 left out before 百, 千 or 万 (两个百年 for 两个一百年): the same number in a usual short
    form, which the writer may well have meant."""
    return len(hit.edits) == 1 and hit.edits[0][0] == "delete" and key[hit.edits[0][1]] == "一" \
        and key[hit.edits[0][1] + 1 : hit.edits[0][1] + 2] in ("百", "千", "万")


def word_swapped(window: str, key: str, hit: NearHit, lex: CompiledLexicon, group: str) -> bool:
    """One word of the phrase replaced by another common word that sounds unlike it, read as a word
    of the window's own segmentation: the same pattern said of another thing, which the writer may
    well have meant — the last word (办好人民满意的体育事业 beside 办好人民满意的教育), or an inner
    word replaced whole (坚持和加强党的文化领导权 beside 坚持和加强党的全面领导, 深化教育体制机制改革
    beside 深化文化体制机制改革, 深化生态环境体制改革 beside 深化生态文明体制改革). Only in a phrase
    (group 表述), and only a word in everyday use: a mistyped word makes none (核心价值关) or a
    rare one (牢记从命); one character changed inside the phrase stays a slip."""
    if group not in REWORDED_GROUPS or len(window) != len(key) or not hit.edits \
            or any(op != "replace" for op, _, _ in hit.edits):
        return False
    at = 0
    for word in lex.words.cut(key):
        if at <= hit.edits[0][1] < at + len(word):
            break
        at += len(word)
    changed = {src for _, src, _ in hit.edits}
    last = at + len(word) == len(key)
    if len(word) < 2 or not changed <= set(range(at, at + len(word))) \
            or (not last and changed != set(range(at, at + len(word)))):
        return False
    new = window[at : at + len(word)]
    # read as a word of the window: the last one whole; an inner one at least opening or closing a word
    # (教育体制, 生态环境)
    bounds = lex.words.boundaries(window)
    read = _is_token_at(window, at, new, lex) if last else (at in bounds or at + len(word) in bounds)
    return lex.words.freq(new) >= EVERYDAY_FREQ and read \
        and not any(_sounds_alike(window[dst], key[src]) for _, src, dst in hit.edits)


def words_reworded(window: str, key: str, hit: NearHit, lex: CompiledLexicon, group: str) -> bool:
    """Two or more words of the phrase, each with one character replaced by one that sounds unlike it,
    each making a word in everyday use (动员全党建设社会主义现代化强国 beside 全面建成社会主义现代化强国):
    another phrase, which the writer may well have meant; independent slips seldom make two words.
    Only in a phrase (group 表述)."""
    if group not in REWORDED_GROUPS or len(window) != len(key) or len(hit.edits) < 2 \
            or any(op != "replace" for op, _, _ in hit.edits):
        return False
    spans, at = [], 0
    for word in lex.words.cut(key):
        spans.append((at, at + len(word)))
        at += len(word)
    touched = {span for span in spans for _, src, _ in hit.edits if span[0] <= src < span[1]}
    if len(touched) != len(hit.edits) or any(b - a < 2 for a, b in touched):
        return False
    return all(lex.words.freq(window[a:b]) >= EVERYDAY_FREQ for a, b in touched) \
        and not any(_sounds_alike(window[dst], key[src]) for _, src, dst in hit.edits)


def blend_of_terms(sq: str, hit: NearHit, key: str, lex: CompiledLexicon) -> bool:
    """The changed words come whole from another canonical form that starts the same way:
    全面建设社会主义现代化强国 opens like 全面建设社会主义现代化国家 and ends like 全面建成社会主义
    现代化强国, two formulations blended, which the writer may well have meant."""
    window = sq[hit.start : hit.end]
    last = max((dst for op, _, dst in hit.edits if op != "delete"), default=-1)
    if last < 0:
        return False
    pos = 0
    for token in lex.words.cut(window):
        pos += len(token)
        if pos > last:
            break
    head = window[:pos]
    return len(head) >= 3 and lex.other_key_starts_with(head, key)


def shorter_phrase(sq: str, hit: NearHit, key: str, lex: CompiledLexicon) -> bool:
    """The term without its last character, the rest whole words, running on into its clause or a
    、 list (促进科学发展的重要渠道, 科学发展、安全发展理念): a shorter phrase of its own as likely as
    the term cut short. Before other punctuation or at the end, the term was cut short (推进中国式现代，)."""
    if len(hit.edits) != 1 or hit.edits[0][:2] != ("delete", len(key) - 1):
        return False
    window, after = sq[hit.start : hit.end], sq[hit.end : hit.end + 1]
    return (after == "、" or is_han(after)) and _orphans(window, lex) == 0 and not too_short_to_tell(window)


def connective_reworded(window: str, key: str, hit: NearHit, lex: CompiledLexicon) -> bool:
    """The connective word between the term's phrases (就是 in 绿水青山就是金山银山) replaced by
    another common word of the text's own segmentation, the phrases either side intact (让绿水青山
    变成金山银山): the same phrases in another sentence, which the writer may well have meant."""
    if len(window) != len(key) or not hit.edits or any(op != "replace" for op, _, _ in hit.edits):
        return False
    pos = 0
    for token in lex.words.cut(key):
        start, pos = pos, pos + len(token)
        if all(start <= src < pos for _, src, _ in hit.edits):
            new = window[start:pos]
            return (len(token) >= 2 and all(c in FUNCTION_CHARS for c in token)
                    and lex.words.freq(new) >= WORD_FREQ and _is_token_at(window, start, new, lex))
    return False


def conjunction_swapped(window: str, key: str, hit: NearHit, lex: CompiledLexicon, group: str) -> bool:
    """A conjunction of one character, a word of its own in the phrase, replaced by another
    (统筹发展与安全 for 统筹发展和安全): the wording used for it in much published text, worth a
    warning. Only in a phrase (group 表述); in a name the conjunction is part of it
    (国家发展和改革委员会)."""
    if group not in REWORDED_GROUPS or not hit.edits:
        return False
    return all(op == "replace" and key[src] in CONJUNCTIONS and window[dst] in CONJUNCTIONS
               and _lone_words(key, lex, src) for op, src, dst in hit.edits)


def resumes_after_insertion(sq: str, hit: NearHit, key: str, lex: CompiledLexicon) -> bool:
    """Read on past the window, the whole term stands in the text with two to four characters put
    between two of its own (全面从严管党治党 is 全面从严治党 with 管党 put in, not 治 changed to 管),
    or with a preposition put between two of its words (推动共建“一带一路”向高质量发展转变): a
    longer phrase built on the term, which the writer may well have meant; slips put in one other
    character (全又面, 发展着思想)."""
    start = hit.start
    bounds = _word_bounds(key, lex)
    for size in (1, 2, 3, 4):
        for b in range(1, len(key)):
            put_in = sq[start + b : start + b + size]
            if sq[start : start + b] == key[:b] and sq[start + b + size : start + len(key) + size] == key[b:] \
                    and all(is_han(c) for c in put_in) and (size > 1 or (put_in in PREPOSITIONS and b in bounds)):
                return True
    return False


def particle_put_for_a_character(window: str, hit: NearHit, lex: CompiledLexicon) -> bool:
    """的 or 之 in place of one character, between whole words (属于中国的现代化 beside 中国式现代化):
    a plain phrase of the same words, which the writer may well have meant."""
    if len(hit.edits) != 1 or hit.edits[0][0] != "replace" or window[hit.edits[0][2]] not in PARTICLES:
        return False
    at, pos = hit.edits[0][2], 0
    tokens = lex.words.cut(window)
    for k, token in enumerate(tokens):
        if pos == at:
            return (token == window[at] and 0 < k < len(tokens) - 1
                    and len(tokens[k - 1]) >= 2 and len(tokens[k + 1]) >= 2)
        pos += len(token)
    return False


def concept_without_its_suffix(window: str, key: str, hit: NearHit, lex: CompiledLexicon) -> bool:
    """The suffix 观 or 论 of a concept left off, whole words before it (坚持科学发展 for
    科学发展观): the phrase the concept is named after, which the writer may well have meant."""
    return (len(hit.edits) == 1 and hit.edits[0][0] == "delete" and hit.edits[0][1] == len(key) - 1
            and key[-1] in CONCEPT_SUFFIXES and len(window) >= SHORTEST_ERROR and _orphans(window, lex) == 0)


def first_word_joined_before(sq: str, hit: NearHit, key: str, lex: CompiledLexicon) -> bool:
    """The edits lie in the term's first word and the window opens right after a character that
    stands alone in the text's segmentation and is no function word: the window's first character
    joins it into another compound (国家产城融合发展示范区, 科产城人融合发展 beside 城乡融合发展);
    or a word of the text runs from before the window into it (落实好就业优先战略 beside 实施就业优先
    战略). Worth a warning; after a word of its own (推进城融合发展) the term stays damaged."""
    if hit.start == 0 or not hit.edits:
        return False
    before = sq[hit.start - 1]
    if not is_han(before) or before in FUNCTION_CHARS:
        return False
    first = len(next(iter(lex.words.cut(key)), ""))
    if any(src >= first or op == "insert" or (op == "delete" and src == 0) for op, src, _ in hit.edits):
        return False
    if before in key[: first + 1]:
        return False  # the term's own character stands before: it is the term, damaged (五手位一体, 新想发展理念)
    lo = max(0, hit.start - MARGIN)
    pos = lo
    for token in lex.words.cut(sq[lo : hit.end]):
        pos += len(token)
        if pos == hit.start:
            return len(token) == 1
        if pos > hit.start:
            return True  # a word of the text runs into the window: its first word is not there (落实好)
    return False


def count_put_for_first_character(window: str, key: str, hit: NearHit) -> bool:
    """A numeral put for the first character of a term shorter than LONG, one it does not sound
    like, and counting the Chinese character after it, quotation marks aside: a short form named by
    a count (“四史”学习教育 beside 党史学习教育; 三农, 两新), another thing the writer may well
    have meant. Not in a long term (两国特色社会主义) nor before a bracket (十（区、市）)."""
    replaced = [(src, dst) for op, src, dst in hit.edits if op == "replace"]
    if len(key) >= LONG or len(replaced) != 1 or any(
            op != "replace" and (op != "insert" or window[dst] not in QUOTES) for op, _, dst in hit.edits):
        return False
    src, dst = replaced[0]
    return (src == 0 and key[0] not in NUMERALS and window[dst] in NUMERALS and is_han(window[dst + 1 : dst + 2])
            and not _sounds_alike(window[dst], key[0]))


def numerals_in_digits(window: str, key: str, hit: NearHit) -> bool:
    """The term's numerals written in digits (新时代10年 for 新时代十年): the same words, though
    a formulation writes its numbers in characters (GB/T 15835); worth a warning."""
    return any(op != "delete" for op, _, _ in hit.edits) and MIXED_NUMBER.search(window) is None and all(
        (op == "delete" and key[src] in NUMERALS) or (op != "delete" and window[dst] in DIGITS
                                                      and (op == "insert" or key[src] in NUMERALS))
        for op, src, dst in hit.edits)


def _is_token_at(text: str, at: int, word: str, lex: CompiledLexicon) -> bool:
    """Whether ``word`` is a word of ``text``'s segmentation, starting at ``at``."""
    pos = 0
    for token in lex.words.cut(text):
        if pos == at:
            return token == word
        pos += len(token)
        if pos > at:
            return False
    return False


def _sibling_name(window: str, key: str, hit: NearHit, lex: CompiledLexicon) -> bool:
    """Another name of the same kind under the same canonical prefix: 中华人民共和国海岛保护法 is
    not 中华人民共和国海关法 damaged. The edits lie after a canonical form that starts both, the
    kind suffix is the same, and the new part reads as words (数椐安全 does not)."""
    if key[-1] not in KIND_SUFFIXES or window[-1] != key[-1]:
        return False
    prefixes = [h.end for h in lex.formulations.find(key) if h.start == 0 and h.end < len(key) - 1]
    cut = max(prefixes, default=0)
    if not cut or window[:cut] != key[:cut] or min(src for _, src, _ in hit.edits) < cut:
        return False
    if all(op == "delete" for op, _, _ in hit.edits):
        return False  # a name cut short names nothing new (全国人民代表大会常务委会)
    return _orphans(window[cut:], lex) <= _orphans(key[cut:], lex)


def _connective_changed(window: str, key: str, hit: NearHit, lex: CompiledLexicon) -> bool:
    """Only a connective word between the term's phrases differs, and the window puts another
    one there (绿水青山向金山银山, 绿水青山和金山银山 for 绿水青山就是金山银山): the same phrases
    in another sentence, not the term damaged."""
    put = [window[dst] for op, _, dst in hit.edits if op in ("replace", "insert")]
    if not put or any(c not in FUNCTION_CHARS for c in put):
        return False
    connectives, pos = [], 0
    for token in lex.words.cut(key):
        if len(token) >= 2 and all(c in FUNCTION_CHARS for c in token):
            connectives.append((pos, pos + len(token)))
        pos += len(token)
    # an insertion may also stand right after the connective; a swap takes two characters
    reach = {"insert": 0, "swap": 2}
    return all(any(s <= src and src + reach.get(op, 1) <= e for s, e in connectives) for op, src, _ in hit.edits)


def _runs_on(sq: str, hit: NearHit, key: str, src: int, dst: int, lex: CompiledLexicon) -> bool:
    """The changed first or last character belongs to the text outside the window, not to the
    term: it was a word of its own in the term (or the kind ending a name, 部 in 应急管理部),
    the segmentation of the surrounding text cuts between it and the rest of the window,
    and it is part of a word that runs on outside the window, or, the last character, stands
    alone before more text and sounds unlike the character it replaces (生态环境|更|美 is not
    生态环境部 damaged; 中华人民共和|果|成立 is). A lone first character is no such sign:
    what comes before a term rarely ends on a word of one character (坚持|形|质量发展)."""
    at = hit.start + dst
    outside = sq[hit.start - 1 : hit.start] if src == 0 else sq[hit.end : hit.end + 1]
    own_word = key[src] in _lone_words(key, lex, src) or (src == len(key) - 1 and key[src] in KIND_SUFFIXES)
    if not (outside and is_han(outside) and own_word):
        return False  # nothing runs on outside, or the changed character is part of a word of the term
    lo = max(0, hit.start - MARGIN)
    token_end = lo
    for token in lex.words.cut(sq[lo : hit.end + MARGIN]):
        token_start, token_end = token_end, token_end + len(token)
        if token_end > at:
            break
    if (token_end != at + 1) if src == 0 else (token_start != at):
        return False
    if src == 0:
        return token_start < hit.start
    return token_end > hit.end or not _sounds_alike(sq[at], key[src])


def _word_bounds(key: str, lex: CompiledLexicon) -> set[int]:
    """The offsets where the words of the term's segmentation end (the first starts at 0)."""
    bounds, pos = {0}, 0
    for token in lex.words.cut(key):
        pos += len(token)
        bounds.add(pos)
    return bounds


def _lone_words(key: str, lex: CompiledLexicon, at: int | None = None) -> str:
    """The characters that are words of their own in the term's segmentation (部 in 应急/管理/部),
    or, given ``at``, that character if it is one."""
    lone, pos = [], 0
    for token in lex.words.cut(key):
        if len(token) == 1 and (at is None or pos == at):
            lone.append(token)
        pos += len(token)
    return "".join(lone)


def _first_word_swapped(window: str, key: str, src: int, lex: CompiledLexicon) -> bool:
    """The term's first word (of two to four characters) is replaced by another common word
    through an edit inside it, the rest left as it is."""
    sizes = [size for size in (2, 3, 4) if src < size and window[size:] == key[size:]
             and lex.words.freq(window[:size]) >= WORD_FREQ]  # cheap tests first: the term is cut last
    return bool(sizes) and len(next(iter(lex.words.cut(key)), "")) in sizes


def _sounds_alike(a: str, b: str) -> bool:
    readings = char_readings(a + b)
    return not set(readings.get(a, ())).isdisjoint(readings.get(b, ()))


def _orphans(phrase: str, lex: CompiledLexicon) -> int:
    """Single Chinese characters in the best segmentation of ``phrase``."""
    return sum(1 for token in lex.words.cut(phrase) if len(token) == 1 and is_han(token))


def _cut_short_reads_whole(sq: str, hit: NearHit, key: str, src: int, lex: CompiledLexicon) -> bool:
    """A term missing its first or last character is still a damaged term when the cut leaves
    an orphan character (社会主义现代化强) or punctuation follows the cut; it reads as a
    phrase of its own when it is a dictionary word, a name without its kind (国家安全 for
    国家安全部), or a cut on a word boundary inside running text (科学发展提供)."""
    window = sq[hit.start : hit.end]
    if lex.words.freq(window) >= WORD_FREQ:
        return True
    if src == len(key) - 1 and key[-1] in KIND_SUFFIXES and sq[hit.end : hit.end + 1] in KIND_SUFFIXES:
        return True  # followed by another kind, the name of a sibling (社会主义现代化强省)
    tokens = list(lex.words.cut(window))
    edge = tokens[0] if src == 0 else tokens[-1]
    if len(edge) == 1 and is_han(edge):
        return False
    if src == len(key) - 1 and key[-1] in KIND_SUFFIXES:
        return True
    if src == 0:
        outside, allowed = (sq[hit.start - 1] if hit.start > 0 else ""), EDGE_OK_BEFORE
    else:
        outside, allowed = (sq[hit.end] if hit.end < len(sq) else ""), EDGE_OK_AFTER
    # Cut on a word boundary with more text around it: most often a shorter phrase (科学发展提供).
    return bool(outside) and is_han(outside) and outside not in allowed


def _edit_makes_word(
    sq: str, pos: int, key: str, lex: CompiledLexicon, *, starts_before: int | None = None
) -> bool:
    """A common dictionary word through ``pos`` that is not part of the canonical form
    (意见 for 四个意识), optionally one that starts before the window."""
    for size in (2, 3, 4):
        for i in range(max(0, pos - size + 1), min(len(sq) - size, pos) + 1):
            if starts_before is not None and i >= starts_before:
                continue
            word = sq[i : i + size]
            if word not in key and lex.words.freq(word) >= WORD_FREQ:
                return True
    return False
