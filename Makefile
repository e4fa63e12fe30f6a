# The README's commands. PYTHON must be the interpreter that imports Odoo 18.0.
PYTHON ?= python3
TIERS ?= lint,pure,odoo
ADDONS ?=
DATABASE ?= ov_demo
PORT ?= 8069

TEMPLATE_PREFIX ?=
# make test takes DATABASE and PORT only when given (their defaults are the demo's).
TEST_OPTIONS = $(if $(filter command line environment,$(origin DATABASE)),--database $(DATABASE)) \
	$(if $(filter command line environment,$(origin PORT)),--port $(PORT)) \
	$(if $(TEMPLATE_PREFIX),--template-prefix $(TEMPLATE_PREFIX))

export PYTHONPATH := $(CURDIR)/tools$(if $(PYTHONPATH),:$(PYTHONPATH))

BENCH_SIZES ?= 100000,1000000
BENCH_FRACTIONS ?= 0.01,0.1
BENCH_GOVERNED ?= 0
BENCH_REPEATS ?= 1000
BENCH_CRON_ROWS ?= 100000
BENCH_MIGRATION_SIZES ?= 1000000
BENCH_REVIEW_ROWS ?= 100000
BENCH_SECTIONS ?= reads,explain,native,writes,handover,migration,review
BENCH_OUTPUT ?= bench-results
LOAD_SIZE ?= 1000000
LOAD_FRACTION ?= 0.01
LOAD_CLIENTS ?= 1,4,16
LOAD_SECONDS ?= 10
LOAD_WORKERS ?= 4
SOAK_SECONDS ?= 300
SOAK_WORKERS ?= 4
SOAK_EXAMPLES ?= 300
MUTANTS_TEMPLATE ?=
MUTANTS ?=

NAME ?=
MODEL ?=
DEPENDS ?=
# make pair passes POLICY, KINDS, EXCLUSIVE (empty allowed), READER_GROUP, MENU and OUT
# only when given: their defaults are ovdev.scaffold's.
pair_option = $(if $(filter command line environment,$(origin $(1))),--$(2) "$($(1))")
PAIR_OPTIONS = $(call pair_option,POLICY,policy) $(call pair_option,KINDS,kinds) \
	$(call pair_option,EXCLUSIVE,exclusive) $(call pair_option,READER_GROUP,reader-group) \
	$(call pair_option,MENU,menu) $(call pair_option,OUT,out) $(if $(REFRESH),--refresh)

.PHONY: test demo bench load soak replica-check mutants pair lint pure odoo

## make test: lint, pure and odoo tiers, stopping at the first failing one
## (DATABASE=, PORT= and TEMPLATE_PREFIX= apply to the odoo tier when given)
test:
	$(PYTHON) -m ovdev test --tiers $(TIERS) --addons "$(ADDONS)" $(TEST_OPTIONS)

## make demo: create/update $(DATABASE) with every addon and demo data, serve on $(PORT)
demo:
	$(PYTHON) -m ovdev demo --database $(DATABASE) --port $(PORT)

## make bench: association path vs legacy stamp; table on stdout, JSON in bench-results/
bench:
	$(PYTHON) -m ovdev bench --sizes $(BENCH_SIZES) --fractions $(BENCH_FRACTIONS) \
		--repeats $(BENCH_REPEATS) --cron-rows $(BENCH_CRON_ROWS) \
		--migration-sizes $(BENCH_MIGRATION_SIZES) --sections $(BENCH_SECTIONS) \
		--review-rows $(BENCH_REVIEW_ROWS) \
		--governed $(BENCH_GOVERNED) --output $(BENCH_OUTPUT)

## make load: Odoo with --workers on 127.0.0.1, N concurrent clients per workload, vs the stamp
load:
	$(PYTHON) -m ovdev load --size $(LOAD_SIZE) --fraction $(LOAD_FRACTION) \
		--clients $(LOAD_CLIENTS) --seconds $(LOAD_SECONDS) --workers $(LOAD_WORKERS) \
		--output bench-results

## make replica-check: governed reads served by a hot standby (db_replica_host); removed after
replica-check:
	$(PYTHON) -m ovdev replica-check

## make soak: model-based soak and concurrent soak, long; ends with ops/s, retries, violations, mismatches
soak:
	$(PYTHON) -m ovdev soak --seconds $(SOAK_SECONDS) --workers $(SOAK_WORKERS) \
		--examples $(SOAK_EXAMPLES)

## make mutants: plant each bug of tools/ovdev/mutants_list.py in a scratch copy, run its tests; caught/survived table
mutants:
	$(PYTHON) -m ovdev mutants --template "$(MUTANTS_TEMPLATE)" --only "$(MUTANTS)"

## make pair NAME=crm_lead MODEL=crm.lead DEPENDS=crm: write the pair addon ov_sa_$(NAME)
## (POLICY=dependent|optional|restricted KINDS=assignment,access EXCLUSIVE=assignment
##  READER_GROUP=<xmlid> MENU="My Leads" OUT=<folder, default the repository> REFRESH=1)
pair:
	$(PYTHON) -m ovdev pair --name "$(NAME)" --model "$(MODEL)" --depends "$(DEPENDS)" $(PAIR_OPTIONS)

lint:
	$(MAKE) test TIERS=lint

pure:
	$(MAKE) test TIERS=pure

odoo:
	$(MAKE) test TIERS=odoo
