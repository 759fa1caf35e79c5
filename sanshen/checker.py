"""The default automated pass: the lexicon files under lexicon/data and the general typo model
(read from the user's cache, or built and cached), loaded here so that checking/ receives data."""

from __future__ import annotations

from collections.abc import Iterable

from checking.check import Checker
from lexicon.loader import load_lexicon
from lexicon.typo_model import TypoModel


def load_default_checker(*, allowed_domains: Iterable[str] = ()) -> Checker:
    return Checker.build(load_lexicon(), typo_model=TypoModel.load(), allowed_domains=allowed_domains)
