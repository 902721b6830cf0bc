"""Only the entry points read the clock: views, CLI commands, jobs and the dispatcher.
Services and rules take the time as an argument, so that tests (and a job run for a
given day) decide what "now" is."""

import re
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "platform" / "passerelle"
READS = re.compile(r"\b(utcnow|today_in_brussels)\(\)|\bdate\.today\(\)|\bdatetime\.now\(")

# Entry points, and the few places where the clock is what is meant.
ALLOWED = {
    "core/time.py",  # where utcnow is defined
    "reminders/running.py",  # the dispatcher process
    "reminders/transport.py",  # a mail's Date header says when it left
    "reminders/outbox.py",  # a message due "at once" is due when written
    "accounts/twofactor/gate.py",  # a view decorator
    "volunteers/forms.py",  # a birth date cannot be in the future (a field's bound)
}


def test_only_entry_points_read_the_clock():
    readers = []
    for module in PACKAGE.rglob("*.py"):
        name = module.relative_to(PACKAGE).as_posix()
        if module.name in ("views.py", "cli.py", "jobs.py") or name in ALLOWED:
            continue
        for number, line in enumerate(module.read_text().splitlines(), 1):
            if READS.search(line):
                readers.append(f"{name}:{number}: {line.strip()}")
    assert readers == []


# --- signups ---
ALLOWED.add("scheduling/signup_views.py")  # the sign-up pages: views under another name
