"""Matching at scale: 100,000 volunteers and 10,000 needs, on SQLite and on PostgreSQL.

Run: `make bench`, or `.venv/bin/python bench/matching.py [--volunteers N] [--needs N]
[--sample N] [--sqlite-only | --postgres-only] [--sqlite-file PATH]`. It builds the data
set as bench/web.py does (`flask db upgrade`, `seed`, `demo-data` into a fresh SQLite file
in a temporary folder, and through scripts/with-postgres into a throwaway PostgreSQL
cluster; `--sqlite-file` keeps or reuses the SQLite file instead), then measures in this
process, for `--sample` open needs drawn with a fixed seed:

- top 20: services.rank (which also counts the exclusions) and matching.top.best (the
  top 20 alone); the two rankings are compared, need by need; each call in a fresh
  session, as a request has, the need loaded before the clock starts;
- the exclusion counts alone: the programme's volunteers loaded and each checked against
  the rules, as services.rank does, without scoring;
- the exact batch of each programme with open needs: services.instance, then
  assignment.optimal and assignment.greedy on it (pairs considered, seconds, the peak
  memory the solver allocates, as tracemalloc sees it, and both totals);
- beside them, the floor: the trivial query of the baseline page (bench/app.py) and a bare
  Flask request through the test client;
- then, pure and without a database, the programmes' own matching at their target sizes
  (targets 2 s each): hosting trajectories for 1,000 guests x 5,000 hosts over a year
  (`trajectories.plan` beside first-come and the upper bound, in nights covered; the
  smaller exact cases are in bench/trajectories.py) and language duos among 5,000
  participants (`duos.best` then the matching; more in bench/duos.py).
  `--skip-programmes` leaves them out.

It prints one table per database. Figures only: nothing here asserts on time.
"""

import argparse
import gc
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "platform")]

from bench.web import analyze, environment, flask  # noqa: E402

PYTHON = sys.executable


def build(env: dict, volunteers: int, needs: int) -> None:
    started = time.perf_counter()
    flask(env, "db", "upgrade")
    flask(env, "seed")
    flask(env, "demo-data", "--volunteers", str(volunteers), "--needs", str(needs))
    analyze(env)
    print(f"  data set built in {time.perf_counter() - started:.0f} s", flush=True)


def timed(function, *args) -> tuple[float, object]:
    started = time.perf_counter()
    result = function(*args)
    return time.perf_counter() - started, result


def percentiles(seconds: list[float]) -> tuple[float, float]:
    ordered = sorted(seconds)
    return (statistics.median(ordered) * 1000,
            ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))] * 1000)


def exclusion_counts(need, today) -> Counter:
    """What the counts cost: every open applicant as the rules see them, checked."""
    from passerelle.matching import loading, rules

    facts = loading.need_facts(need, today)
    counts = Counter()
    for volunteer in loading.volunteers(need.programme, today).values():
        refusal = rules.check(volunteer, facts)
        counts[refusal.rule.value if refusal else "passed"] += 1
    return counts


def each_need(function, need_ids: list[int], today) -> tuple[list[float], list]:
    """`function(need, today)` for each need, timed; each call in a fresh session, as each
    request has its own, with the need and what need_facts reads loaded before the clock
    starts and the garbage of the previous call collected."""
    from passerelle.extensions import db
    from passerelle.needs.models import Need

    times, results = [], []
    for need_id in need_ids:
        db.session.remove()
        need = db.session.get(Need, need_id)
        need.programme, need.person  # noqa: B018
        gc.collect()
        seconds, result = timed(function, need, today)
        times.append(seconds)
        results.append(result)
    db.session.remove()
    return times, results


