# The README's commands. PYTHON must be the interpreter that imports Odoo 18.0.
PYTHON ?= python3
TIERS ?= lint,pure,odoo
ADDONS ?=
DATABASE ?= ov_demo
PORT ?= 8069

export PYTHONPATH := $(CURDIR)/tools$(if $(PYTHONPATH),:$(PYTHONPATH))

.PHONY: test demo lint pure odoo

## make test: lint, pure and odoo tiers, stopping at the first failing one
test:
	$(PYTHON) -m ovdev test --tiers $(TIERS) --addons "$(ADDONS)"

## make demo: create/update $(DATABASE) with every addon and demo data, serve on $(PORT)
demo:
	$(PYTHON) -m ovdev demo --database $(DATABASE) --port $(PORT)

lint:
	$(MAKE) test TIERS=lint

pure:
	$(MAKE) test TIERS=pure

odoo:
	$(MAKE) test TIERS=odoo
