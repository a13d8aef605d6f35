"""Export every lesson, executed, to self-contained HTML that needs no kernel and no network.

    python tools/export_html.py [--output-dir _site/html] [notebooks/01_pancytopenia.ipynb ...]

Each lesson is run top to bottom in a fresh kernel; the live widgets cannot run
without a kernel, so every lesson app contributes a static rendering of its
figure (see hemaedu.lessons._app.App.static_html). plotly.js is embedded once per page and
every script the stock template would load from a CDN (require.js, MathJax, the
widget HTML manager) is left out, so the pages work offline.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbconvert import HTMLExporter
from plotly.offline import get_plotlyjs

ROOT = Path(__file__).resolve().parent.parent
EXTERNAL_SCRIPT = re.compile(r"<script[^>]*\bsrc=[\"']https?://[^>]*>\s*</script>", re.I)
EXTERNAL_STYLESHEET = re.compile(r"<link[^>]*\bhref=[\"']https?://[^>]*>", re.I)


def export(notebook: Path, output_dir: Path, timeout: int = 120) -> Path:
    nb = nbformat.read(notebook, as_version=4)
    NotebookClient(nb, timeout=timeout, kernel_name="python3",
                   resources={"metadata": {"path": str(notebook.parent)}}).execute()
    # Without a kernel the widget manager would fetch its JavaScript from a CDN
    # and then show dead controls; drop the saved widget state so each output
    # falls back to its static HTML rendering.
    nb.metadata.pop("widgets", None)
    exporter = HTMLExporter(template_name="lab", exclude_input=True, exclude_input_prompt=True,
                            exclude_output_prompt=True)
    body, _ = exporter.from_notebook_node(nb)
    body = EXTERNAL_SCRIPT.sub("", body)
    body = EXTERNAL_STYLESHEET.sub("", body)
    plotly_js = f'<script type="text/javascript">{get_plotlyjs()}</script>'
    body = body.replace("</head>", plotly_js + "\n</head>", 1)
    output_dir.mkdir(parents=True, exist_ok=True)
    target = output_dir / (notebook.stem + ".html")
    target.write_text(body, encoding="utf-8")
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path)
    parser.add_argument("--output-dir", type=Path, default=ROOT / "_site" / "html")
    args = parser.parse_args(argv)
    notebooks = args.notebooks or sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    for notebook in notebooks:
        print(f"{notebook.name} -> {export(notebook, args.output_dir)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
