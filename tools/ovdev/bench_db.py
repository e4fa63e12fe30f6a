"""What every section of the bench run inside Odoo shares: its progress line
on stdout, a plain client connection outside any transaction block (for the
raw SQL timings and for VACUUM), and VACUUM ANALYZE once rows are written.
"""

import contextlib

import psycopg2


def log(message):
    print(f"bench: {message}", flush=True)


@contextlib.contextmanager
def autocommit(dsn):
    """A plain client connection outside any transaction block."""
    conn = psycopg2.connect(dsn)
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            yield cur
    finally:
        conn.close()


def vacuum(dsn, tables):
    """VACUUM ANALYZE (visibility map for index-only scans, fresh statistics)."""
    with autocommit(dsn) as cur:
        for table in tables:
            cur.execute(f"VACUUM ANALYZE {table}")
