// Run lite/compile_wheels.py inside Pyodide (Node), on a folder of wheels on disk.
// Usage: node lite/run_in_pyodide.mjs <pyodide dir> <script.py> <wheel dir> '<json of globals>'
import path from "node:path";
import { pathToFileURL } from "node:url";

const [pyodideDir, script, wheelDir, globalsJson] = process.argv.slice(2);
const { loadPyodide } = await import(pathToFileURL(path.join(pyodideDir, "pyodide.mjs")).href);
const pyodide = await loadPyodide({ indexURL: path.resolve(pyodideDir) + "/" });
pyodide.FS.mkdirTree("/wheels");
pyodide.FS.mount(pyodide.FS.filesystems.NODEFS, { root: path.resolve(wheelDir) }, "/wheels");
const globals = { ...JSON.parse(globalsJson), WHEEL_DIR: "/wheels" };
for (const [key, value] of Object.entries(globals)) pyodide.globals.set(key, pyodide.toPy(value));
pyodide.setStdout({ batched: (line) => console.log(line) });
const { readFile } = await import("node:fs/promises");
await pyodide.runPythonAsync(await readFile(script, "utf8"));
