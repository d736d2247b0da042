"""Benchmark: the web app's chat under concurrent sessions (target: no errors, p95 ≤ 2 s with the offline writer).

Run: .venv/bin/python benchmarks/bench_web.py [--sessions 20] [--rounds 1] [--plan] [--data-dir DIR] [--port P]

Starts the app as a user would (`python -m assistant web --port P`, on --data-dir or the settings' data dir,
with conversations saved to a scratch SQLite database, not the user's), waits until it answers, warms it up with
one untimed session, then drives N concurrent chat sessions over loopback with `gradio_client` (one `Client` is
one browser session: its own server-side state). Each session plays a scripted mix (rules questions in Chinese
and English, situation updates, 能过吗, 离优秀还差什么, 有没有类似的案例, and with --plan 帮我起草整改计划),
sending the next message when the previous answer is complete, as a person would without reading time
(--think adds a pause, and spreads the sessions' starts). A turn is timed from sending to the last streamed update
(answer, citations, badge). The sessions run in a few client processes at a lower priority, so that the load
generator (gradio_client costs about as much CPU per turn as the server) does not take the server's CPU.

Prints per-intent and overall p50/p95 latency, throughput, the number of errors, the machine's load average and
the server's CPU use while the sessions ran. Exit code 0 when the target is met, 1 when not.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

QUESTIONS_ZH = [
    "监督审核多久一次？",
    "什么情况属于有条件通过？",
    "一般不符合的整改期限和关闭验证方式是什么？",
    "客户满意度85%能评几级？",
    "没有售后服务组织会有什么后果？",
    "备件保障率是按金额算还是按需求行算？",
    "准则得分是如何由有效等级计算的？",
    "上门及时率低的常见根本原因有哪些？",
]
QUESTIONS_EN = [
    "How often are surveillance audits?",
    "What is the deadline for corrective action on a major nonconformity?",
    "How long is the certificate valid?",
    "What does maturity level L4 mean?",
    "What is a conditional pass?",
    "What average first response time does a company need for L3?",
]
EVIDENCE = ["售后服务手册和维修规范", "服务质量检查记录和满意度调查问卷", "培训计划和培训签到表", "售后服务组织架构图和岗位职责"]


def script(rng: random.Random, with_plan: bool) -> list[tuple[str, str]]:
    """One session's messages as (intent label, message): what a user might say in one sitting."""
    csat = rng.choice([60, 72, 81, 85, 88, 92, 95])
    hours = rng.choice([2, 6, 12, 24, 36, 48])
    turns = [
        ("question_zh", rng.choice(QUESTIONS_ZH)),
        ("update", f"我们客户满意度{csat}%，投诉首次响应平均{hours}小时"),
        ("grade", rng.choice(["能过吗", "能过吗？", "我们现在能评合格吗"])),
        ("update", f"我们有{rng.choice(EVIDENCE)}"),
        ("question_en", rng.choice(QUESTIONS_EN)),
        ("gap", rng.choice(["离优秀还差什么", "离优秀还差什么？"])),
        ("cases", "有没有类似的案例"),
        ("question_zh", rng.choice(QUESTIONS_ZH)),
    ]
    if with_plan:
        turns.append(("plan", "帮我起草整改计划"))
    return turns


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(q * (len(values) - 1)))]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (and its reaped children), from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return sum(int(x) for x in fields[11:15]) / os.sysconf("SC_CLK_TCK")


def machine_busy() -> tuple[float, float]:
    """(busy, total) jiffies of all CPUs since boot, from /proc/stat."""
    parts = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = parts[3] + parts[4]
    return sum(parts) - idle, sum(parts)


