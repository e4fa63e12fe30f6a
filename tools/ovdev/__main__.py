"""Command line: ``python3 -m ovdev test|demo|bench|load|replica-check|soak|mutants|pair``."""

import argparse
import os
import re
import sys

from .prepare import prepare
from .results import closing_line

TIERS = ("lint", "pure", "odoo")


def main(argv=None):
    parser = argparse.ArgumentParser(prog="ovdev")
    commands = parser.add_subparsers(dest="command", required=True)
    test = commands.add_parser("test", help="run the test tiers in order")
    test.add_argument(
        "--tiers",
        default=",".join(TIERS),
        help="comma-separated subset of lint,pure,odoo",
    )
    test.add_argument(
        "--addons",
        default="",
        help="comma-separated addons whose tests the odoo tier runs",
    )
    test.add_argument("--keep-db", action="store_true", help="keep the odoo tier database")
    test.add_argument(
        "--database", default="", help="the odoo tier's database (default: ovtest_<pid>)"
    )
    test.add_argument(
        "--port", type=int, default=0, help="HTTP port of the HTTP tests (default: Odoo's 8069)"
    )
    test.add_argument(
        "--template-prefix",
        default="",
        help="click-odoo-initdb cache prefix of the template databases (default: ovtest)",
    )
    demo = commands.add_parser("demo", help="create or update the demo database and serve it")
    demo.add_argument("--database", default="ov_demo")
    demo.add_argument("--port", type=int, default=8069)
    demo.add_argument("--no-serve", action="store_true", help="stop after install/update")
    bench = commands.add_parser("bench", help="association path vs legacy stamp, at scale")
    bench.add_argument("--sizes", default="100000,1000000", help="native rows, comma-separated")
    bench.add_argument("--fractions", default="0.01,0.1", help="governed fractions")
    bench.add_argument(
        "--governed",
        type=int,
        default=0,
        help="governed targets at every size instead of fractions (growth at a fixed reach)",
    )
    bench.add_argument("--repeats", type=int, default=1000, help="runs per workload")
    bench.add_argument("--cron-rows", type=int, default=100_000)
    bench.add_argument(
        "--migration-sizes", default="1000000", help="legacy rows of the migration section"
    )
    bench.add_argument(
        "--review-rows", type=int, default=100_000, help="live rows of the review section"
    )
    bench.add_argument(
        "--sections",
        default="reads,explain,native,writes,handover,migration,review",
        help="comma-separated sections to run",
    )
    bench.add_argument("--output", default="bench-results")
    load = commands.add_parser("load", help="governed reads under concurrent load, vs the stamp")
    load.add_argument("--size", type=int, default=1_000_000, help="native rows")
    load.add_argument("--fraction", type=float, default=0.01, help="governed fraction")
    load.add_argument("--clients", default="1,4,16", help="concurrent clients, comma-separated")
    load.add_argument("--seconds", type=float, default=10, help="duration of each run")
    load.add_argument("--workers", type=int, default=4, help="Odoo HTTP workers")
    load.add_argument("--output", default="bench-results")
    commands.add_parser(
        "replica-check", help="governed reads on a hot standby (db_replica_host), for real"
    )
    soak = commands.add_parser("soak", help="model-based and concurrent soak, long settings")
    soak.add_argument("--seconds", type=float, default=300, help="concurrent soak duration")
    soak.add_argument("--workers", type=int, default=4, help="concurrent workers")
    soak.add_argument("--examples", type=int, default=300, help="model-based examples")
    soak.add_argument("--steps", type=int, default=50, help="steps per model-based example")
    commands.add_parser(
        "mutants",
        add_help=False,
        help="plant each bug of mutants_list, run the tests that catch it",
    )
    commands.add_parser(
        "pair", add_help=False, help="write a pair addon ov_sa_<name> for a native model"
    )
    argv = sys.argv[1:] if argv is None else argv
    own_parser = {"mutants": _mutants, "pair": _pair}.get(argv[0] if argv else None)
    if own_parser:
        return own_parser(argv)
    args = parser.parse_args(argv)

    if args.command == "test":
        from . import tiers as tier_runner

        tiers = [t for t in args.tiers.split(",") if t]
        unknown = set(tiers) - set(TIERS)
        if unknown:
            parser.error(f"unknown tiers: {', '.join(sorted(unknown))}")
        # click-odoo-initdb's own rule for a cache prefix, said before any tier runs.
        if args.template_prefix and not re.fullmatch(
            r"[A-Za-z][A-Za-z0-9-]{0,7}", args.template_prefix
        ):
            parser.error(
                f"TEMPLATE_PREFIX {args.template_prefix!r}: a letter, then up to 7 letters, "
                "digits or dashes (click-odoo-initdb's cache prefix)"
            )
        # With OV_SKIP_ODOO_IF_MISSING=1 a missing Odoo skips the odoo tier (tiers.odoo).
        needs_odoo = "odoo" in tiers and os.environ.get("OV_SKIP_ODOO_IF_MISSING") != "1"
        stop = prepare(argv, ("test", "lint"), needs_odoo)
        if stop is not None:
            return stop
        results = tier_runner.run(
            tiers,
            [a for a in args.addons.split(",") if a],
            args.keep_db,
            database=args.database or None,
            http_port=args.port or None,
            template_prefix=args.template_prefix or None,
        )
        print(closing_line(results))
        return 0 if all(r.ok for r in results) and len(results) == len(tiers) else 1
    if args.command == "bench":
        from . import bench as bench_runner

        sizes = [int(size) for size in args.sizes.split(",") if size]
        if args.governed < 0 or any(args.governed > size for size in sizes):
            parser.error(f"--governed {args.governed}: must be between 0 and every size {sizes}")

        stop = prepare(argv, ("test",), needs_odoo=True)
        if stop is not None:
            return stop
        return bench_runner.run(
            args.sizes,
            args.fractions,
            args.repeats,
            args.cron_rows,
            args.output,
            migration_sizes=args.migration_sizes,
            review_rows=args.review_rows,
            sections=args.sections,
            governed=args.governed,
        )
    if args.command == "load":
        from . import load as load_runner

        stop = prepare(argv, ("test",), needs_odoo=True)
        if stop is not None:
            return stop
        return load_runner.run(
            args.size, args.fraction, args.clients, args.seconds, args.workers, args.output
        )
    if args.command == "replica-check":
        from . import replica

        stop = prepare(argv, ("test",), needs_odoo=True)
        if stop is not None:
            return stop
        return replica.run()
    if args.command == "soak":
        from . import soak as soak_runner

        stop = prepare(argv, ("test",), needs_odoo=True)
        if stop is not None:
            return stop
        return soak_runner.run(args.seconds, args.workers, args.examples, args.steps)
    from . import demo as demo_server

    stop = prepare(argv, ("test",), needs_odoo=True)
    if stop is not None:
        return stop
    return demo_server.run(args.database, args.port, serve=not args.no_serve)


