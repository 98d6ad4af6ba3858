"""Officials arriving together (issue #20): 1, 4 and 8 simultaneous sessions against a running server, each
opening the overview from a link that carries a filter (a year range), as a browser's websocket does; the
server's own CPU seconds and the time until its last session finished.

    .venv/bin/python bench/bench_sessions.py                  # 10,000 documents, HEAD
    .venv/bin/python bench/bench_sessions.py --code 9b1f433   # another commit, same build

The client is a bare websocket speaking Streamlit's protocol (BackMsg rerun_script, ForwardMsg until
script_finished), not a browser: what a browser on an official's own computer costs is not the server's.
Each round uses filters no session asked for before (the worst case: nothing cached) and then the same ones
again (a second wave of officials with the same links). Numbers are printed, never asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import common
from common import PYTHON, ensure_build, machine, use_code

GOAL_CPU_S = 0.3  # issue #20: per-session server work at 10,000 documents


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a process (its threads included)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


async def session(port: int, query: str) -> tuple[float, int]:
    """One session: connect, run the overview with `query` as the page's URL query; (seconds, bytes received)."""
    import websockets
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    started = time.perf_counter()
    received = 0
    async with websockets.connect(
        f"ws://127.0.0.1:{port}/_stcore/stream", subprotocols=["streamlit"], max_size=None, ping_interval=None
    ) as ws:
        back = BackMsg()
        back.rerun_script.query_string = query
        back.rerun_script.page_script_hash = ""
        await ws.send(back.SerializeToString())
        while True:
            raw = await asyncio.wait_for(ws.recv(), timeout=300)
            received += len(raw)
            msg = ForwardMsg()
            msg.ParseFromString(raw)
            if msg.WhichOneof("type") == "script_finished":
                break
    return time.perf_counter() - started, received


async def wave(port: int, queries: list[str]) -> list[tuple[float, int]]:
    return await asyncio.gather(*(session(port, q) for q in queries))


def measure(pid: int, port: int, queries: list[str]) -> dict:
    before = cpu_seconds(pid)
    started = time.perf_counter()
    results = asyncio.run(wave(port, queries))
    return {
        "server_cpu": cpu_seconds(pid) - before,
        "wall": time.perf_counter() - started,
        "sessions": [r[0] for r in results],
        "bytes": statistics.median(r[1] for r in results),
    }


def wait_warm(pid: int, port: int) -> float:
    """Until the server answers and its warm-up thread is done (its CPU idle for a second)."""
    import urllib.request

    started = time.perf_counter()
    while True:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2)
            break
        except OSError:
            time.sleep(0.2)
    last = cpu_seconds(pid)
    while True:
        time.sleep(1.0)
        now = cpu_seconds(pid)
        if now - last < 0.05:
            return time.perf_counter() - started
        last = now


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", default="10000", help="'seeds' or a number of generated documents")
    parser.add_argument("--sessions", default="1,4,8")
    parser.add_argument("--code", default="HEAD", help="a commit (default HEAD) or 'worktree'")
    parser.add_argument("--no-rebuild", action="store_true", help="use the build in bench/out/build/ as it is")
    args = parser.parse_args()
    use_code(args.code)
    print(machine(), flush=True)
    n = None if args.size == "seeds" else int(args.size)
    seeds, build, _ = ensure_build(n, rebuild_stale=not args.no_rebuild)
    port = 8700 + os.getpid() % 200
    script = "server.py" if (common.CODE / "server.py").exists() else "dashboard.py"
    env = {**os.environ, "DASHBOARD_BUILD_DIR": str(build), "DASHBOARD_SEEDS_DIR": str(seeds)}
    server = subprocess.Popen(
        [PYTHON, "-m", "streamlit", "run", script, "--server.headless", "true", "--server.port", str(port)],
        cwd=common.CODE,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        warm = wait_warm(server.pid, port)
        measure(server.pid, port, [""])  # the first session of the process: what the warm-up leaves undone
        waited = common.wait_quiet()
        print(
            f"{'seeds' if n is None else f'{n:,} documents'}: `streamlit run {script}` warm after {warm:.1f} s, "
            f"RSS {rss_mb(server.pid):.0f} MB; waited {waited:.0f} s for a quiet machine"
        )
        years = [(a, b) for a in range(2018, 2027) for b in range(a + 2, 2029)]
        used = 0
        for count in (int(c) for c in args.sessions.split(",")):
            queries = [f"y={a}-{b}" for a, b in years[used : used + count]]
            used += count
            for label, run in (("new filters", queries), ("same filters again", queries)):
                r = measure(server.pid, port, run)
                print(
                    f"  {count} session(s), {label}: server CPU {r['server_cpu']:.2f} s "
                    f"({r['server_cpu'] / count:.2f} s a session), all finished after {r['wall']:.2f} s; "
                    f"a session {statistics.median(r['sessions']):.2f} s median, "
                    f"{r['bytes'] / 1e6:.2f} MB received",
                    flush=True,
                )
        default = measure(server.pid, port, [""] * 8)
        print(
            f"  8 sessions on the default view: server CPU {default['server_cpu']:.2f} s "
            f"({default['server_cpu'] / 8:.2f} s a session), all finished after {default['wall']:.2f} s, "
            f"{default['bytes'] / 1e6:.2f} MB received each"
        )
        print(f"  server RSS at the end {rss_mb(server.pid):.0f} MB; goal ≤ {GOAL_CPU_S} s CPU a session")
    finally:
        server.terminate()
        server.wait(30)


if __name__ == "__main__":
    sys.exit(main())
