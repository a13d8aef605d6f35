"""Print every lesson's handout to PDF, in A4 and US Letter, with Debian's Chromium, offline.

    python tools/handouts.py [--output-dir _site/handouts] [--paper a4 --paper letter] [01 03 ...]

Writes ``<output-dir>/<number>_<slug>_<paper>.pdf`` for every lesson of the registry (or the
lessons named). The page of each lesson is rendered by :mod:`hemaedu.lessons.handout`; this tool
adds what only the notebook holds (the safety statement of its opening, the reference list its
last cell shows, the order of its Markdown blocks), loads plotly.js from the installed plotly
package (never a CDN: every request that is not a local file is refused and the build fails),
and prints every page from one Chromium. The handouts need the ``test`` extra (playwright,
mistune through nbconvert) and ``/usr/bin/chromium``.
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import json
import sys
import tempfile
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from plotly.offline import get_plotlyjs

from hemaedu.lessons import LESSONS, Lesson, lesson
from hemaedu.lessons.handout import footer_text, handout_html

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
sys.path.insert(0, str(ROOT / "tests" / "browser"))

from servers import CHROMIUM, chromium  # noqa: E402 - the browser set-up the tests and benchmark use

#: Paper name -> Chromium's paper format. A4 is 595 x 842 pt, US Letter 612 x 792 pt.
PAPERS = {"a4": "A4", "letter": "Letter"}
MARGIN = {"top": "14mm", "bottom": "16mm", "left": "15mm", "right": "15mm"}
LOCAL_SCHEMES = ("file:", "data:", "blob:", "about:")
READY_TIMEOUT_MS = 120_000  # the machine may be shared; drawing a map of outlines takes a while


def _cells(lesson: Lesson) -> list[dict[str, Any]]:
    path = NOTEBOOKS / lesson.notebook
    if not path.is_file():
        raise ValueError(f"lesson {lesson.name}: its notebook {path} does not exist")
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def _source(cell: dict[str, Any]) -> str:
    return "".join(cell["source"])


def safety_statement(lesson: Lesson) -> str:
    """The safety statement of the lesson: the first block quote of its opening Markdown, as Markdown."""
    opening = [_source(c) for c in _cells(lesson)[:3] if c["cell_type"] == "markdown"]
    for text in opening:
        quote: list[str] = []
        for line in text.splitlines():
            if line.startswith(">"):
                quote.append(line[1:].strip())
            elif quote:
                break
        if quote:
            return "\n".join(quote)
    raise ValueError(f"{lesson.notebook}: the opening has no block quote with the safety statement")


def references_markdown(lesson: Lesson) -> str:
    """The reference list the notebook's last ``references(`` cell shows, as Markdown.

    The cell is evaluated with ``lesson`` bound to the lesson's package, as the notebook binds it,
    so the handout lists exactly the sources the lesson cites.
    """
    cells = [_source(c) for c in _cells(lesson) if c["cell_type"] == "code" and "references(" in _source(c)]
    if not cells:
        raise ValueError(f"{lesson.notebook}: no cell shows the references")
    tree = ast.parse(cells[-1])
    last = tree.body[-1] if tree.body else None
    if not isinstance(last, ast.Expr):
        raise ValueError(f"{lesson.notebook}: the references cell does not end with an expression")
    namespace: dict[str, Any] = {"lesson": lesson.module()}
    exec(compile(ast.Module(body=tree.body[:-1], type_ignores=[]), lesson.notebook, "exec"), namespace)
    shown = eval(compile(ast.Expression(last.value), lesson.notebook, "eval"), namespace)
    text = shown._repr_markdown_() if hasattr(shown, "_repr_markdown_") else shown
    if not isinstance(text, str) or not text.strip():
        raise ValueError(f"{lesson.notebook}: the references cell shows no Markdown")
    return text


def block_order(lesson: Lesson) -> list[str]:
    """The lesson's Markdown block names in the order the notebook's code first names them."""
    from hemaedu.lessons.handout import markdown_blocks

    code = "\n".join(_source(c) for c in _cells(lesson) if c["cell_type"] == "code")
    names = markdown_blocks(lesson)
    return sorted((n for n in names if n in code), key=code.index)


def page_html(lesson: Lesson, plotly_src: str) -> str:
    """The lesson's handout page (see :func:`hemaedu.lessons.handout.handout_html`)."""
    return handout_html(lesson, safety_markdown=safety_statement(lesson),
                        references_markdown=references_markdown(lesson), plotly_src=plotly_src,
                        block_order=block_order(lesson))


