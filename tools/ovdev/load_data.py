"""The data and credentials of ``make load``, made inside Odoo (see load.py).

The benchmark's own rows (``bench_fill.fill_targets`` / ``fill_governance``),
committed, and a governance manager with an API key and a password: the
integrator's service account the clients call as. Writes them and the
samples the clients draw from as JSON to ``--output``.
"""

import argparse
import json
import random

import odoo
from odoo import SUPERUSER_ID, api
from odoo.modules.registry import Registry
from odoo.tools import SQL

from . import bench_db, bench_fill

LOGIN = "ov_load"
CHECK_MANY_IDS = 100
SQL_SAMPLES = 500


def _service_account(env):
    """A governance manager (not the superuser: record rules apply to it)."""
    user = env["res.users"].create(
        {
            "name": "Load test integrator",
            "login": LOGIN,
            "password": LOGIN,
            "groups_id": [
                (6, 0, [env.ref("base.group_user").id]),
                (4, env.ref("ov_association_base.group_ov_manager").id),
            ],
        }
    )
    # An API key is created by its owner; sudo: the bench's key never expires.
    key = env["res.users.apikeys"].with_user(user).sudo()._generate(None, "make load", None)
    return user, key


def _statements(env, user, picked):
    """The SQL of *check* and *my ids* as the ORM builds it for ``user``
    (record rules included), per sample, and the stamp's equivalent."""
    Sa = env["ov.sa_test_target"].with_user(user)
    Target = env["ov.test.target"].with_user(user)

    def text(sql):
        return env.cr.mogrify(sql.code, sql.params).decode()

    statements = {"check": ([], []), "targets (my ids)": ([], [])}
    for actor_id, _sa, target in picked[:SQL_SAMPLES]:
        actor = env["ov.actor"].browse(actor_id)
        stamp = Target._search([("id", "=", target), ("stamp_actor_id", "=", actor_id)])
        statements["check"][0].append(text(Sa._ov_check_query(actor, target)))
        statements["check"][1].append(text(SQL("SELECT EXISTS (%s)", stamp.select())))
        mine = Sa._ov_governed_search(actor, None).select()
        statements["targets (my ids)"][0].append(text(mine))
        stamped = Target._search([("stamp_actor_id", "=", actor_id)]).select()
        statements["targets (my ids)"][1].append(text(stamped))
    return statements


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("--config", required=True)
    parser.add_argument("--database", required=True)
    parser.add_argument("--dsn", required=True)
    parser.add_argument("--size", type=int, required=True)
    parser.add_argument("--fraction", type=float, required=True)
    parser.add_argument("--samples", type=int, default=2000)
    parser.add_argument("--output", required=True)
    args = parser.parse_args(argv)
    odoo.tools.config.parse_config(["-c", args.config, "-d", args.database, "--log-level=warn"])
    registry = Registry(args.database)
    with registry.cursor() as cr:
        print(f"load: filling {args.size} targets", flush=True)
        bench_fill.fill_targets(cr, args.size)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        print(f"load: governing {args.fraction:.2%} of them", flush=True)
        counts = bench_fill.fill_governance(env, args.fraction)
        user, key = _service_account(env)
    bench_db.vacuum(
        args.dsn,
        ["ov_test_target", "ov_sa_test_target", "ov_actor_sa_test_target", "ov_sa_membership"],
    )
    with registry.cursor() as cr:
        picked = bench_fill.samples(cr, args.samples, seed=args.size)
        statements = _statements(api.Environment(cr, SUPERUSER_ID, {}), user.id, picked)
    rng = random.Random(args.size)
    samples = [
        {
            "actor_id": actor,
            "sa_id": sa,
            "target_id": target,
            # A page of a list: the sample's own target and random others.
            "target_ids": [
                target,
                *(rng.randint(1, args.size) for _i in range(CHECK_MANY_IDS - 1)),
            ],
        }
        for actor, sa, target in picked
    ]
    with open(args.output, "w", encoding="utf-8") as f:
        json.dump(
            {
                "login": LOGIN,
                "password": LOGIN,
                "key": key,
                "uid": user.id,
                "counts": counts,
                "samples": samples,
                "statements": statements,
            },
            f,
        )


if __name__ == "__main__":
    main()
