"""Rewrite pure-Python wheels for the browser kernel: byte-compiled, without front-end files.

Runs INSIDE Pyodide (``lite/run_in_pyodide.mjs``), because the ``.pyc`` files
must come from Pyodide's own Python (its version and magic number), which the
build machine does not have. Standard library only.

Why: a wheel from PyPI holds only ``.py`` sources, so every kernel start in the
browser compiles them again (IPython, prompt_toolkit, jedi, plotly's figure
classes...). Measured in Node with the same Pyodide, compiling them once at
build time halves the kernel's import time. Pyodide's own package
distribution ships its wheels byte-compiled for the same reason.

* Third-party wheels become sourceless (``module.pyc`` in place of
  ``module.py``), as Pyodide's distribution does: smaller to download and unpack.
* Wheels named in ``KEEP_SOURCE`` (hemaedu) keep their ``.py`` files, so a
  learner's traceback shows the lesson's code, and get ``__pycache__`` files
  marked unchecked-hash (used without comparing against the source).
* ``*.data/data/share/`` (a wheel's copy of its JupyterLab extension) and
  paths in ``DROP`` (front-end files a kernel never reads, such as plotly's
  JupyterLab extension and its plotly.min.js) are left out.

Inputs (globals set by the runner): ``WHEEL_DIR`` (a folder of ``*.whl``,
rewritten in place), ``KEEP_SOURCE`` (wheel-name prefixes), ``DROP`` (path
prefixes inside wheels), ``SITE_PACKAGES`` (where Pyodide installs them, for
the file names recorded in the code objects).
"""

import base64
import hashlib
import importlib.util
import io
import os
import sys
import zipfile
from importlib import _bootstrap_external  # noqa: PLC2701 - the pyc writers py_compile itself uses

FIXED_DATE = (1980, 1, 1, 0, 0, 0)


def _record_line(name, data):
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{name},sha256={digest},{len(data)}"


def rewrite(path, keep_source, drop, site_packages):
    """Rewrite one wheel in place; return (files compiled, bytes before, bytes after)."""
    before = os.path.getsize(path)
    files = {}
    with zipfile.ZipFile(path) as src:
        names = src.namelist()
        record = next(n for n in names if n.endswith(".dist-info/RECORD"))
        for name in names:
            parts = name.split("/")
            front_end = parts[0].endswith(".data") and parts[1:3] == ["data", "share"]
            if name == record or name.endswith("/") or front_end or any(name.startswith(p) for p in drop):
                continue
            files[name] = src.read(name)
    out = {}
    compiled = 0
    for name, data in files.items():
        is_module = name.endswith(".py") and not name.split("/")[0].endswith(".data")
        if not is_module:
            out[name] = data
            continue
        try:
            code = compile(data, site_packages + name, "exec", dont_inherit=True)
        except SyntaxError:  # a Python 2 example or test file: leave it as it is
            out[name] = data
            continue
        compiled += 1
        if keep_source:
            folder, _, module = name.rpartition("/")
            cache = f"{folder}/__pycache__/" if folder else "__pycache__/"
            pyc = _bootstrap_external._code_to_hash_pyc(code, importlib.util.source_hash(data), checked=False)
            out[name] = data
            out[f"{cache}{module[:-3]}.{sys.implementation.cache_tag}.pyc"] = bytes(pyc)
        else:
            out[name[:-3] + ".pyc"] = bytes(_bootstrap_external._code_to_timestamp_pyc(code, 0, 0))
    lines = [_record_line(n, d) for n, d in sorted(out.items())] + [f"{record},,"]
    out[record] = ("\n".join(lines) + "\n").encode()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as dst:
        for name in sorted(out):
            dst.writestr(zipfile.ZipInfo(name, FIXED_DATE), out[name], compress_type=zipfile.ZIP_DEFLATED)
    with open(path, "wb") as fh:
        fh.write(buffer.getvalue())
    return compiled, before, os.path.getsize(path)


def main():
    for wheel in sorted(os.listdir(WHEEL_DIR)):  # noqa: F821 - set by the runner
        if not wheel.endswith(".whl"):
            continue
        keep = any(wheel.startswith(prefix) for prefix in KEEP_SOURCE)  # noqa: F821
        compiled, before, after = rewrite(f"{WHEEL_DIR}/{wheel}", keep, tuple(DROP), SITE_PACKAGES)  # noqa: F821
        print(f"[lite]   {wheel}: {compiled} modules compiled{' (sources kept)' if keep else ''},"
              f" {before / 1e6:.1f} -> {after / 1e6:.1f} MB")


main()