def _footer(lesson: Lesson) -> str:
    import html

    return ('<div style="font-size:8pt;width:100%;margin:0 15mm;display:flex;justify-content:space-between;'
            'font-family:sans-serif;color:#000"><span>' + html.escape(footer_text(lesson)) + "</span>"
            '<span><span class="pageNumber"></span> / <span class="totalPages"></span></span></div>')


@dataclass
class Build:
    """What a build printed and how long it took."""

    pdfs: dict[tuple[str, str], Path] = field(default_factory=dict)  # (lesson name, paper) -> file
    render_seconds: float = 0.0  # building the HTML pages (lesson apps, figures)
    print_seconds: float = 0.0  # Chromium: launch, drawing and printing
    outside_requests: list[str] = field(default_factory=list)


def _browser(playwright: Any = None) -> contextlib.AbstractContextManager[Any]:
    if not CHROMIUM.exists():
        raise RuntimeError(f"{CHROMIUM} not found: install Debian's Chromium (`apt-get install chromium`)")
    return chromium(playwright)


def build(lessons: Iterable[Lesson] = LESSONS, output_dir: Path = ROOT / "_site" / "handouts",
          papers: Sequence[str] = tuple(PAPERS), playwright: Any = None) -> Build:
    """Print the handout of every lesson in ``lessons`` on every paper of ``papers``, from one Chromium.

    Pass a running ``playwright`` (``sync_playwright().start()``) when one is already active in
    this thread. Raises ``RuntimeError`` when a page fails to draw or asks for anything off the machine.
    """
    unknown = [p for p in papers if p not in PAPERS]
    if unknown:
        raise ValueError(f"unknown paper {unknown}; choose from {list(PAPERS)}")
    result = Build()
    output_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="hemaedu-handouts-") as tmp:
        pages = Path(tmp)
        (pages / "plotly.min.js").write_text(get_plotlyjs(), encoding="utf-8")
        start = time.perf_counter()
        written = []
        for item in lessons:
            path = pages / f"{item.name}.html"
            path.write_text(page_html(item, "plotly.min.js"), encoding="utf-8")
            written.append((item, path))
        result.render_seconds = time.perf_counter() - start
        start = time.perf_counter()
        with _browser(playwright) as browser:
            context = browser.new_context(locale="en-US")

            def local_only(route: Any) -> None:
                if route.request.url.startswith(LOCAL_SCHEMES):
                    route.continue_()
                else:
                    result.outside_requests.append(route.request.url)
                    route.abort()

            context.route("**/*", local_only)
            page = context.new_page()
            for item, path in written:
                page.goto(path.as_uri())
                page.wait_for_function("() => document.body.dataset.ready", timeout=READY_TIMEOUT_MS)
                state = page.evaluate("() => document.body.dataset.ready")
                if state != "yes":
                    raise RuntimeError(f"{item.name}: a figure failed to draw ({state})")
                for paper in papers:
                    target = output_dir / f"{item.name}_{paper}.pdf"
                    page.pdf(path=str(target), format=PAPERS[paper], margin=MARGIN, print_background=True,
                             display_header_footer=True, header_template="<span></span>",
                             footer_template=_footer(item))
                    result.pdfs[(item.name, paper)] = target
            context.close()
        result.print_seconds = time.perf_counter() - start
    if result.outside_requests:
        raise RuntimeError(f"the handout pages asked for files off the machine: {result.outside_requests}")
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("lessons", nargs="*", help="lesson numbers or slugs (default: every lesson)")
    parser.add_argument("--output-dir", type=Path, default=ROOT / "_site" / "handouts")
    parser.add_argument("--paper", action="append", choices=list(PAPERS), help="repeatable (default: all)")
    args = parser.parse_args(argv)
    chosen = [lesson(key) for key in args.lessons] or list(LESSONS)
    done = build(chosen, args.output_dir, tuple(args.paper or PAPERS))
    for path in done.pdfs.values():
        print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)
    print(f"{len(done.pdfs)} handouts: pages rendered in {done.render_seconds:.1f} s, "
          f"printed in {done.print_seconds:.1f} s (one Chromium)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
