"""Benchmark: the web app's chat under concurrent sessions (target: no errors, p95 ≤ 2 s with the offline writer).

Run: .venv/bin/python benchmarks/bench_web.py [--sessions 20] [--rounds 1] [--plan] [--data-dir DIR] [--port P]
     .venv/bin/python benchmarks/bench_web.py --workers 2 [--sessions 50] [--duration 300] [--think 6]

With --workers N it measures the deployment of README "Deployment (several workers)" instead (the steps of
`scripts/serve.sh`, assistant/deploy.py: PostgreSQL, a Chroma server, N workers behind haproxy, in a scratch data
directory holding a copy of the index): every session logs in with an account (sticky to one worker by haproxy's
cookie) and plays conversations of 10 turns, one after another, until --duration seconds are over; it prints the
errors, p50/p95 per turn, the workers' memory before and after, and runs the cross-account probe (benchmarks/
probe_access.py) against the running deployment: a client account asking for another workspace's case, plan,
conversation, exports and uploaded files by every route the app serves must get nothing.

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


def turn_table(times: list[tuple[str, float]]) -> float:
    """Print p50/p95/max per intent and over all turns; the p95 of all (inf without turns)."""
    every = [t for _, t in times]
    by_intent: dict[str, list[float]] = {}
    for intent, t in times:
        by_intent.setdefault(intent, []).append(t)
    print(f"{'intent':<14}{'turns':>6}{'p50 s':>9}{'p95 s':>9}{'max s':>9}")
    for intent in sorted(by_intent, key=lambda k: -statistics.median(by_intent[k])):
        v = by_intent[intent]
        print(f"{intent:<14}{len(v):>6}{pct(v, 0.5):>9.2f}{pct(v, 0.95):>9.2f}{max(v):>9.2f}")
    p95 = pct(every, 0.95) if every else float("inf")
    if every:
        print(f"{'all':<14}{len(every):>6}{pct(every, 0.5):>9.2f}{p95:>9.2f}{max(every):>9.2f}")
    return p95


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
                times: list[tuple[str, float]], errors: list[str], lock: threading.Lock, seed: int = 0,
                auth: tuple[str, str] | None = None, duration: float | None = None, ramp: float = 0.0) -> None:
    """One session playing `turns` (with `duration`: again and again, each time a new conversation, for that many
    seconds after the common start). With `ramp`, the session arrives (connects, logs in) at a random moment of
    the first `ramp` seconds, as people do; without, it connects before the common start."""
    from gradio_client import Client

    def connect():
        # Plain HTTP on loopback: no certificate to check. With ssl_verify=True every request of gradio_client
        # builds an httpx client that loads the CA bundle (~50 ms CPU), more than the server spends on a turn.
        # With a login, the client keeps the cookies of the login's answer: behind haproxy, its sticky cookie too.
        return Client(url, verbose=False, download_files=False, ssl_verify=False, auth=auth,
                      httpx_kwargs={"timeout": 60})

    pause = random.Random(seed)
    client = None
    try:
        if not ramp:
            client = connect()
        barrier.wait()
        until = time.time() + duration if duration else None
        if ramp:
            time.sleep(pause.uniform(0, ramp))
            client = connect()
        elif think:  # users do not all start in the same second
            time.sleep(pause.uniform(0, think))
    except threading.BrokenBarrierError:
        return
    except Exception as exc:  # noqa: BLE001 - every failure is counted, none stops the run
        with lock:
            errors.append(f"connect: {exc!r}")
        print(f"a session could not connect ({auth[0] if auth else 'no login'}): {exc!r}", file=sys.stderr)
        if not ramp:
            barrier.abort()
        return
    history: list = []
    try:
        for n, (intent, message) in enumerate(_turns(turns, until)):
            if n and n % len(turns) == 0:
                history = []  # the next conversation of this session
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


def _turns(turns: list[tuple[str, str]], until: float | None):
    """The script once, or over and over until the time `until` (time.time())."""
    if until is None:
        yield from turns
        return
    while True:
        for turn in turns:
            if time.time() >= until:
                return
            yield turn


def client_worker(url: str, scripts: list[tuple[int, list[tuple[str, str]]]], barrier, think: float, nice: int,
                  results, logins: dict[int, tuple[str, str]] | None = None, duration: float | None = None,
                  ramp: float = 0.0) -> None:
    """One load-generating process: its share of the sessions, one thread each; reports (times, errors, CPU s)."""
    if nice:
        os.nice(nice)
    times: list[tuple[str, float]] = []
    errors: list[str] = []
    lock = threading.Lock()
    threads = [threading.Thread(target=run_session, args=(url, turns, barrier, think, times, errors, lock, seed,
                                                          (logins or {}).get(seed), duration, ramp))
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
    ap.add_argument("--target-p95", type=float, help="target p95 in seconds (default 2; 1.5 with --workers)")
    ap.add_argument("--workers", type=int, default=0,
                    help="measure the deployment (scripts/serve.sh's steps) with this many workers behind haproxy")
    ap.add_argument("--duration", type=float, default=300,
                    help="with --workers: seconds the sessions keep playing conversations of 10 turns (default 300)")
    ap.add_argument("--ramp", type=float, default=30,
                    help="with --workers: seconds over which the sessions arrive and log in (default 30)")
    ap.add_argument("--accounts", type=int, default=10,
                    help="with --workers: consultant accounts (each with its own workspace) the sessions log in as")
    args = ap.parse_args()
    if args.workers:
        return run_deployment(args)
    args.target_p95 = args.target_p95 or 2.0

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
    print(f"\n{args.sessions} concurrent sessions × {planned // args.sessions} turns"
          f"{' (with plan drafting)' if args.plan else ''}, offline writer, loopback")
    p95 = turn_table(times)
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


def script10(rng: random.Random, with_plan: bool) -> list[tuple[str, str]]:
    """A conversation of 10 turns: the mixed script, one more fact in Chinese numerals and one more question."""
    turns = script(rng, False)
    turns.insert(4, ("update", f"上门及时率百分之{rng.choice(['八十五', '九十', '九十五'])}"))
    turns.append(("plan", "帮我起草整改计划") if with_plan else ("question_en", rng.choice(QUESTIONS_EN)))
    return turns


def rss_mb(pid: int | None) -> float:
    """Resident memory of a process in MB (0 when it is gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except (OSError, TypeError):
        pass
    return 0.0


def scratch_data_dir(source: Path, scratch: Path) -> Path:
    """A data directory for the deployment with a copy of `source`'s index (its database, conversations and
    servers left out; the models folder linked, not copied)."""
    import shutil

    data = scratch / "data"
    keep_out = {"assistant.db", "assistant.db-shm", "assistant.db-wal", "postgres", "serve", "downloads",
                "chroma-server", "models", "web_secret"}
    shutil.copytree(source, data, ignore=lambda d, names: [n for n in names if Path(d) == source and n in keep_out])
    if (source / "models").exists():
        (data / "models").symlink_to((source / "models").resolve())
    return data


def run_deployment(args: argparse.Namespace) -> int:
    """--workers N: PostgreSQL, a Chroma server, N workers and haproxy (assistant/deploy.py, as scripts/serve.sh),
    sessions logged in as accounts for --duration seconds, then the cross-account probe."""
    import shutil

    sys.path.insert(0, str(REPO))
    sys.path.insert(0, str(REPO / "benchmarks"))
    from assistant.deploy import Deployment
    from assistant.plans.store import Store
    from assistant.settings import get_settings
    from assistant.workspace.accounts import Accounts

    import probe_access

    target = args.target_p95 or 1.5
    settings = get_settings()
    source = args.data_dir or settings.data_dir
    if not (source / "index.json").exists():
        sys.exit(f"no index in {source}: run `python -m assistant ingest` (or the web app once) first")
    scratch = Path(tempfile.mkdtemp(prefix="bench-web-deploy-"))
    scratch.chmod(0o755)  # PostgreSQL runs as its own user when this runs as root
    rng = random.Random(args.seed)
    dep = None
    try:
        data = scratch_data_dir(source, scratch)
        ready = settings.model_copy(update={"data_dir": data, "database_url": None, "chroma_mode": "persistent",
                                            "web_password": None})
        port = args.port or random.Random().randrange(20000, 40000)
        dep = Deployment(ready, host="127.0.0.1", port=port, workers=args.workers)
        dep._say_to = sys.stdout
        dep.check()
        t0 = time.perf_counter()
        dep.start_postgres()
        store = Store(dep.database_url)
        try:
            accounts = Accounts(store)
            logins: dict[int, tuple[str, str]] = {}
            for i in range(1, min(args.accounts, args.sessions) + 1):
                ws = store.create_workspace(f"压测工作区-{i}")
                accounts.add(f"压测顾问{i}", "bench-password-1", "consultant", [ws.name])
            for n in range(args.sessions):
                logins[n] = (f"压测顾问{n % min(args.accounts, args.sessions) + 1}", "bench-password-1")
        finally:
            store.close()
        probe_access.seed(dep.database_url)
        dep.start_chroma()
        dep.refresh_index()
        dep.start_workers()
        dep.start_haproxy(log=scratch / "haproxy.log")
        url = f"http://127.0.0.1:{port}/"
        pids = {name: c.pid for name, c in dep.children.items() if name.startswith("w")}
        print(f"deployment ready after {time.perf_counter() - t0:.1f} s: {url} ({args.workers} workers, PostgreSQL, "
              f"Chroma server, haproxy)")
        # one untimed session per worker warms them (the first turn loads the embedder)
        warm: list[tuple[str, float]] = []
        warm_errors: list[str] = []
        for w in range(args.workers * 2):
            run_session(url, script10(random.Random(w), False)[:3], threading.Barrier(1), 0, warm, warm_errors,
                        threading.Lock(), auth=logins[w % len(logins)])
        mem_before = {name: rss_mb(pid) for name, pid in pids.items()}
        cpu0 = {name: cpu_seconds(pid) for name, pid in pids.items()}

        scripts = [script10(rng, args.plan) for _ in range(args.sessions)]
        procs = max(1, min(args.client_procs, args.sessions))
        ctx = multiprocessing.get_context("fork")
        barrier = ctx.Barrier(args.sessions + procs + 1)
        results = ctx.Queue()
        workers = [ctx.Process(target=client_worker, daemon=True,
                               args=(url, [(n, sc) for n, sc in enumerate(scripts) if n % procs == w], barrier,
                                     args.think, args.client_nice, results, logins, args.duration, args.ramp))
                   for w in range(procs)]
        for wp in workers:
            wp.start()
        barrier.wait(timeout=600)
        sampler = LoadSampler()
        sampler.start()
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
        for wp in workers:
            wp.join()
        sampler.stop.set()
        sampler.join()
        mem_after = {name: rss_mb(pid) for name, pid in pids.items()}
        cpu1 = {name: cpu_seconds(pid) for name, pid in pids.items()}
        alive = {name: dep.children[name].alive() for name in pids}

        every = [t for _, t in times]
        print(f"\n{args.sessions} concurrent sessions (logged in as {len(set(logins.values()))} accounts, arriving over "
              f"{args.ramp:g} s) playing conversations of 10 turns for {wall:.0f} s across {args.workers} workers behind "
              f"haproxy{' (with plan drafting)' if args.plan else ''}; think time {args.think:g} s (×0.5–1.5)")
        p95 = turn_table(times)
        print(f"throughput: {len(every) / wall:.1f} turns/s; errors: {len(errors)} of {len(every) + len(errors)} turns")
        for e in errors[:10]:
            print(f"  error: {e}")
        for name in pids:
            print(f"worker {name}: memory {mem_before[name]:.0f} MB before → {mem_after[name]:.0f} MB after; CPU "
                  f"{cpu1[name] - cpu0[name]:.0f} s ({100 * (cpu1[name] - cpu0[name]) / wall:.0f}% of one core); "
                  f"{'running' if alive[name] else 'DIED'}")
        samples = sampler.samples or [os.getloadavg()[0]]
        print(f"load average (1 min) during the run: mean {statistics.mean(samples):.2f}, max {max(samples):.2f} "
              f"({os.cpu_count()} cores); the clients (gradio_client, {procs} processes at nice {args.client_nice}) "
              f"{100 * client_cpu / wall:.0f}% of one core")
        met = not errors and p95 <= target and all(alive.values())
        print(f"target no errors and p95 ≤ {target:g} s: {'met' if met else 'NOT met'}")
        probe_ok = probe_access.report(*probe_access.probe(url))
        return 0 if met and probe_ok else 1
    finally:
        if dep is not None:
            dep.stop()
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