def _pair(argv):
    """``pair`` parses its own arguments; those not given keep ``scaffold.run``'s defaults."""
    parser = argparse.ArgumentParser(prog="ovdev pair")
    parser.add_argument("--name", required=True, help="the pair's name: ov_sa_<name>")
    parser.add_argument("--model", required=True, help="the native model, e.g. crm.lead")
    parser.add_argument("--depends", default="", help="addons the model needs, comma-separated")
    for option in ("policy", "kinds", "exclusive", "reader-group", "menu", "out"):
        parser.add_argument(f"--{option}", default=None, help="see make pair (Makefile)")
    parser.add_argument("--refresh", action="store_true", help="rebuild the introspection db")
    args = parser.parse_args(argv[1:])
    from . import scaffold

    given = {
        key: value
        for key in ("policy", "kinds", "exclusive", "reader_group", "menu", "out")
        if (value := getattr(args, key)) is not None
    }
    return scaffold.run(
        args.name,
        args.model,
        args.depends,
        refresh=args.refresh,
        # A refusal (exit code 2) needs no Odoo; the introspection does.
        before_odoo=lambda: prepare(argv, ("test",), needs_odoo=True),
        **given,
    )


def _mutants(argv):
    """``mutants`` parses its own arguments (``mutants.parse_args``)."""
    from . import mutants

    if not {"--list", "-h", "--help"} & set(argv):
        stop = prepare(argv, ("test",), needs_odoo=True)
        if stop is not None:
            return stop
    return mutants.main(argv[1:])


if __name__ == "__main__":
    sys.exit(main())
