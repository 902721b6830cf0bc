"""Pages under load: 100,000 volunteers and 10,000 needs, gunicorn with 2 workers.

Run: `make bench`, or `.venv/bin/python bench/web.py [--volunteers N] [--needs N]
[--seconds S] [--sqlite-only | --postgres-only]`. It builds the data set with
`flask demo-data` into a fresh SQLite file in a temporary folder (and, through
scripts/with-postgres, into a throwaway PostgreSQL cluster), starts gunicorn on a loopback
port, logs in as each role through the pages, then drives each page with as many
keep-alive connections as workers for a fixed time. It prints requests per second and
p50/p95/p99 per page, with the ratios to the baseline page (bench/app.py) and to a bare
Flask hello served the same way. Figures only: nothing here asserts on time.
"""

import argparse
import http.client
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
BIN = Path(PYTHON).parent
WORKERS = 2
DEMO_PASSWORD = "passerelle-demo"
SECRET = "bench only, never in production"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def environment(database_url: str, folder: str) -> dict:
    return {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": SECRET,
            "MAIL_DIR": folder, "PASSERELLE_ENV": "development",
            "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "platform")])}


def flask(env: dict, *args: str) -> None:
    done = subprocess.run([str(BIN / "flask"), "--app", "wsgi", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True)
    if done.returncode:
        sys.exit(f"flask {' '.join(args)} failed:\n{done.stdout}{done.stderr}")


def build(env: dict, volunteers: int, needs: int) -> dict:
    """Schema, directory, demo data; then the second factor for the staff demo accounts."""
    started = time.perf_counter()
    flask(env, "db", "upgrade")
    flask(env, "seed")
    flask(env, "demo-data", "--volunteers", str(volunteers), "--needs", str(needs))
    analyze(env)
    print(f"  data set built in {time.perf_counter() - started:.0f} s", flush=True)
    code = (
        "import sys, pyotp; from datetime import timedelta\n"
        "from passerelle import create_app\n"
        "from passerelle.accounts import services as accounts\n"
        "from passerelle.accounts.twofactor import services as two_factor\n"
        "from passerelle.core.time import utcnow\n"
        "app = create_app()\n"
        "with app.app_context():\n"
        "    for email in sys.argv[1:]:\n"
        "        user = accounts.user_by_email(email)\n"
        "        secret = two_factor.begin_enrolment(user).secret\n"
        "        earlier = utcnow() - timedelta(minutes=5)\n"
        "        two_factor.confirm_enrolment(user, pyotp.TOTP(secret).at(earlier), earlier)\n"
        "        print(email, secret)\n")
    out = subprocess.run([PYTHON, "-c", code, *STAFF_ACCOUNTS], cwd=ROOT, env=env, check=True,
                         capture_output=True, text=True).stdout
    return dict(line.split() for line in out.splitlines())


def analyze(env: dict) -> None:
    """The planner's statistics, as a deployment has them once PostgreSQL's autovacuum (or
    SQLite's ANALYZE, e.g. through PRAGMA optimize) has seen the data just loaded."""
    code = ("import os, sqlalchemy\n"
            "engine = sqlalchemy.create_engine(os.environ['DATABASE_URL'],"
            " isolation_level='AUTOCOMMIT')\n"
            "with engine.connect() as connection:\n"
            "    connection.exec_driver_sql("
            "'ANALYZE' if engine.dialect.name == 'sqlite' else 'VACUUM ANALYZE')\n")
    subprocess.run([PYTHON, "-c", code], cwd=ROOT, env=env, check=True)


STAFF_ACCOUNTS = ("staff@demo.passerelle.example", "coordinator@demo.passerelle.example",
                  "admin@demo.passerelle.example")


class Server:
    """gunicorn with 2 workers on a loopback port, stopped on exit."""

    def __init__(self, app: str, env: dict):
        self.port = free_port()
        self.process = subprocess.Popen(
            [str(BIN / "gunicorn"), "-w", str(WORKERS), "--no-control-socket",
             "-b", f"127.0.0.1:{self.port}", "--log-level", "warning", app],
            cwd=ROOT, env=env)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not start: {app}")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(30)


class Browser:
    """One person's cookies over one keep-alive connection; no redirect is followed."""

    def __init__(self, port: int):
        self.port, self.cookies = port, {}
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def request(self, method: str, path: str, form: dict | None = None):
        headers = {"Accept-Language": "fr"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        self.connection.request(method, path, body=body, headers=headers)
        response = self.connection.getresponse()
        data = response.read()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        return response.status, response.getheader("Location"), data

    def submit(self, path: str, fields: dict) -> str | None:
        status, _, page = self.request("GET", path)
        token = re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', page)
        status, location, _ = self.request("POST", path, {
            "csrf_token": token.group(1).decode() if token else "", **fields})
        if status != 302:
            raise RuntimeError(f"{path}: {status}")
        return location

    def log_in(self, email: str, password: str, secret: str | None = None) -> "Browser":
        location = self.submit("/account/login", {"email": email, "password": password})
        if secret:
            import pyotp

            path = location.split("://", 1)[-1]
            path = path[path.index("/"):] if "://" in location else location
            self.submit(path, {"code": pyotp.TOTP(secret).now()})
        return self


def drive(port: int, path: str, cookies: dict, seconds: float, limit: int = 5000) -> dict:
    """WORKERS threads, each on its own keep-alive connection, for `seconds` (or `limit`)."""
    times: list[float] = []
    errors: list[int] = []
    sizes: list[int] = []
    lock = threading.Lock()
    stop_at = time.perf_counter() + seconds

    def run():
        browser = Browser(port)
        browser.cookies = dict(cookies)
        browser.request("GET", path)  # warm this connection and the worker
        while time.perf_counter() < stop_at:
            started = time.perf_counter()
            status, _, body = browser.request("GET", path)
            elapsed = time.perf_counter() - started
            with lock:
                if len(times) >= limit:
                    return
                times.append(elapsed)
                sizes.append(len(body))
                if status != 200:
                    errors.append(status)

    began = time.perf_counter()
    threads = [threading.Thread(target=run) for _ in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - began
    times.sort()

    def pct(p):
        return times[min(len(times) - 1, int(p / 100 * len(times)))] * 1000

    return {"path": path, "n": len(times), "rps": len(times) / wall, "p50": pct(50),
            "p95": pct(95), "p99": pct(99), "errors": sorted(set(errors)),
            "kb": statistics.mean(sizes) / 1024 if sizes else 0}


def pages(port: int, secrets: dict) -> list[tuple[str, str, dict]]:
    """(who, path, cookies) for each page driven."""
    volunteer = Browser(port).log_in("volunteer-1-0@demo.passerelle.example", "demo-1").cookies
    staff_email, coordinator_email, admin_email = STAFF_ACCOUNTS
    staff = Browser(port).log_in(staff_email, DEMO_PASSWORD, secrets[staff_email]).cookies
    coordinator = Browser(port).log_in(coordinator_email, DEMO_PASSWORD,
                                       secrets[coordinator_email]).cookies
    # Caritas's events, as its staff sees them (the admin stands in: no Caritas demo account).
    admin = Browser(port).log_in(admin_email, DEMO_PASSWORD, secrets[admin_email])
    events = admin.request("GET", "/programmes/caritas-housing-cafes/events")[2]
    occurrence = re.search(rb'href="(/occurrences/\d+)"', events).group(1).decode()
    mine = Browser(port)
    mine.cookies = dict(volunteer)
    calendar = mine.request("GET", "/my/calendar")[2]
    feed = re.search(rb'(/calendar/[^"<\s]+\.ics)', calendar).group(1).decode()
    return [
        ("volunteer", "/bench/baseline", volunteer),
        ("anonymous", "/", {}),
        ("anonymous", "/organisations/", {}),
        ("anonymous", "/organisations/?place=Gent&within=25", {}),
        ("anonymous", "/help", {}),
        ("anonymous", "/help?place=Bruxelles&within=50", {}),
        ("anonymous", "/programmes/cire-sponsorship", {}),
        ("volunteer", "/profile/", volunteer),
        ("volunteer", "/applications/", volunteer),
        ("staff", "/organisations/cpas-thuin/needs", staff),
        ("staff", "/organisations/cpas-thuin/supported", staff),
        ("coordinator", "/coordination/", coordinator),
        ("coordinator", "/programmes/cire-sponsorship/applications", coordinator),
        ("volunteer", "/my/schedule", volunteer),
        ("volunteer", "/my/schedule?view=month", volunteer),
        ("volunteer", "/my/hours", volunteer),
        ("volunteer", occurrence, volunteer),
        ("anonymous", feed, {}),
        ("admin", "/programmes/caritas-housing-cafes/events", admin.cookies),
        ("admin", occurrence, admin.cookies),
        ("admin", f"{occurrence}/attendance", admin.cookies),
        ("admin", "/organisations/caritas-international/hours.csv", admin.cookies),
        ("admin", "/visits/programmes/apd-caricole-visits/summary", admin.cookies),
    ]


def bench(label: str, database_url: str, args) -> None:
    print(f"\n== {label} ==", flush=True)
    with tempfile.TemporaryDirectory() as folder:
        if database_url.startswith("sqlite"):
            database_url = f"sqlite:///{Path(folder) / 'bench.sqlite'}"
        env = environment(database_url, folder)
        secrets = build(env, args.volunteers, args.needs)
        hello = Server("bench.hello:app", env)
        try:
            hello_row = drive(hello.port, "/", {}, args.seconds)
        finally:
            hello.stop()
        server = Server("bench.app:create_bench_app()", env)
        try:
            rows = [(who, drive(server.port, path, cookies, args.seconds))
                    for who, path, cookies in pages(server.port, secrets)]
        finally:
            server.stop()
    report(label, hello_row, rows)


def report(label: str, hello: dict, rows: list) -> None:
    baseline = rows[0][1]
    print(f"{'who':<12}{'page':<46}{'req/s':>8}{'p50':>8}{'p95':>8}{'p99':>8}"
          f"{'KB':>7}{'×base':>7}{'×hello':>8}")
    for who, row in [("-", hello)] + rows:
        name = "hello (bare Flask)" if row is hello else row["path"]
        flag = f"  errors {row['errors']}" if row["errors"] else ""
        print(f"{who:<12}{name[:45]:<46}{row['rps']:>8.0f}{row['p50']:>8.1f}{row['p95']:>8.1f}"
              f"{row['p99']:>8.1f}{row['kb']:>7.0f}{row['p95'] / baseline['p95']:>7.1f}"
              f"{row['p95'] / hello['p95']:>8.1f}{flag}", flush=True)
    print(f"({label}; times in ms; ratios of p95; concurrency {WORKERS}, gunicorn -w {WORKERS})")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--volunteers", type=int, default=100_000)
    parser.add_argument("--needs", type=int, default=10_000)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--sqlite-only", action="store_true")
    parser.add_argument("--postgres-only", action="store_true")
    parser.add_argument("--from-environment", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.from_environment:  # inside scripts/with-postgres
        bench("PostgreSQL", os.environ["DATABASE_URL"], args)
        return
    if not args.postgres_only:
        bench("SQLite", "sqlite://", args)
    if not args.sqlite_only:
        subprocess.run([str(ROOT / "scripts" / "with-postgres"), PYTHON, __file__,
                        "--from-environment", "--volunteers", str(args.volunteers),
                        "--needs", str(args.needs), "--seconds", str(args.seconds)],
                       check=True, stdout=None)


if __name__ == "__main__":
    main()
