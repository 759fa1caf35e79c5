"""How likely a proposed replacement is a real typo: a small logistic score over a few features.

The weights live in ``lexicon/data/typo/weights.tsv``; ``bench/eval_typo.py --fit`` refits them
(grouped cross-validation first) from the ECSpell official-document sentences.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from lexicon.loader import DATA_DIR

WEIGHTS_FILE = DATA_DIR / "typo" / "weights.tsv"

FEATURES = (
    "gain",  # log-probability gain of the best segmentation
    "sound",  # every changed character is in the sound confusion set
    "shape",  # ... in the shape confusion set
    "pinyin",  # ... shares a reading with its replacement
    "two_kinds",  # alike in at least two of those ways
    "was_single",  # the changed character stood alone in the original segmentation
    "replaces_word",  # the new word lies inside one word of the original segmentation
    "long_word",  # the new word has three or more characters
    "word_logp",  # log-probability of the new word
    "char_logp",  # log-probability of the original character on its own
    "candidate_logp",  # log-probability of the replacement character on its own
    "before_place",  # a place-name suffix (村, 镇, 路 …) follows, outside the new word
    "original_count",  # log(1 + count) in a large corpus of the original characters where the new word goes
    "word_count",  # ... of the new word (lexicon/typo_corpus.py)
)


@dataclass(frozen=True, slots=True)
class Weights:
    bias: float
    coefficients: tuple[float, ...]  # in the order of FEATURES
    threshold: float  # a suspect is reported when its score reaches this (fitted on ECSpell)
    # ... and this floor: the margin a replacement must beat on real published text, where nearly
    # every warning at the fitted threshold was wrong (set by hand on bench/real_text*.jsonl)
    floor: float = float("-inf")

    @property
    def cutoff(self) -> float:
        return max(self.threshold, self.floor)

    def score(self, features: tuple[float, ...]) -> float:
        return self.bias + sum(w * x for w, x in zip(self.coefficients, features))

    @classmethod
    def load(cls, path: Path = WEIGHTS_FILE) -> "Weights":
        values: dict[str, float] = {}
        with path.open(encoding="utf-8") as fh:
            for lineno, raw in enumerate(fh, 1):
                if raw.startswith("#") or not raw.strip():
                    continue
                parts = raw.rstrip("\n").split("\t")
                try:
                    name, value = parts
                    values[name] = float(value)
                except ValueError:
                    raise ValueError(f"{path}:{lineno}: 格式错误，应为“特征名\\t数值”") from None
        expected = {"bias", "threshold", *FEATURES}
        if set(values) - {"floor"} != expected:
            missing = ", ".join(sorted(expected - set(values))) or "无"
            extra = ", ".join(sorted(set(values) - expected)) or "无"
            raise ValueError(f"{path}: 权重不完整（缺少：{missing}；多余：{extra}）")
        return cls(
            bias=values["bias"],
            coefficients=tuple(values[name] for name in FEATURES),
            threshold=values["threshold"],
            floor=values.get("floor", float("-inf")),
        )

    def dump(self, path: Path, header: str) -> None:
        lines = [f"# {line}" for line in header.splitlines()]
        lines += [f"bias\t{self.bias:.6f}", f"threshold\t{self.threshold:.6f}"]
        if self.floor > float("-inf"):
            lines.append(f"floor\t{self.floor:.6f}")
        lines += [f"{name}\t{w:.6f}" for name, w in zip(FEATURES, self.coefficients)]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
