// Run the servicepledge tests inside Pyodide (the runtime of xlwings Lite) under Node, offline.
// Started by scripts/pyodide-lane.sh, which prepares and verifies everything this file uses:
//   node --experimental-wasm-stack-switching scripts/pyodide_lane.mjs DIST WHEELS REPO [pytest args...]
//   ... REPO --run FILE.py [args...]     runs a Python file instead (benchmarks/bench_lite.py)
// DIST: the Pyodide core + verified package wheels; WHEELS: pure-Python wheels (+ servicepledge's).
// Inside Pyodide: the repo is mounted at /repo (NODEFS), the wheels at /wheels, and /data exists,
// empty and writable, as in xlwings Lite (where files imported through the Files panel appear).
import { readdirSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

const [dist, wheels, repo, ...pytestArgs] = process.argv.slice(2);
const t0 = performance.now();
const { loadPyodide } = await import(pathToFileURL(path.join(dist, "pyodide.mjs")).href);

const env = { HOME: "/home/pyodide", LANG: "C.UTF-8", PYTHONHASHSEED: "0" };
for (const k of ["SERVICEPLEDGE_TEST_WHEEL", "SP_CPYTHON_REFERENCE", "HYPOTHESIS_PROFILE", "SP_BENCH_T0",
                 "SERVICEPLEDGE_CACHE_MB"]) {
  if (process.env[k]) env[k] = process.env[k];
}
const py = await loadPyodide({ indexURL: dist + path.sep, env, fullStdLib: false });
const write = (stream) => ({ write: (buf) => { stream.write(buf); return buf.length; } });
py.setStdout(write(process.stdout));
py.setStderr(write(process.stderr));

await py.loadPackage(["numpy", "pandas", "matplotlib", "micropip", "packaging", "pygments"],
                     { messageCallback: () => {}, errorCallback: (m) => console.error(m) });

const FS = py.FS;
for (const [where, host] of [["/repo", repo], ["/wheels", wheels]]) {
  FS.mkdirTree(where);
  FS.mount(FS.filesystems.NODEFS, { root: host }, where);
}
FS.mkdirTree("/data");
const TEST_TOOLS = /^(pytest|pluggy|iniconfig|hypothesis|sortedcontainers)-/;   // not in Lite: not for --run
const deps = readdirSync(wheels).filter((f) => f.endsWith(".whl") && !f.startsWith("servicepledge-")
                                           && !(pytestArgs[0] === "--run" && TEST_TOOLS.test(f)));
const micropip = py.pyimport("micropip");
await micropip.install.callKwargs(deps.map((f) => "emfs:/wheels/" + f), { deps: false });
const boot = (performance.now() - t0) / 1000;
console.log(`pyodide lane: Pyodide ${py.version} booted with ${deps.length} extra wheels in ${boot.toFixed(1)} s`);

if (pytestArgs[0] === "--run") {                  // a Python file, e.g. the benchmark
  py.globals.set("argv", py.toPy(pytestArgs.slice(1)));
  await py.runPythonAsync(`
import os, runpy, sys
os.chdir("/repo")
sys.path.insert(0, "/repo/addin")
sys.argv = list(argv)
runpy.run_path(sys.argv[0], run_name="__main__")
`);
  process.exit(0);
}
py.globals.set("pytest_args", py.toPy(pytestArgs.length ? pytestArgs : ["tests"]));
const code = await py.runPythonAsync(`
import os, sys
os.chdir("/repo")
sys.path.insert(0, "/repo/addin")          # the source tree, as PYTHONPATH does in the first lane
import pytest
int(pytest.main(["-p", "no:cacheprovider", "--capture=sys", *pytest_args]))
`);
process.exit(code);
