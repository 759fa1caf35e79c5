"""Write lexicon/data/typo/word_counts.tsv, how often each word occurs in a large corpus of modern
Chinese text, for the general typo detector's corpus features (lexicon/typo_corpus.py), from the
word distribution JioNLP ships (Apache License 2.0; its own segmenter jiojio over a large corpus).

    pip download --no-deps jionlp==1.5.31 -d /tmp/jionlp
    .venv/bin/python bench/make_word_counts.py /tmp/jionlp/jionlp-1.5.31-py2.py3-none-any.whl

Only words of two to eight Chinese characters are kept (every count there is 301 or more).
"""

from __future__ import annotations

import argparse
import io
import json
import re
import zipfile
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "lexicon" / "data" / "typo" / "word_counts.tsv"
MEMBER = "jionlp/dictionary/word_distribution.zip"
WORD = re.compile("[\u4e00-\u9fff]{2,8}")


def counts(wheel: Path) -> dict[str, int]:
    """The file holds one JSON pair [word, count] per line."""
    with zipfile.ZipFile(wheel) as outer, zipfile.ZipFile(io.BytesIO(outer.read(MEMBER))) as inner:
        text = inner.read("word_distribution.json").decode("utf-8")
    table = {}
    for line in text.splitlines():
        if line.strip():
            word, count = json.loads(line)
            if WORD.fullmatch(word):
                table[word] = int(count)
    return table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("wheel", type=Path)
    args = parser.parse_args()
    table = counts(args.wheel)
    lines = ["# Word counts of a large corpus of modern Chinese (words of 2-8 characters, count >= 301), for the",
             f"# typo detector's corpus features (lexicon/typo_corpus.py). Written by bench/make_word_counts.py from {args.wheel.name}",
             "# (jionlp/dictionary/word_distribution.json, JioNLP, Apache License 2.0, https://github.com/dongrixinyu/JioNLP).",
             "# word\tcount"]
    lines += [f"{word}\t{count}" for word, count in sorted(table.items(), key=lambda item: (-item[1], item[0]))]
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(table)} words -> {OUT}")


if __name__ == "__main__":
    main()
