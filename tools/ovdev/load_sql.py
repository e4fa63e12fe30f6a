"""``make load``, database part: the governed statements themselves under
concurrent connections (no Odoo process in the way).

The HTTP part measures what an integrator sees, Odoo's per-request cost
included. This part runs the SQL those requests issue, as built by the ORM
for the load's governance manager (record rules included), from N
connections at once, each on its own thread, beside the stamp's equivalent:
what the database does with the library's reads when many ask at once.
"""

import threading
import time

import psycopg2

from .load_client import latency_summary


def run(dsn, statements, clients, seconds):
    """Run ``statements`` (one per sample) from ``clients`` connections for
    ``seconds``; connection ``k`` takes samples ``k, k + clients, …``.

    Returns the summary and ``{sample index: rows}``.
    """
    latencies = [[] for _i in range(clients)]
    errors = []
    answers = {}
    ready = threading.Barrier(clients + 1)
    deadline = []

    def work(k):
        connection = psycopg2.connect(dsn)
        connection.autocommit = True
        try:
            with connection.cursor() as cursor:
                cursor.execute("SET default_transaction_read_only = on")
                ready.wait()
                index = k
                while time.monotonic() < deadline[0]:
                    sample = index % len(statements)
                    index += clients
                    start = time.perf_counter()
                    try:
                        cursor.execute(statements[sample])
                        rows = cursor.fetchall()
                    except psycopg2.Error as error:
                        errors.append(str(error).strip())
                        continue
                    latencies[k].append((time.perf_counter() - start) * 1000)
                    answers.setdefault(sample, sorted(rows))
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(k,)) for k in range(clients)]
    for thread in threads:
        thread.start()
    deadline.append(time.monotonic() + seconds)
    ready.wait()
    start = time.perf_counter()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - start
    summary = latency_summary([ms for per in latencies for ms in per], elapsed, len(errors))
    summary["error_examples"] = sorted(set(errors))[:3]
    return summary, answers
