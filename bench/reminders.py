"""The dispatcher under load: 10,000 due messages to a local SMTP server, one pass.

Run: `make bench`, or `.venv/bin/python bench/reminders.py [--messages N] [--batch N]
[--sqlite-only | --postgres-only]`. It makes the schema with `flask db upgrade` in a fresh
SQLite file in a temporary folder (and, through scripts/with-postgres, in a throwaway
PostgreSQL cluster), writes N due messages (the text of a real confirmation mail, each
to its own address), starts an aiosmtpd server in its own process, then times one
dispatcher pass (`send_due`, as `flask reminders send-due` runs it) and prints messages
per second and total seconds. Target: 10,000 in 30 s or less. Figures only.
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
BIN = Path(PYTHON).parent
SECRET = "bench only, never in production"
TARGET_SECONDS = 30

# The mail server: counts what it accepts, prints its port, and the count on stdin's end.
SERVER = """
import socket, sys
from aiosmtpd.controller import Controller
class Count:
    received = 0
    async def handle_DATA(self, server, session, envelope):
        Count.received += 1
        return "250 OK"
with socket.socket() as probe:
    probe.bind(("127.0.0.1", 0)); port = probe.getsockname()[1]
controller = Controller(Count(), hostname="127.0.0.1", port=port)
controller.start()
print(port, flush=True)
sys.stdin.read()
controller.stop()
import resource
print(Count.received, resource.getrusage(resource.RUSAGE_SELF).ru_utime
      + resource.getrusage(resource.RUSAGE_SELF).ru_stime, flush=True)
"""


def environment(database_url: str, folder: str) -> dict:
    return {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": SECRET,
            "MAIL_DIR": str(Path(folder) / "mail"), "PASSERELLE_ENV": "development",
            "REMINDERS_LOCK_FILE": str(Path(folder) / "dispatcher.lock"),
            "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "platform")])}


def upgrade(env: dict) -> None:
    done = subprocess.run([str(BIN / "flask"), "--app", "wsgi", "db", "upgrade"], cwd=ROOT,
                          env=env, capture_output=True, text=True)
    if done.returncode:
        sys.exit(f"flask db upgrade failed:\n{done.stdout}{done.stderr}")


def write_messages(count: int) -> None:
    """One real mail rendered by the outbox, then `count` copies with their own keys."""
    from sqlalchemy import insert

    from passerelle.accounts.models import User
    from passerelle.core.time import utcnow
    from passerelle.extensions import db
    from passerelle.reminders import outbox
    from passerelle.reminders.models import OutboxMessage, Status

    user = User(email="model@bench.example", name="Lotte Maes", locale="fr", password_hash="x")
    db.session.add(user)
    db.session.flush()
    model = outbox.write("account-confirm", user, "Confirmez votre adresse",
                         "accounts/mail/confirm.txt", about=f"user-{user.id}",
                         occurrence="model", link="http://127.0.0.1:5000/account/confirm/x")
    db.session.flush()
    now = utcnow()
    rows = [{"key": f"bench.{n}", "kind": model.kind, "topic": f"bench-{n}",
             "to_address": f"person{n}@bench.example", "locale": "fr",
             "subject": model.subject, "body_text": model.body_text,
             "body_html": model.body_html, "due_at": now, "status": Status.PENDING,
             "attempts": 0} for n in range(count)]
    db.session.delete(model)
    for start in range(0, count, 1000):
        db.session.execute(insert(OutboxMessage), rows[start:start + 1000])
    db.session.commit()


def bench(label: str, database_url: str, args) -> None:
    print(f"\n== {label}: {args.messages} messages, batch {args.batch} ==", flush=True)
    with tempfile.TemporaryDirectory() as folder:
        if database_url.startswith("sqlite"):
            database_url = f"sqlite:///{Path(folder) / 'bench.sqlite'}"
        env = environment(database_url, folder)
        upgrade(env)
        os.environ.update(env)
        sys.path[:0] = [str(ROOT), str(ROOT / "platform")]
        from passerelle import create_app
        from passerelle.core.time import utcnow
        from passerelle.extensions import db
        from passerelle.reminders.dispatcher import counts, send_due

        smtp = subprocess.Popen([PYTHON, "-c", SERVER], stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, text=True)
        try:
            port = int(smtp.stdout.readline())
            app = create_app({"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": port,
                              "REMINDERS_BATCH": args.batch})
            with app.app_context():
                started = time.perf_counter()
                write_messages(args.messages)
                written = time.perf_counter() - started
                started, cpu = time.perf_counter(), time.process_time()
                done = send_due(utcnow())
                seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
                found = counts()
                db.session.remove()
                db.engine.dispose()
        finally:
            received, server_cpu = smtp.communicate("", timeout=60)[0].split()[-2:]
    rate = done.sent / seconds if seconds else 0
    verdict = "within" if seconds <= TARGET_SECONDS * args.messages / 10_000 else "OVER"
    print(f"written in {written:.1f} s; one pass: {done.sent} sent, {done.retried} to retry, "
          f"{done.failed} failed in {seconds:.1f} s = {rate:.0f} messages/s "
          f"({verdict} the target of {TARGET_SECONDS} s for 10,000)", flush=True)
    print(f"the dispatcher's own CPU time: {cpu:.1f} s; the server received {received} "
          f"(its CPU time: {float(server_cpu):.1f} s); "
          f"the outbox says {found['sent']} sent, {found['pending'] + found['sending']} left; "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--batch", type=int, default=100)
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
                        "--from-environment", "--messages", str(args.messages),
                        "--batch", str(args.batch)], check=True)


if __name__ == "__main__":
    main()
