# Developer commands for hemaedu. Run from the repository root; PYTHON must be an
# environment with the project and its `lite` extra installed (pip install -e ".[lite]").
#
#   make html          the static site: every lesson executed, offline HTML -> _site/html/index.html
#   make handouts      one printable PDF per lesson, A4 and US Letter, printed offline by Chromium -> _site/handouts
#   make bench         the performance benchmark (prints a table, writes JSON)
#   make strip         strip notebook outputs (pinned nbval outputs go to tests/notebook_outputs/)
#   make lite          JupyterLite site of the lessons -> _site/lite (publish this folder; it is
#                      self-contained: Pyodide runtime, every wheel and the lessons, works offline)
#   make lite-archive  the same site packed as one zip -> _site/hemaedu-lite.zip (prints its size)
#   make data-hashes   record row counts, sizes and hashes of data/*.csv in datapackage.json
#                      (run after a deliberate edit of a data file; the loader refuses changed files)
#   make instructor    instructor edition of every lesson (notes, answers, class timing) -> _site/instructor
#                      (open in JupyterLab, or project with `voila _site/instructor/`; not for students)
#   make lite-offline  the test build of the same site (PyPI fallback off) -> _site/lite-offline
#                      (tests/test_lite.py; every lite target needs npm for the pinned pyodide package)

PYTHON ?= python
NPM ?= npm

.PHONY: html handouts instructor bench strip lite lite-archive lite-offline data-hashes

html:
	$(PYTHON) tools/export_html.py --output-dir _site/html

handouts:
	$(PYTHON) tools/handouts.py --output-dir _site/handouts

bench:
	$(PYTHON) benchmarks/run.py

strip:
	$(PYTHON) tools/strip_notebooks.py

lite: tests/lite_offline/node_modules/pyodide/package.json
	$(PYTHON) lite/build.py

lite-archive: tests/lite_offline/node_modules/pyodide/package.json
	$(PYTHON) lite/build.py --archive _site/hemaedu-lite.zip

data-hashes:
	$(PYTHON) tools/refresh_data_hashes.py

instructor:
	$(PYTHON) tools/instructor_edition.py --output-dir _site/instructor

lite-offline: tests/lite_offline/node_modules/pyodide/package.json
	$(PYTHON) lite/build.py --offline --contents notebooks --contents tests/lite_offline/check_offline.ipynb

# The Pyodide core pinned in tests/lite_offline/package-lock.json (reinstalled when the lock changes).
tests/lite_offline/node_modules/pyodide/package.json: tests/lite_offline/package-lock.json
	$(NPM) ci --prefix tests/lite_offline
	touch $@
