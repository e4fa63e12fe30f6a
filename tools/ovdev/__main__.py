"""Command line: ``python3 -m ovdev test|demo``."""

import argparse
import sys

from . import tooling
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
    demo = commands.add_parser("demo", help="create or update the demo database and serve it")
    demo.add_argument("--database", default="ov_demo")
    demo.add_argument("--port", type=int, default=8069)
    demo.add_argument("--no-serve", action="store_true", help="stop after install/update")
    args = parser.parse_args(argv)

    if args.command == "test":
        from . import tiers as tier_runner

        tiers = [t for t in args.tiers.split(",") if t]
        unknown = set(tiers) - set(TIERS)
        if unknown:
            parser.error(f"unknown tiers: {', '.join(sorted(unknown))}")
        tooling.ensure("test", "lint")
        results = tier_runner.run(tiers, [a for a in args.addons.split(",") if a], args.keep_db)
        print(closing_line(results))
        return 0 if all(r.ok for r in results) and len(results) == len(tiers) else 1
    from . import demo as demo_server

    tooling.ensure("test")
    return demo_server.run(args.database, args.port, serve=not args.no_serve)


if __name__ == "__main__":
    sys.exit(main())
