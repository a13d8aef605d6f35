"""Export every lesson, executed, as a static site that needs no kernel and no network.

    python tools/export_html.py [--output-dir _site/html] [notebooks/01_pancytopenia.ipynb ...]

The site (``make html``; open ``index.html``) holds:

* ``index.html``: the course home, built from the registry (every lesson in order, what it
  does, its time, a link to its page);
* ``<number>_<slug>.html``: each lesson, run top to bottom in a fresh kernel. The live widgets
  cannot run without a kernel, so every app shows a static rendering of its figure
  (hemaedu.lessons._app.App.static_html) in a teaching state (the app's ``static_preset``),
  with a line saying what each live control changes;
* ``plotly.min.js``: ONE copy of plotly.js (from the installed plotly package) that every page
  loads by a relative link, instead of 5 MB inside each page.

Page titles are the lessons' titles; links between lessons (lesson 00's course map, the
navigation bar at the end of each lesson) point to the ``.html`` pages and the course-home link
to ``index.html``. Every script the stock template would load from a CDN (require.js, MathJax,
the widget HTML manager) is left out, so the pages work offline, also from ``file://``.
A print stylesheet (hemaedu/lessons/print.css) makes a page print whole.
"""

from __future__ import annotations

import argparse
import html
import os
import re
import sys
from importlib.resources import files
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbconvert import HTMLExporter
from plotly.offline import get_plotlyjs

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the working tree's hemaedu, as the kernels import it

from hemaedu.lessons import LESSONS, Lesson  # noqa: E402
from hemaedu.lessons.content import text  # noqa: E402
from hemaedu.lessons.navigation import HOME_CLASS, print_css  # noqa: E402
from hemaedu.lessons.static_site import STATIC_EXPORT  # noqa: E402

EXTERNAL_SCRIPT = re.compile(r"<script[^>]*\bsrc=[\"']https?://[^>]*>\s*</script>", re.I)
EXTERNAL_STYLESHEET = re.compile(r"<link[^>]*\bhref=[\"']https?://[^>]*>", re.I)
ANCHOR = re.compile(r"<a\b[^>]*>", re.I)
HREF = re.compile(r"""\bhref=(["'])([^"']*)\1""", re.I)
#: The one copy of plotly.js every page loads.
PLOTLY_FILE = "plotly.min.js"
HOME_PAGE = "index.html"


def page_name(lesson: Lesson) -> str:
    """The lesson's page in the site: ``01_pancytopenia.html``."""
    return f"{lesson.name}.html"


def page_title(lesson: Lesson) -> str:
    return f"{lesson.number} {lesson.title} · {text('navigation', 'home_page.title')}"


def rewrite_links(body: str) -> str:
    """Links to a lesson notebook go to its page; the course-home link goes to ``index.html``.

    >>> rewrite_links('<a href="02_causes.ipynb">x</a> <a class="hemaedu-nav-home" href="00_start_here.ipynb">')
    '<a href="02_causes.html">x</a> <a class="hemaedu-nav-home" href="index.html">'
    """
    pages = {lesson.notebook: page_name(lesson) for lesson in LESSONS}

    def anchor(match: re.Match[str]) -> str:
        tag = match.group(0)
        found = HREF.search(tag)
        if not found:
            return tag
        target, _, fragment = html.unescape(found.group(2)).partition("#")
        if HOME_CLASS in tag:
            new = HOME_PAGE
        elif target.removeprefix("./") in pages:
            new = pages[target.removeprefix("./")] + (f"#{fragment}" if fragment else "")
        else:
            return tag
        quote = found.group(1)
        return tag[:found.start()] + f"href={quote}{html.escape(new)}{quote}" + tag[found.end():]

    return ANCHOR.sub(anchor, body)


def add_home_link(body: str) -> str:
    """Add a course-home link to the navigation bar (lesson 00's has none: it is the notebooks' home)."""
    link = f'<a href="{HOME_PAGE}" class="{HOME_CLASS}" target="_self">{html.escape(text("navigation", "home"))}</a>'
    return re.sub(r'(<nav\b[^>]*\bclass="hemaedu-course-nav"[^>]*>)', lambda m: m.group(1) + "\n" + link, body, count=1)


def _head_extras() -> str:
    # The controls' stylesheet, which the live pages load with the first control, styles the
    # static copies of the apps the same way (lesson tables left-aligned and scrolling inside
    # their own box, links underlined, the columns of an app).
    controls_css = (files("hemaedu") / "static" / "controls.css").read_text(encoding="utf-8")
    return (f'<script type="text/javascript" src="{PLOTLY_FILE}"></script>\n'
            f"<style>{controls_css}</style>\n<style>{print_css()}</style>\n")