def per_need(sample: int, today) -> tuple[list, int, dict]:
    """Rows (label, p50, p95, detail) for the per-need figures."""
    from sqlalchemy import select

    from passerelle.extensions import db
    from passerelle.matching import services, top
    from passerelle.needs.models import Need, NeedStatus

    ids = list(db.session.scalars(select(Need.id).where(
        Need.status == NeedStatus.open, Need.programme_id.is_not(None)).order_by(Need.id)))
    chosen = random.Random(0).sample(ids, min(sample, len(ids)))
    each_need(top.best, chosen[:10], today)  # warm: compiled statements, the page cache

    def ranking_of(result):
        return [(r.volunteer.id, r.score.total) for r in result.top], result.eligible

    rank_s, full = each_need(lambda need, today: ranking_of(services.rank(need, today)),
                             chosen, today)
    best_s, fast = each_need(lambda need, today: ranking_of(top.best(need, today)),
                             chosen, today)
    counts_s, counts = each_need(exclusion_counts, chosen, today)
    same = sum(1 for a, b in zip(full, fast, strict=True) if a == b)
    excluded = Counter()
    for found in counts:
        excluded.update({rule: count for rule, count in found.items() if rule != "passed"})
    eligible = sorted(found["passed"] for found in counts)
    detail = (f"candidates per need: min {eligible[0]}, median {eligible[len(eligible) // 2]}, "
              f"p90 {eligible[int(0.9 * len(eligible))]}, max {eligible[-1]}, "
              f"none for {sum(1 for n in eligible if n == 0)}")
    rows = [("top 20 + counts: services.rank", *percentiles(rank_s), ""),
            ("top 20: matching.top.best", *percentiles(best_s),
             f"same top 20 as rank: {same}/{len(chosen)}"),
            ("exclusion counts alone", *percentiles(counts_s),
             ", ".join(f"{rule} {count}" for rule, count in excluded.most_common()))]
    return rows, len(chosen), {"detail": detail}


def batches(today) -> list[tuple]:
    """(programme, needs, volunteers, pairs, considered, instance s, optimal s, peak MB,
    optimal total, greedy total) for each programme with open needs."""
    from sqlalchemy import func, select

    from passerelle.extensions import db
    from passerelle.matching import assignment, services
    from passerelle.needs.models import Need, NeedStatus
    from passerelle.organisations.models import Programme

    found = []
    programmes = db.session.execute(
        select(Programme, func.count(Need.id)).join(Need, Need.programme_id == Programme.id)
        .where(Need.status == NeedStatus.open).group_by(Programme.id)
        .order_by(Programme.id)).all()
    for programme, needs in programmes:
        instance_s, problem = timed(services.instance, programme, today)
        optimal_s, best = timed(assignment.optimal, problem.capacities, problem.places,
                                problem.edges)
        greedy = assignment.greedy(problem.capacities, problem.places, problem.edges)
        tracemalloc.start()
        assignment.optimal(problem.capacities, problem.places, problem.edges)
        peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
        found.append((programme.slug, needs, len(problem.capacities), len(problem.edges),
                      best.considered, instance_s, optimal_s, peak, best.total, greedy.total))
    return found


def floor(app, repeat: int = 200) -> list:
    from bench.hello import app as hello
    from sqlalchemy import func, select

    from passerelle.extensions import db
    from passerelle.organisations.models import Organisation

    query = []
    for _ in range(10):  # warm
        db.session.scalar(select(func.count()).select_from(Organisation))
    gc.collect()
    for _ in range(repeat):
        seconds, _count = timed(db.session.scalar,
                                select(func.count()).select_from(Organisation))
        query.append(seconds)
    client = hello.test_client()
    bare = []
    for _ in range(repeat):
        seconds, _response = timed(client.get, "/")
        bare.append(seconds)
    return [("baseline: the trivial query", *percentiles(query), ""),
            ("baseline: bare Flask request", *percentiles(bare), "test client, no server")]


def measure(label: str, database_url: str, args) -> None:
    from passerelle import create_app
    from passerelle.core.time import day_in_brussels, utcnow

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "bench only",
                      "MAIL_DIR": tempfile.gettempdir()})
    with app.app_context():
        today = day_in_brussels(utcnow())
        base = floor(app)
        rows, sampled, extra = per_need(args.sample, today)
        found = batches(today)
    report(label, base, rows, sampled, extra, found)


