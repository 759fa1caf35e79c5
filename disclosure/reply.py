"""What a reply (and a 不予公开 decision on a draft) must carry: its kind, the legal ground from the
regulation's list, and an explanation a person wrote (条例第三十六条: 告知申请人并说明理由)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from disclosure.terms import GROUNDS, Article, ReplyKind, WithholdGround

MIN_EXPLANATION_CHARS = 5
# Words that stand in for an explanation without giving one.
PLACEHOLDERS = frozenset({
    "无", "没有", "略", "空", "暂无", "不详", "见附件", "同上", "理由", "说明", "不公开", "不予公开", "依法不予公开",
    "na", "n/a", "none", "null", "nil", "test", "todo", "tbd", "xxx",
})


class ReplyRefused(ValueError):
    """The reply (or decision) does not carry what the regulation asks of it."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def _substance(text: str) -> str:
    """The letters and digits of ``text`` (punctuation, spaces and symbols dropped), lower-cased."""
    return "".join(ch for ch in text.lower() if unicodedata.category(ch)[0] in "LN")


def check_explanation(text: str | None, *, what: str) -> str:
    """The explanation, trimmed; refused when missing, a placeholder such as “无”, or too short to say why."""
    value = re.sub(r"\s+", " ", text or "").strip()
    core = _substance(value)
    if not core:
        raise ReplyRefused("explanation_required", f"{what}须写明理由（说明适用的情形及事实），不能为空")
    if core in PLACEHOLDERS or len(set(core)) == 1:
        raise ReplyRefused("explanation_placeholder", f"{what}的理由“{value}”不是实际的说明：请写明适用的情形及事实")
    if len(core) < MIN_EXPLANATION_CHARS:
        raise ReplyRefused("explanation_too_short",
                           f"{what}的理由“{value}”过短：请写明适用的情形及事实（至少 {MIN_EXPLANATION_CHARS} 个字）")
    return value


@dataclass(frozen=True)
class ReplyDecision:
    kind: ReplyKind
    ground: Article | None
    explanation: str

    @property
    def ground_label(self) -> str | None:
        return self.ground.label if self.ground is not None else None


def decide_reply(kind: str, ground: str | None, explanation: str | None) -> ReplyDecision:
    """A reply of this kind, its ground from the list the kind takes, and its explanation; refused
    when the kind or ground is unknown, a ground is missing, or the explanation says nothing."""
    reply_kind = ReplyKind.of(kind)
    if reply_kind is None:
        raise ReplyRefused("bad_reply_kind", f"未知的答复类型“{kind}”；可用：{ReplyKind.choices()}")
    grounds = GROUNDS[reply_kind]
    if grounds is None:
        if ground:
            raise ReplyRefused("ground_not_applicable", f"“{reply_kind.label}”的答复不需要不予公开的依据")
        return ReplyDecision(reply_kind, None, (explanation or "").strip())
    if not ground:
        raise ReplyRefused("ground_required",
                           f"“{reply_kind.label}”的答复须从下列依据中选择一项：{grounds.choices()}")
    chosen = grounds.of(ground)
    if chosen is None:
        raise ReplyRefused("bad_ground",
                           f"“{ground}”不是“{reply_kind.label}”的依据；可选：{grounds.choices()}")
    text = check_explanation(explanation, what=f"“{reply_kind.label}”（{chosen.label}）")
    return ReplyDecision(reply_kind, chosen, text)


def decide_withholding(ground: str | None, explanation: str | None) -> tuple[WithholdGround, str]:
    """A draft's 不予公开: a ground from the list of 不予公开 grounds plus an explanation."""
    if not ground:
        raise ReplyRefused("ground_required",
                           f"公开属性为“不予公开”时须选择法定依据：{WithholdGround.choices()}，并说明理由")
    chosen = WithholdGround.of(ground)
    if chosen is None:
        raise ReplyRefused("bad_ground", f"“{ground}”不是不予公开的法定依据；可选：{WithholdGround.choices()}")
    return chosen, check_explanation(explanation, what=f"不予公开（{chosen.label}）")
