# The README's commands. PYTHON must be the interpreter that imports Odoo 18.0.
PYTHON ?= python3
TIERS ?= lint,pure,odoo
ADDONS ?=
DATABASE ?= ov_demo
PORT ?= 8069

export PYTHONPATH := $(CURDIR)/tools$(if $(PYTHONPATH),:$(PYTHONPATH))

BENCH_SIZES ?= 100000,1000000
BENCH_FRACTIONS ?= 0.01,0.1
BENCH_REPEATS ?= 1000
BENCH_CRON_ROWS ?= 100000
BENCH_MIGRATION_SIZES ?= 1000000
BENCH_SECTIONS ?= reads,explain,writes,handover,migration
SOAK_SECONDS ?= 300
SOAK_WORKERS ?= 4
SOAK_EXAMPLES ?= 300

.PHONY: test demo bench soak replica-check lint pure odoo

## make test: lint, pure and odoo tiers, stopping at the first failing one
test:
	$(PYTHON) -m ovdev test --tiers $(TIERS) --addons "$(ADDONS)"

## make demo: create/update $(DATABASE) with every addon and demo data, serve on $(PORT)
demo:
	$(PYTHON) -m ovdev demo --database $(DATABASE) --port $(PORT)

## make bench: association path vs legacy stamp; table on stdout, JSON in bench-results/
bench:
	$(PYTHON) -m ovdev bench --sizes $(BENCH_SIZES) --fractions $(BENCH_FRACTIONS) \
		--repeats $(BENCH_REPEATS) --cron-rows $(BENCH_CRON_ROWS) \
		--migration-sizes $(BENCH_MIGRATION_SIZES) --sections $(BENCH_SECTIONS) --output bench-results

## make replica-check: governed reads served by a hot standby (db_replica_host); removed after
replica-check:
	$(PYTHON) -m ovdev replica-check

## make soak: model-based soak and concurrent soak, long; ends with ops/s, retries, violations, mismatches
soak:
	$(PYTHON) -m ovdev soak --seconds $(SOAK_SECONDS) --workers $(SOAK_WORKERS) \
		--examples $(SOAK_EXAMPLES)

lint:
	$(MAKE) test TIERS=lint

pure:
	$(MAKE) test TIERS=pure

odoo:
	$(MAKE) test TIERS=odoo
