"""What the benchmark scripts share: paths, the machine line, a fresh-process runner that measures
time and memory, the summary statistics, and the cached builds of generated corpora."""

from __future__ import annotations

import cProfile
import json
import math
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent  # the repository (its bench/ and seeds/)
BENCH = Path(__file__).resolve().parent
OUT = BENCH / "out"  # git-ignored: cached corpora, builds, code snapshots
BUILDS = OUT / "build"
PYTHON = sys.executable
CODE = ROOT  # the app measured (dashboard.py, lib/, app_pages/, data/): a snapshot of a commit, see use_code()
if str(BENCH) not in sys.path:
    sys.path.insert(0, str(BENCH))


APP_PATHS = (
    "dashboard.py",
    "server.py",
    "lib",
    "app_pages",
    "pages",
    "data",
    ".streamlit",
)  # pages/: before app_pages/


def snapshot(ref: str = "HEAD") -> Path:
    """The app's files at a commit, unpacked once under bench/out/snapshot/<sha>/ (git archive), so
    edits made in the working tree during a run that takes many minutes cannot change what is measured."""
    sha = subprocess.run(
        ["git", "rev-parse", "--short", ref], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.strip()
    dest = OUT / "snapshot" / sha
    if not (dest / ".complete").exists():
        shutil.rmtree(dest, ignore_errors=True)
        dest.mkdir(parents=True)
        paths = [
            path
            for path in APP_PATHS  # server.py came later than the others
            if subprocess.run(["git", "cat-file", "-e", f"{sha}:{path}"], cwd=ROOT).returncode == 0
        ]
        archive = subprocess.run(["git", "archive", sha, *paths], cwd=ROOT, capture_output=True, check=True).stdout
        subprocess.run(["tar", "-x", "-C", str(dest)], input=archive, check=True)
        (dest / ".complete").touch()
    return dest


def use_code(code: str) -> Path:
    """Measure the working tree ('worktree'), a commit ('HEAD', a sha) or a folder; call before importing lib."""
    global CODE
    CODE = ROOT if code == "worktree" else Path(code) if Path(code).is_dir() else snapshot(code)
    sys.path.insert(0, str(CODE))
    os.environ["BENCH_CODE"] = str(CODE)  # for worker processes
    return CODE


SAMPLE_SECONDS = 0.25  # memory sampling interval of a child's process tree; costs < 1 % of a core


def machine() -> str:
    """nproc, uname -m, CPU, RAM, Python, and the load when the run started (another session may share the machine)."""
    mem_kb = next(
        int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal")
    )
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    load = " ".join(f"{v:.2f}" for v in os.getloadavg())
    return (
        f"machine: nproc {os.cpu_count()}, {platform.machine()} ({cpu}), RAM {mem_kb / 2**20:.1f} GiB, "
        f"Python {platform.python_version()}, load average at start {load}\n{code_version()}"
    )


def code_version() -> str:
    """The commit measured (the figures belong to a commit), or the working tree and how it differs."""

    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True).stdout.strip()

    if CODE != ROOT:
        sha = CODE.name
        return (
            f"code: commit {git('log', '-1', '--format=%h %ad %s', '--date=format:%Y-%m-%d %H:%M', sha)[:110]}"
            f" (snapshot in {CODE.relative_to(ROOT)})"
        )
    dirty = git("status", "--porcelain", "--", "lib", "app_pages", "dashboard.py", "data")
    return f"code: working tree at {git('log', '-1', '--format=%h %ad', '--date=format:%Y-%m-%d %H:%M')}" + (
        " + uncommitted changes in lib/, app_pages/ or data/" if dirty else " (lib/, app_pages/, data/ as committed)"
    )


@dataclass
class Run:
    seconds: float
    code: int
    max_rss_mb: float  # largest single process of the tree (wait4: the child or a reaped grandchild)
    tree_pss_mb: float  # peak sum of PSS over the child and its descendants, sampled
    stdout: str
    stderr: str
    cpu_seconds: float = 0.0  # user + system of the child and its reaped children (the workers)
    others_cores: float = 0.0  # CPU used meanwhile by every other process on the machine, in cores

    @property
    def noisy(self) -> bool:
        """Other processes used more than half a core on average during the run."""
        return self.others_cores > 0.5


def busy_seconds() -> float:
    """CPU seconds all cores have spent busy since boot (/proc/stat: total minus idle and iowait)."""
    fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return (sum(fields) - fields[3] - fields[4]) / os.sysconf("SC_CLK_TCK")


