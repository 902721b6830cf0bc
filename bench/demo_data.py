"""Time `demo-data` at scale: 100,000 volunteers and 5,000 needs into a fresh SQLite file.

Run: `make bench` (or .venv/bin/python bench/demo_data.py [volunteers] [needs]).
Prints the figures; never asserts on time.
"""

import sys
import tempfile
import time
from pathlib import Path

import flask_migrate

from passerelle import create_app
from passerelle.core.time import utcnow
from passerelle.organisations.seed import load_directory, read_directory
from passerelle.volunteers.demo import load_demo

NOW = utcnow()  # the demo's dates are around the real today, as `flask demo-data` does


def main(volunteers: int = 100_000, needs: int = 5_000) -> None:
    with tempfile.TemporaryDirectory() as folder:
        app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{Path(folder) / 'bench.sqlite'}",
                          "MAIL_DIR": folder, "SECRET_KEY": "bench only"})
        with app.app_context():
            flask_migrate.upgrade()
            load_directory(read_directory())
            started = time.perf_counter()
            load_demo(volunteers, needs, seed=1, now=NOW)
            elapsed = time.perf_counter() - started
    print(f"demo-data: {volunteers} volunteers + {needs} needs in {elapsed:.1f} s "
          f"({volunteers / elapsed:,.0f} volunteers/s)")


if __name__ == "__main__":
    main(*(int(arg) for arg in sys.argv[1:3]))