def report(label: str, base: list, rows: list, sampled: int, extra: dict, found: list) -> None:
    print(f"\n{'per need (' + str(sampled) + ' needs)':<36}{'p50 ms':>9}{'p95 ms':>9}"
          f"{'×query':>8}")
    query_p95 = base[0][2]
    for name, p50, p95, detail in base + rows:
        print(f"{name:<36}{p50:>9.2f}{p95:>9.2f}{p95 / query_p95:>8.0f}  {detail}")
    print(f"  {extra['detail']}")
    print(f"\n{'exact batch':<30}{'needs':>6}{'vols':>7}{'pairs':>8}{'in graph':>9}"
          f"{'inst s':>8}{'opt s':>7}{'MB':>6}{'optimal':>9}{'greedy':>9}{'gain':>7}")
    for slug, needs, volunteers, pairs, considered, inst, opt, peak, total, greedy in found:
        gain = f"{(total - greedy) / greedy * 100:+.1f}%" if greedy else "-"
        print(f"{slug[:29]:<30}{needs:>6}{volunteers:>7}{pairs:>8}{considered:>9}{inst:>8.2f}"
              f"{opt:>7.2f}{peak:>6.1f}{total:>9}{greedy:>9}{gain:>7}")
    print(f"({label}; MB: peak allocated while assignment.optimal runs, tracemalloc)",
          flush=True)


def bench(label: str, database_url: str, args) -> None:
    print(f"\n== {label} ==", flush=True)
    with tempfile.TemporaryDirectory() as folder:
        if database_url.startswith("sqlite"):
            path = Path(args.sqlite_file) if args.sqlite_file else Path(folder) / "bench.sqlite"
            database_url = f"sqlite:///{path.resolve()}"
            if not path.exists():
                build(environment(database_url, folder), args.volunteers, args.needs)
            else:
                print(f"  reusing {path}", flush=True)
        else:
            build(environment(database_url, folder), args.volunteers, args.needs)
        measure(label, database_url, args)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--volunteers", type=int, default=100_000)
    parser.add_argument("--needs", type=int, default=10_000)
    parser.add_argument("--sample", type=int, default=200)
    parser.add_argument("--sqlite-file", help="build into this file once, reuse it after")
    parser.add_argument("--sqlite-only", action="store_true")
    parser.add_argument("--postgres-only", action="store_true")
    parser.add_argument("--skip-programmes", action="store_true")
    parser.add_argument("--programmes-only", action="store_true")
    parser.add_argument("--from-environment", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.from_environment:  # inside scripts/with-postgres
        bench("PostgreSQL", os.environ["DATABASE_URL"], args)
        return
    if not args.postgres_only and not args.programmes_only:
        bench("SQLite", "sqlite://", args)
    if not args.sqlite_only and not args.programmes_only:
        subprocess.run([str(ROOT / "scripts" / "with-postgres"), PYTHON, __file__,
                        "--from-environment", "--volunteers", str(args.volunteers),
                        "--needs", str(args.needs), "--sample", str(args.sample)],
                       check=True, stdout=None)
    if not args.skip_programmes:
        programmes()


def programmes() -> None:
    """Hosting trajectories and language duos at their target sizes, pure."""
    from bench import duos as duo_bench
    from bench import trajectories as trajectory_bench

    from passerelle.matching import trajectories

    print("\nProgrammes (pure, no database)")
    data = trajectory_bench.instance(1000, 5000, 15, seed=1)
    needed = sum((g.last_night - g.first_night).days + 1 for g in data[0])
    cap = trajectory_bench.MAX_NIGHTS
    for name, call in (("plan", lambda: trajectories.plan(*data, cap)),
                       ("first-come", lambda: trajectories.first_come(*data, cap))):
        found, seconds = duo_bench.timed(call)
        print(f"  trajectories 1,000 x 5,000: {name:<10} {seconds:5.2f} s, "
              f"{needed - found.uncovered:,} of {needed:,} nights, {found.moves:,} moves")
    bound, seconds = duo_bench.timed(lambda: trajectories.upper_bound(*data))
    print(f"  trajectories 1,000 x 5,000: {'bound':<10} {seconds:5.2f} s, {bound:,} nights")
    people = duo_bench.population(5000, seed=1)
    found, t_best, t_match, _t_reasons, pairs, _ = duo_bench.pipeline(people, None, False)
    print(f"  language duos 5,000: {t_best + t_match:5.2f} s ({t_best:.2f} s best, "
          f"{t_match:.2f} s matching), {len(found.edges):,} duos kept, {len(pairs):,} proposed")


if __name__ == "__main__":
    main()
