"""What a 发文字号 (document number) looks like: the issuing organ's abbreviation, the year in
brackets, the number and 号 (GB/T 9704-2012 7.2.3: 湘办发〔2016〕41号). Used by the rule that reports
a broken one (checking/checks/number.py, ``number.malformed-doc-number``) and by the general typo
detector's shields (checking/checks/typo_shields.py), which must agree on what a broken one is."""

from __future__ import annotations

import re

# A whole number: the bracketed year and the number (a literal class first, so the scan is fast); the
# organ's characters before it are found by the caller.
DOC_NUMBER = re.compile(r"[〔［\[【（(]\s*(?:19|20)\d{2}\s*[〕］\]】）)]\s*(?:第\s*)?\d{1,5}\s*号")
# 〔 and a year, whatever follows: 〔 opens nothing else in official text than the year of a 发文字号.
# The match runs over the digits, spaces and closing brackets after the year and a 号 (柳政规〔20257号
# for 柳政规〔2025〕7号: the span the typo detector leaves alone); the groups say what follows the year
# (zero-width, they do not move the match's end): ``closed``, the 〕 that closes it (a well-formed year);
# ``number``, a number and 号 straight after it (the closing bracket left out); neither: something else.
DOC_NUMBER_OPEN = re.compile(r"〔\s*(?P<year>(?:19|20)\d{2})"
                             r"(?:(?=(?P<closed>\s*〕))|(?=(?P<number>[0-9]{1,5}\s*号)))?"
                             r"[0-9\s〕］\]]*号?")
