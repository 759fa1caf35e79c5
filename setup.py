"""Only the optional C accelerators live here; everything else is in pyproject.toml.

``lexicon._segscore`` computes the typo detector's segmentation scores; ``lexicon._nearscan`` the
lexicon matchers' scans (the Aho-Corasick automaton, the near-miss candidate windows, runs of a
character set). When they cannot be built (no C compiler) the install still succeeds and
lexicon/typo_words.py, lexicon/matchers.py and lexicon/normalize.py use their Python definitions
(and pyahocorasick), which give the same results."""

from setuptools import Extension, setup

setup(ext_modules=[
    Extension("lexicon._segscore", ["lexicon/_segscore.c"], optional=True),
    Extension("lexicon._nearscan", ["lexicon/_nearscan.c"], optional=True),
])
