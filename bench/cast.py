"""Casting under load: gunicorn on PostgreSQL, a seeded roll of 5,000 members (issue 16's; a
run of 20,000, `--members 20000`, lasts long enough to be steadier), 64 concurrent clients casting
through the API, each member once; then pgbench on the same server for scale. The server runs as
the README's deployment says (a worker per core, four threads each).

    .venv/bin/python bench/cast.py                # needs PostgreSQL on 127.0.0.1:5432 (user postgres)
    .venv/bin/python bench/cast.py --members 2000 --clients 32

Prints casts per second, latency percentiles, the app's CPU per cast, pgbench's transactions per
second (one insert and one update each, the same clients) and the ratio, and checks the outcome:
every member cast once (no ballot lost or doubled) and no 5xx. Target (issue 16): at least 500
casts/s and p99 at most 250 ms at 64 clients on the project machine, at least 0.12 of pgbench.
Seeding is not timed.
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import resource
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import timedelta
from multiprocessing import Process, Queue
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432"


def psql(sql: str, database: str = "postgres") -> None:
    subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", database, "-q", "-c", sql],
                   check=True, capture_output=True)


def seed(url: str, members: int) -> tuple[str, int, list[str]]:
    """A chapter with `members` members in good standing, an open yes/no vote with its roll frozen,
    and a personal access token (read, vote) for each member. Returns the slug, the vote, the tokens."""
    from sqlalchemy import insert

    from config import Config
    from openbargain import create_app
    from openbargain.clock import now, set_clock
    from openbargain.extensions import db
    from openbargain.models import PersonalAccessToken
    from openbargain.services import demo
    from openbargain.services.api_tokens import PREFIX, token_hash
    from openbargain.services.rolls import ensure_rolls_frozen
    from seeding import add_members, demo_cast, yes_no_vote

    config = Config()
    config.SQLALCHEMY_DATABASE_URI = url
    app = create_app(config)
    with app.app_context():
        db.create_all()
        demo.create_demo()
        people = demo_cast()
        author, chapter = people.member, people.chapter
        start = now()
        vote = yes_no_vote(people, start, title="Vote no on the budget deal", directive="Vote no.",
                           opens_at=start - timedelta(minutes=30), closes_at=start + timedelta(days=2))
        user_ids = add_members(chapter.id, members, "caster", start, password_hash=author.password_hash)
        tokens = [PREFIX + secrets.token_urlsafe(32) for _ in user_ids]
        db.session.execute(insert(PersonalAccessToken), [
            {"user_id": uid, "name": "bench", "token_hash": token_hash(token), "created_at": start,
             "expires_at": start + timedelta(days=2), "scopes": "read vote"} for uid, token in zip(user_ids, tokens)])
        db.session.commit()
        set_clock(None)
        ensure_rolls_frozen(chapter.id)  # the vote opens: its roll is frozen as the tick would
        slug = chapter.slug
        db.session.remove()
        db.engine.dispose()  # no connection of ours left open on the database
    return slug, vote, tokens


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def client(port: int, slug: str, vote: int, tokens: list[str], out: Queue, threads: int) -> None:
    """One process of casting clients: `threads` keep-alive connections, each casting in turn."""
    path = f"/api/v1/chapters/{slug}/referenda/{vote}/ballots"
    lock = threading.Lock()
    todo = list(tokens)
    latencies: list[float] = []
    statuses: dict[int, int] = {}

    def run() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        while True:
            with lock:
                if not todo:
                    break
                token = todo.pop()
            body = json.dumps({"choice": "yes" if len(token) % 2 else "no"})
            t0 = time.perf_counter()
            connection.request("POST", path, body=body, headers={"Authorization": f"Bearer {token}",
                                                                  "Content-Type": "application/json"})
            response = connection.getresponse()
            response.read()
            elapsed = time.perf_counter() - t0
            with lock:
                latencies.append(elapsed)
                statuses[response.status] = statuses.get(response.status, 0) + 1
        connection.close()

    workers = [threading.Thread(target=run) for _ in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    out.put((latencies, statuses))


def cpu_seconds(pids: list[int]) -> float:
    """User and system CPU of these processes so far (Linux /proc), in seconds."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / tick


