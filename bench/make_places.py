"""Write lexicon/data/typo/places.tsv, the place names the typo detector spares (lexicon/typo_names.py),
from the gazetteer JioNLP ships (Apache License 2.0): every province, prefecture and county-level
division of China, by its full name and its short name (武安市 / 武安, 东乌珠穆沁旗 / 东乌旗).

    pip download --no-deps jionlp==1.5.31 -d /tmp/jionlp
    .venv/bin/python bench/make_places.py /tmp/jionlp/jionlp-1.5.31-py2.py3-none-any.whl

Townships and villages are left out: their names include many ordinary words (新工, 大千, 奋勇),
which would hide real typos.
"""

from __future__ import annotations

import argparse
import io
import zipfile
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "lexicon" / "data" / "typo" / "places.tsv"
MEMBER = "jionlp/dictionary/china_location.zip"
LEVELS = 3  # province, prefecture, county


def divisions(wheel: Path) -> dict[str, str]:
    """Each name of two characters or more, with the full name it is (a form of)."""
    with zipfile.ZipFile(wheel) as outer, zipfile.ZipFile(io.BytesIO(outer.read(MEMBER))) as inner:
        text = inner.read("china_location.txt").decode("utf-8")
    names: dict[str, str] = {}
    for line in text.splitlines():
        depth = len(line) - len(line.lstrip("\t"))
        fields = [f for f in line.strip("\t").split("\t") if f and not f.isdigit()]
        if depth >= LEVELS or not fields:
            continue
        full = fields[0]
        for name in fields:
            if len(name) >= 2:
                names.setdefault(name, full)
    return names


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("wheel", type=Path)
    args = parser.parse_args()
    names = divisions(args.wheel)
    lines = ["# Place names of China (province, prefecture and county-level divisions, full and short names),",
             f"# spared by the general typo detector (lexicon/typo_names.py). Written by bench/make_places.py from {args.wheel.name}",
             "# (jionlp/dictionary/china_location.txt, JioNLP, Apache License 2.0, https://github.com/dongrixinyu/JioNLP).",
             "# name\tfull name"]
    lines += [f"{name}\t{full}" for name, full in sorted(names.items())]
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(names)} names -> {OUT}")


if __name__ == "__main__":
    main()