def _descendants(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        try:
            todo += [int(c) for c in Path(f"/proc/{current}/task/{current}/children").read_text().split()]
        except OSError:
            pass
    return found


def _pss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


QUIET_CORES = 0.3  # what other processes may use before a timed run starts, in cores
QUIET_MAX_WAIT = float(os.environ.get("BENCH_QUIET_MAX_WAIT", "60"))  # seconds; lower on a machine that is never quiet


def wait_quiet(max_wait: float = QUIET_MAX_WAIT) -> float:
    """Wait until other processes use less than QUIET_CORES for 2 s (the machine may be shared), at most
    max_wait seconds; return the seconds waited."""
    started = time.perf_counter()
    while True:
        before = busy_seconds()
        time.sleep(2.0)
        if (busy_seconds() - before) / 2.0 < QUIET_CORES or time.perf_counter() - started > max_wait:
            return time.perf_counter() - started


def run_fresh(args: list[str], env: dict | None = None) -> Run:
    """Run a fresh subprocess from the measured code's root; time it and sample its process tree's memory.
    PSS, not RSS, for the tree: forked workers share the parent's pages, which RSS would count twice."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        busy_before = busy_seconds()
        started = time.perf_counter()
        proc = subprocess.Popen(args, cwd=CODE, stdout=out, stderr=err, env={**os.environ, **(env or {})})
        peak = [0]
        done = threading.Event()

        def sample() -> None:
            while not done.wait(SAMPLE_SECONDS):
                peak[0] = max(peak[0], sum(_pss_kb(p) for p in _descendants(proc.pid)))

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        _, status, usage = os.wait4(proc.pid, 0)  # wait4: this child's own rusage, with its reaped children
        elapsed = time.perf_counter() - started
        busy = busy_seconds() - busy_before
        done.set()
        sampler.join()
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        cpu = usage.ru_utime + usage.ru_stime
        return Run(
            elapsed,
            proc.returncode,
            usage.ru_maxrss / 1024,
            peak[0] / 1024,
            out.read().decode("utf-8", "replace"),
            err.read().decode("utf-8", "replace"),
            cpu,
            max(busy - cpu, 0.0) / elapsed,
        )


def checked(run: Run, args: list[str], ok_codes=(0, 3)) -> Run:
    if run.code not in ok_codes:
        sys.exit(f"{' '.join(map(str, args))} exited {run.code}:\n{run.stderr[-3000:]}")
    return run


def spread(values: list[float], fmt: str = "{:.2f}", unit: str = " s") -> str:
    """'median X s [min, max] (n=N)', or the single value when there is one run."""
    if len(values) == 1:
        return f"{fmt.format(values[0])}{unit} (n=1)"
    med = statistics.median(values)
    return f"{fmt.format(med)}{unit} [min {fmt.format(min(values))}, max {fmt.format(max(values))}] (n={len(values)})"


def loglog_slope(sizes: list[float], times: list[float]) -> float:
    """Least-squares slope of log(time) against log(size): 1 means linear growth."""
    xs, ys = [math.log(s) for s in sizes], [math.log(t) for t in times]
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)


def verdict(ok: bool) -> str:
    return "MET" if ok else "MISSED"


def build_env(out_dir: Path) -> dict:
    """The build's lock file lives next to DASHBOARD_BUILD_DIR: keep it inside bench/out/, so a build
    here never waits for (or blocks) one of the repository's own builds."""
    return {"DASHBOARD_BUILD_DIR": str(out_dir)}


def build_cmd(seeds: Path, out_dir: Path, *extra: str) -> list[str]:
    return [PYTHON, "-m", "lib.build", "--seeds", str(seeds), "--out", str(out_dir), *extra]


def corpus_dir(n_docs: int) -> Path:
    """The cached generated corpus of n documents (generated on first use). A corpus linked from another
    checkout (a large one made once for everyone) is used as it is, never regenerated into its folder."""
    from make_corpus import cached_corpus

    linked = OUT / "corpus" / f"n{n_docs}_s0"
    if linked.is_symlink():
        if not (linked / ".corpus.json").exists():  # the stamp is written last
            sys.exit(f"{linked} links to {linked.resolve()}, which is not complete yet")
        return linked
    return cached_corpus(n_docs)[0]


def ensure_build(n_docs: int | None, workers: int = 2, rebuild_stale: bool = True) -> tuple[Path, Path, float | None]:
    """(seeds folder, build folder, build seconds or None when reused) for the seeds (None) or a generated
    corpus of n documents, built into bench/out/build/ when missing (or stale, unless told otherwise)."""
    seeds = ROOT / "seeds" if n_docs is None else corpus_dir(n_docs)
    out_dir = BUILDS / ("seeds" if n_docs is None else f"n{n_docs}")
    from lib.build import is_stale  # the module before session 6's layout, the package since: both name it

    present = (out_dir / "build_report.json").exists()
    if not is_stale(seeds, out_dir) or (present and not rebuild_stale):
        return seeds, out_dir, None
    args = build_cmd(seeds, out_dir, "--full", "--workers", str(workers))
    run = checked(run_fresh(args, build_env(out_dir)), args)
    return seeds, out_dir, run.seconds


def profile_script_thread(run) -> cProfile.Profile:
    """Run `run` (an AppTest run) and profile the script thread it starts: cProfile is per thread, so a
    thread-profile hook switches it on from inside the new thread."""
    profile = cProfile.Profile()

    def bootstrap(*_):
        sys.setprofile(None)
        profile.enable()

    threading.setprofile(bootstrap)
    try:
        run()
    finally:
        threading.setprofile(None)
    return profile


def run_worker(script: str, worker_args: list[str], size: str, rebuild_stale: bool) -> tuple[dict, int | None, float]:
    """Run `script --worker …` in a fresh process whose dashboard reads the build of `size` ('seeds' or a number
    of generated documents), after waiting for a quiet machine: (the JSON it prints last, n, seconds waited)."""
    n = None if size == "seeds" else int(size)
    seeds, build, _ = ensure_build(n, rebuild_stale=rebuild_stale)
    waited = wait_quiet()
    env = {**os.environ, "DASHBOARD_BUILD_DIR": str(build), "DASHBOARD_SEEDS_DIR": str(seeds)}
    proc = subprocess.run([PYTHON, script, "--worker", *worker_args], cwd=CODE, env=env, capture_output=True, text=True)
    if proc.returncode:
        sys.exit(f"worker failed:\n{proc.stderr[-4000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1]), n, waited