def children_cpu() -> float:
    """User and system CPU of this process's finished children (the client processes)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def postgres_pids() -> list[int]:
    """The PostgreSQL server's processes (it runs on this machine), whose CPU the run also counts."""
    return [int(p) for p in subprocess.run(["pgrep", "-x", "postgres"], capture_output=True, text=True).stdout.split()]


def children(pid: int) -> list[int]:
    found = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout.split()
    return [pid] + [int(p) for p in found]


def pgbench(database: str, clients: int, seconds: int) -> float:
    """Transactions per second of one insert and one update each, on a scratch table."""
    psql("CREATE TABLE IF NOT EXISTS bench_pairs (id bigserial primary key, n int); "
         "INSERT INTO bench_pairs (n) SELECT 0 FROM generate_series(1, 5000);", database)
    script = tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False)
    script.write("\\set k random(1, 5000)\nBEGIN;\nINSERT INTO bench_pairs (n) VALUES (1);\n"
                 "UPDATE bench_pairs SET n = n + 1 WHERE id = :k;\nCOMMIT;\n")
    script.close()
    binary = shutil.which("pgbench") or next(Path("/usr/lib/postgresql").glob("*/bin/pgbench"))
    run = subprocess.run([str(binary), "-h", "127.0.0.1", "-U", "postgres", "-n", "-c", str(clients), "-j", "2",
                          "-T", str(seconds), "-f", script.name, database], capture_output=True, text=True, check=True)
    line = next(ln for ln in run.stdout.splitlines() if ln.startswith("tps"))
    return float(line.split("=")[1].split()[0])


