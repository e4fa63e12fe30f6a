"""The set-based SQL of a migration plan, one concern per module.

Every statement is built with ``odoo.tools.SQL`` from a ``Shape``: the plan's
settings resolved to tables, columns and literals once (see ``shape.py``).
"""
