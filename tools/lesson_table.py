"""Write the README's lesson table from the lesson registry (hemaedu/lessons/registry.toml).

    python tools/lesson_table.py          # rewrite the table in README.md
    python tools/lesson_table.py --check  # exit 1 if README.md's table differs (tests/test_content.py checks it)

The table sits between ``<!-- lessons:begin -->`` and ``<!-- lessons:end -->``; titles and
descriptions come from each lesson's English content, minutes from the registry.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
BEGIN, END = "<!-- lessons:begin -->", "<!-- lessons:end -->"


def _lower_first(sentence: str) -> str:
    return sentence[:1].lower() + sentence[1:]


def table() -> str:
    """The lesson table as Markdown, in English."""
    os.environ["HEMAEDU_LANG"] = "en"
    from hemaedu.lessons import LESSONS
    from hemaedu.lessons.content import text

    rows = [text("common", "readme.header")]
    rows += [text("common", "readme.row", number=i.number, title=i.title, notebook=i.notebook,
                  description=_lower_first(i.description.rstrip(".")), minutes=i.minutes) for i in LESSONS]
    rows.append(text("common", "readme.total", minutes=sum(i.minutes for i in LESSONS)))
    return "\n".join(rows)


def with_table(readme: str) -> str:
    """``readme`` with the text between the markers replaced by :func:`table`."""
    if BEGIN not in readme or END not in readme:
        raise ValueError(f"README.md needs the markers {BEGIN} and {END} around the lesson table")
    head, rest = readme.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    return f"{head}{BEGIN}\n{table()}\n{END}{tail}"


def main(argv: list[str]) -> int:
    current = README.read_text(encoding="utf-8")
    wanted = with_table(current)
    if "--check" in argv:
        if current != wanted:
            print("README.md's lesson table differs from the registry; run: python tools/lesson_table.py")
            return 1
        return 0
    README.write_text(wanted, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
