"""Developer commands of ov_association: the three-tier test run and the demo server.

Run as ``python3 -m ovdev <command>`` with ``tools/`` on ``PYTHONPATH`` (the
Makefile does this). Nothing here imports Odoo at module level, so the pure
tier can test it without Odoo.
"""