class LoadSampler(threading.Thread):
    """Samples the 1-minute load average every second until stopped."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.samples: list[float] = []
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.wait(1.0):
            self.samples.append(os.getloadavg()[0])


def start_server(args: argparse.Namespace, db_dir: str) -> tuple[subprocess.Popen, str, float]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASSISTANT_")}
    if args.data_dir:
        env["ASSISTANT_DATA_DIR"] = str(args.data_dir)
    env["ASSISTANT_DATABASE_URL"] = f"sqlite:///{db_dir}/bench_web.db"  # not the user's conversations
    if args.concurrency:
        env["ASSISTANT_WEB_CONCURRENCY"] = str(args.concurrency)
    port = args.port or free_port()
    url = f"http://127.0.0.1:{port}/"
    t0 = time.perf_counter()
    with (Path(db_dir) / "server.log").open("w") as log:  # the server keeps its own copy of the file
        proc = subprocess.Popen([sys.executable, "-m", "assistant", "web", "--port", str(port)], cwd=REPO, env=env,
                                stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + args.startup_timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            sys.exit(f"the server exited with code {proc.returncode}:\n{(Path(db_dir) / 'server.log').read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url + "config", timeout=2) as r:
                if r.status == 200:
                    return proc, url, time.perf_counter() - t0
        except OSError:
            pass
        time.sleep(0.3)
    stop_server(proc)
    sys.exit(f"the server did not answer on {url} within {args.startup_timeout:.0f} s")


def stop_server(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGINT)
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def reply_problem(result) -> str | None:
    """What is wrong with a chat result (history, textbox, badge, status), or None."""
    if not isinstance(result, (list, tuple)) or len(result) != 4:
        return f"unexpected result {type(result).__name__}"
    history = result[0] or []
    answers = [m for m in history if m.get("role") == "assistant" and not m.get("metadata")]
    if not answers:
        return "no answer"
    content = answers[-1].get("content")
    text = " ".join(p.get("text", "") for p in content if isinstance(p, dict)) if isinstance(content, list) else str(content)
    if not text.strip():
        return "empty answer"
    if "错误 error" in text:
        return text[:200]
    return None


def run_session(url: str, turns: list[tuple[str, str]], barrier: threading.Barrier, think: float,
                times: list[tuple[str, float]], errors: list[str], lock: threading.Lock, seed: int = 0) -> None:
    from gradio_client import Client

    try:
        # Plain HTTP on loopback: no certificate to check. With ssl_verify=True every request of gradio_client builds
        # an httpx client that loads the CA bundle (~50 ms CPU), more than the server spends on a turn.
        client = Client(url, verbose=False, download_files=False, ssl_verify=False)
    except Exception as exc:  # noqa: BLE001 - every failure is counted, none stops the run
        with lock:
            errors.append(f"connect: {exc!r}")
        barrier.abort()
        return
    history: list = []
    pause = random.Random(seed)
    try:
        barrier.wait()
        if think:  # users do not all start in the same second
            time.sleep(pause.uniform(0, think))
        for intent, message in turns:
            t = time.perf_counter()
            try:
                result = client.predict(message, history, api_name="/chat")
            except Exception as exc:  # noqa: BLE001
                with lock:
                    errors.append(f"{intent} {message!r}: {exc!r}")
                continue
            elapsed = time.perf_counter() - t
            problem = reply_problem(result)
            with lock:
                times.append((intent, elapsed))
                if problem:
                    errors.append(f"{intent} {message!r}: {problem}")
            if not problem:
                history = result[0]
            if think:
                time.sleep(pause.uniform(0.5, 1.5) * think)
    finally:
        client.close()


def client_worker(url: str, scripts: list[tuple[int, list[tuple[str, str]]]], barrier, think: float, nice: int,
                  results) -> None:
    """One load-generating process: its share of the sessions, one thread each; reports (times, errors, CPU s)."""
    if nice:
        os.nice(nice)
    times: list[tuple[str, float]] = []
    errors: list[str] = []
    lock = threading.Lock()
    threads = [threading.Thread(target=run_session, args=(url, turns, barrier, think, times, errors, lock, seed))
               for seed, turns in scripts]
    for th in threads:
        th.start()
    try:
        barrier.wait()
    except threading.BrokenBarrierError:
        pass
    cpu0 = time.process_time()
    for th in threads:
        th.join()
    results.put((times, errors, time.process_time() - cpu0))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sessions", type=int, default=20, help="concurrent chat sessions (default 20)")
    ap.add_argument("--rounds", type=int, default=1, help="times every session plays its script (default 1)")
    ap.add_argument("--plan", action="store_true", help="also ask 帮我起草整改计划 (drafting takes ~1.5 s)")
    ap.add_argument("--think", type=float, default=0.0,
                    help="mean seconds a user pauses between messages (uniform 0.5–1.5×; sessions start spread over it); default 0")
    ap.add_argument("--data-dir", type=Path, help="data directory with an index (default: the settings')")
    ap.add_argument("--port", type=int, help="port to serve on (default: a free one)")
    ap.add_argument("--url", help="drive an app already running at this URL instead of starting one (profiling)")
    ap.add_argument("--server-pid", type=int, help="with --url: the app's process, to report its CPU use")
    ap.add_argument("--concurrency", type=int, help="ASSISTANT_WEB_CONCURRENCY for the server (default: the settings'); "
                         "the chat event has its own limit in assistant/web/app.py")
    ap.add_argument("--seed", type=int, default=7, help="seed of the scripts")
    ap.add_argument("--client-procs", type=int, default=4,
                    help="processes the sessions are spread over (one Python process is GIL-bound at ~20 sessions)")
    ap.add_argument("--client-nice", type=int, default=10,
                    help="niceness of the client processes, so the load generator does not take the server's CPU (0: off)")
    ap.add_argument("--startup-timeout", type=float, default=600, help="seconds to wait for the server (first start builds the index)")
    ap.add_argument("--target-p95", type=float, default=2.0, help="target p95 in seconds (default 2)")
    args = ap.parse_args()

    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory(prefix="bench-web-") as db_dir:
        load_before = os.getloadavg()
        if args.url:
            proc, url = None, args.url.rstrip("/") + "/"
            print(f"driving the app at {url}")
        else:
            proc, url, startup = start_server(args, db_dir)
            print(f"server {url} answering after {startup:.1f} s (pid {proc.pid})")
        try:
            t0 = time.perf_counter()
            warm_times: list[tuple[str, float]] = []
            warm_errors: list[str] = []
            run_session(url, script(random.Random(0), args.plan), threading.Barrier(1), 0, warm_times, warm_errors,
                        threading.Lock())
            print(f"warm-up (one session, {len(warm_times)} turns, untimed): {time.perf_counter() - t0:.1f} s"
                  + (f", {len(warm_errors)} errors: {warm_errors[:3]}" if warm_errors else ""))

            scripts = [[t for _ in range(args.rounds) for t in script(rng, args.plan)] for _ in range(args.sessions)]
            procs = max(1, min(args.client_procs, args.sessions))
            ctx = multiprocessing.get_context("fork")
            barrier = ctx.Barrier(args.sessions + procs + 1)
            results = ctx.Queue()
            workers = [ctx.Process(target=client_worker, daemon=True,
                                   args=(url, [(n, s) for n, s in enumerate(scripts) if n % procs == w], barrier,
                                         args.think, args.client_nice, results))
                       for w in range(procs)]
            for wp in workers:
                wp.start()
            barrier.wait(timeout=300)  # every client connected: start together
            sampler = LoadSampler()
            sampler.start()
            pid = proc.pid if proc else args.server_pid
            cpu0, (busy0, total0) = cpu_seconds(pid) if pid else 0.0, machine_busy()
            t0 = time.perf_counter()
            times: list[tuple[str, float]] = []
            errors: list[str] = []
            client_cpu = 0.0
            for _ in workers:
                t, e, c = results.get()
                times += t
                errors += e
                client_cpu += c
            wall = time.perf_counter() - t0
            cpu1, (busy1, total1) = cpu_seconds(pid) if pid else 0.0, machine_busy()
            for wp in workers:
                wp.join()
            sampler.stop.set()
            sampler.join()
        finally:
            if proc is not None:
                stop_server(proc)

    ncpu = os.cpu_count() or 1
    planned = sum(len(s) for s in scripts)
    every = [t for _, t in times]
    by_intent: dict[str, list[float]] = {}
    for intent, t in times:
        by_intent.setdefault(intent, []).append(t)
    print(f"\n{args.sessions} concurrent sessions × {planned // args.sessions} turns"
          f"{' (with plan drafting)' if args.plan else ''}, offline writer, loopback")
    print(f"{'intent':<14}{'turns':>6}{'p50 s':>9}{'p95 s':>9}{'max s':>9}")
    for intent in sorted(by_intent, key=lambda k: -statistics.median(by_intent[k])):
        v = by_intent[intent]
        print(f"{intent:<14}{len(v):>6}{pct(v, 0.5):>9.2f}{pct(v, 0.95):>9.2f}{max(v):>9.2f}")
    p95 = pct(every, 0.95) if every else float("inf")
    if every:
        print(f"{'all':<14}{len(every):>6}{pct(every, 0.5):>9.2f}{p95:>9.2f}{max(every):>9.2f}")
    print(f"throughput: {len(every) / wall:.1f} turns/s over {wall:.1f} s; errors: {len(errors)} of {planned} turns")
    for e in errors[:10]:
        print(f"  error: {e}")
    samples = sampler.samples or [os.getloadavg()[0]]
    print(f"load average (1 min) before start: {load_before[0]:.2f}; during the run: mean {statistics.mean(samples):.2f}, "
          f"max {max(samples):.2f} ({ncpu} cores)")
    machine = 100 * (busy1 - busy0) / max(1, total1 - total0)
    server = (f"server {100 * (cpu1 - cpu0) / wall:.0f}% of one core ({1000 * (cpu1 - cpu0) / max(1, len(every)):.0f} ms "
              f"CPU per turn), " if pid else "")
    print(f"CPU during the run: {server}the clients (gradio_client, {procs} processes at nice {args.client_nice}) "
          f"{100 * client_cpu / wall:.0f}% of one core; whole machine {machine:.0f}% busy of {ncpu} cores")
    met = not errors and p95 <= args.target_p95
    print(f"target no errors and p95 ≤ {args.target_p95:g} s: {'met' if met else 'NOT met'}")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