def export(notebook: Path, output_dir: Path, timeout: int = 120) -> Path:
    """Run ``notebook`` and write its page into ``output_dir`` (plotly.js is written by :func:`build`)."""
    lesson = next((item for item in LESSONS if item.notebook == notebook.name), None)
    nb = nbformat.read(notebook, as_version=4)
    # The kernel inherits this environment: apps then show their static preset, controls described.
    os.environ[STATIC_EXPORT] = "1"
    NotebookClient(nb, timeout=timeout, kernel_name="python3",
                   resources={"metadata": {"path": str(notebook.parent)}}).execute()
    # Without a kernel the widget manager would fetch its JavaScript from a CDN
    # and then show dead controls; drop the saved widget state so each output
    # falls back to its static HTML rendering.
    nb.metadata.pop("widgets", None)
    exporter = HTMLExporter(template_name="lab", exclude_input=True, exclude_input_prompt=True,
                            exclude_output_prompt=True)
    title = page_title(lesson) if lesson else notebook.stem
    body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": title}})
    body = EXTERNAL_SCRIPT.sub("", body)
    body = EXTERNAL_STYLESHEET.sub("", body)
    body = rewrite_links(body)
    if lesson is LESSONS[0]:  # the notebooks' course home; in the site it links the site's home
        body = add_home_link(body)
    body = body.replace("</head>", _head_extras() + "</head>", 1)
    output_dir.mkdir(parents=True, exist_ok=True)
    target = output_dir / (notebook.stem + ".html")
    target.write_text(body, encoding="utf-8")
    return target


_HOME_CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; line-height: 1.5;
  max-width: 48rem; margin: 0 auto; padding: 1rem; color: #1a1a1a; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; vertical-align: top; padding: 0.4em 0.6em; border-bottom: 1px solid #ccc; }
.table-scroll { overflow-x: auto; }
blockquote { border-left: 4px solid #b00; margin: 1em 0; padding: 0.25em 1em; background: #fdf3f3; }
a { color: #0b57d0; }
td a { display: inline-block; min-height: 24px; }
"""


def home_page() -> str:
    """The course home (``index.html``): every lesson of the registry in reading order."""
    def t(key: str, **fields: object) -> str:
        return html.escape(text("navigation", f"home_page.{key}", **fields))

    from hemaedu.lessons.content import get

    header = "".join(f'<th scope="col">{html.escape(str(h))}</th>' for h in get("navigation", "home_page.header"))
    rows = "\n".join(
        f"<tr><td>{item.number}</td><td><a href=\"{page_name(item)}\">{html.escape(item.title)}</a></td>"
        f"<td>{html.escape(item.description)}</td><td>{item.minutes} min</td></tr>"
        for item in LESSONS
    )
    first = LESSONS[0]
    total = sum(item.minutes for item in LESSONS)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{t('title')}</title>
<style>{_HOME_CSS}</style>
<style>{print_css()}</style>
</head>
<body>
<main>
<h1>{t('title')}</h1>
<p>{t('intro', count=len(LESSONS))}</p>
<blockquote><p><strong>{t('safety')}</strong></p></blockquote>
<p><a href="{page_name(first)}" rel="next">{t('start', number=first.number, title=first.title)}</a></p>
<div class="table-scroll">
<table>
<thead><tr>{header}</tr></thead>
<tbody>
{rows}
</tbody>
</table>
</div>
<p>{t('total', minutes=total)}</p>
<p><em>{t('static_note')}</em></p>
</main>
</body>
</html>
"""


def build(output_dir: Path, notebooks: list[Path]) -> list[Path]:
    """The whole site: plotly.js once, the home page, then every lesson's page."""
    output_dir.mkdir(parents=True, exist_ok=True)
    (output_dir / PLOTLY_FILE).write_text(get_plotlyjs(), encoding="utf-8")
    (output_dir / HOME_PAGE).write_text(home_page(), encoding="utf-8")
    return [export(notebook, output_dir) for notebook in notebooks]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path)
    parser.add_argument("--output-dir", type=Path, default=ROOT / "_site" / "html")
    args = parser.parse_args(argv)
    notebooks = args.notebooks or [ROOT / "notebooks" / item.notebook for item in LESSONS]
    for path in build(args.output_dir, notebooks):
        print(f"{path.name} -> {path}")
    print(f"home page -> {args.output_dir / HOME_PAGE}; plotly.js once -> {args.output_dir / PLOTLY_FILE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
