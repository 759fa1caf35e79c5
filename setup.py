"""Only the optional C accelerator lives here; everything else is in pyproject.toml.

``lexicon._segscore`` computes the typo detector's segmentation scores; when it cannot be built
(no C compiler) the install still succeeds and lexicon/typo_words.py uses its Python definition,
which gives the same results."""

from setuptools import Extension, setup

setup(ext_modules=[
    Extension("lexicon._segscore", ["lexicon/_segscore.c"], optional=True),
    Extension("lexicon._nearscan", ["lexicon/_nearscan.c"], optional=True),
])