def profile_casts(slug: str, vote: int, tokens: list[str]) -> None:
    """Casts with these tokens one after another through the Flask test client (production
    configuration, no server) under cProfile, and prints where a cast's CPU goes."""
    import cProfile
    import pstats

    from openbargain import create_app

    app = create_app()
    client = app.test_client()
    path = f"/api/v1/chapters/{slug}/referenda/{vote}/ballots"
    for token in tokens[:20]:  # warm: statement caches, connections, imports
        client.post(path, json={"choice": "yes"}, headers={"Authorization": f"Bearer {token}"})
    profiler = cProfile.Profile()
    t0 = time.perf_counter()
    profiler.enable()
    for token in tokens[20:]:
        assert client.post(path, json={"choice": "no"}, headers={"Authorization": f"Bearer {token}"}).status_code == 201
    profiler.disable()
    print(f"{len(tokens) - 20} casts one at a time, profiled: {(time.perf_counter() - t0) / (len(tokens) - 20) * 1000:.2f}"
          " ms each (profiler overhead included)")
    stats = pstats.Stats(profiler)
    by_package: dict[str, float] = {}
    for (filename, _, _), (_, _, own, _, _) in stats.stats.items():
        package = filename.split("site-packages/")[-1].split("/")[0] if "site-packages" in filename else (
            "openbargain" if "/openbargain/" in filename else "python")
        by_package[package] = by_package.get(package, 0) + own
    print("own time by package:", ", ".join(f"{k} {v:.2f} s" for k, v in sorted(by_package.items(),
                                                                                key=lambda kv: -kv[1])[:12]))
    stats.sort_stats("tottime").print_stats(30)
    stats.sort_stats("cumulative").print_stats(40)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=5000)
    parser.add_argument("--clients", type=int, default=64)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker")
    parser.add_argument("--worker-connections", type=int, default=16,
                        help="keep-alive connections a worker may hold (README: Deployment)")
    parser.add_argument("--profile", action="store_true",
                        help="instead of the load test, profile casts one at a time in this process")
    args = parser.parse_args()

    database = f"ob_bench_cast_{os.getpid()}"
    psql(f"CREATE DATABASE {database}")
    url = f"{SERVER}/{database}"
    instance = tempfile.mkdtemp(prefix="ob-bench-cast-")
    env = dict(os.environ, DATABASE_URL=url, SECRET_KEY=secrets.token_hex(32), BALLOT_KEYS=secrets.token_hex(32),
               OPENBARGAIN_INSTANCE_PATH=instance, OPENBARGAIN_CONFIG="production", PREFERRED_URL_SCHEME="http")
    os.environ.update({k: env[k] for k in ("DATABASE_URL", "SECRET_KEY", "BALLOT_KEYS", "OPENBARGAIN_INSTANCE_PATH")})
    server = None
    try:
        slug, vote, tokens = seed(url, args.members)
        if args.profile:
            profile_casts(slug, vote, tokens)
            return 0
        port = free_port()
        server = subprocess.Popen(
            [str(ROOT / ".venv/bin/gunicorn"), "-w", str(args.workers), "-k", "gthread", "--threads",
             str(args.threads), "--worker-connections", str(args.worker_connections), "-b", f"127.0.0.1:{port}", "--log-level", "warning", "wsgi:app"],
            cwd=ROOT, env=env)
        for _ in range(200):
            try:
                http.client.HTTPConnection("127.0.0.1", port, timeout=1).request("GET", "/healthz")
                break
            except OSError:
                time.sleep(0.1)
        time.sleep(2)  # every worker booted: their CPU is counted from here
        processes = 4
        share = [tokens[i::processes] for i in range(processes)]
        out: Queue = Queue()
        pids = children(server.pid)
        db0 = {pid: cpu_seconds([pid]) for pid in postgres_pids()}
        cpu0, clients0 = cpu_seconds(pids), children_cpu()
        t0 = time.perf_counter()
        clients = [Process(target=client, args=(port, slug, vote, part, out, args.clients // processes))
                   for part in share]
        for c in clients:
            c.start()
        gathered = [out.get() for _ in clients]
        for c in clients:
            c.join()
        wall = time.perf_counter() - t0
        cpu = cpu_seconds(pids) - cpu0
        # Backends that started during the run count whole; those that ended during it are missed.
        db_cpu = sum(cpu_seconds([pid]) - db0.get(pid, 0) for pid in postgres_pids())
        clients_cpu = children_cpu() - clients0
        latencies = sorted(x for lat, _ in gathered for x in lat)
        statuses: dict[int, int] = {}
        for _, st in gathered:
            for code, n in st.items():
                statuses[code] = statuses.get(code, 0) + n
        cast = statuses.get(201, 0)

        from sqlalchemy import create_engine, text
        engine = create_engine(url)
        with engine.connect() as connection:
            ballots = connection.execute(text("SELECT count(*) FROM sealed_ballots WHERE referendum_id = :v"),
                                         {"v": vote}).scalar()
            marked = connection.execute(text("SELECT count(*) FROM voter_roll_entries WHERE referendum_id = :v "
                                             "AND voted_on IS NOT NULL"), {"v": vote}).scalar()
        engine.dispose()
        tps = pgbench(database, args.clients, 10)

        def pct(p: float) -> float:
            return latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000

        rate = cast / wall
        print(f"casting through the API: {args.members:,} members, {args.clients} clients, gunicorn "
              f"{args.workers}×{args.threads} threads (at most {args.worker_connections} connections a worker), "
              "PostgreSQL")
        print(f"  casts/s            {rate:8.0f}   (target ≥ 500)")
        print(f"  latency p50/p95/p99 {pct(.50):6.0f} / {pct(.95):.0f} / {pct(.99):.0f} ms   (target p99 ≤ 250 ms)")
        print(f"  mean latency       {statistics.mean(latencies) * 1000:8.0f} ms")
        print(f"  app CPU per cast   {cpu / max(cast, 1) * 1000:8.1f} ms   (PostgreSQL {db_cpu / max(cast, 1) * 1000:.1f} ms, "
              f"the clients {clients_cpu / max(cast, 1) * 1000:.1f} ms; {cpu + db_cpu + clients_cpu:.1f} s of CPU in "
              f"{wall:.1f} s on {os.cpu_count()} cores)")
        print(f"  pgbench (1 insert + 1 update, {args.clients} clients) {tps:,.0f} tps; casts/pgbench = "
              f"{rate / tps:.3f}   (target ≥ 0.12)")
        print(f"  responses {dict(sorted(statuses.items()))}; ballots stored {ballots}, roll entries marked {marked}")
        lost, doubled = cast - ballots if ballots < cast else 0, ballots - args.members if ballots > args.members else 0
        fivexx = sum(n for code, n in statuses.items() if code >= 500)
        ok = ballots == marked == cast == args.members and not fivexx
        print(f"  lost {lost}, doubled {doubled}, 5xx {fivexx}: {'OK' if ok else 'WRONG'}")
        return 0 if ok else 1
    finally:
        if server is not None:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
        psql(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")
        shutil.rmtree(instance, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
