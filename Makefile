.PHONY: setup start test quick lint bench model

setup:
	RECORDROOM_SETUP_EXTRAS=dev bash bin/setup

start:
	bash bin/start

test:
	bash bin/test

quick: setup
	.venv/bin/pytest -m "not slow"

lint: setup
	.venv/bin/ruff check . && .venv/bin/ruff format --check . && .venv/bin/mypy . && .venv/bin/lint-imports --no-cache

bench: setup
	.venv/bin/python -m bench.ocr
	.venv/bin/python -m bench.classify
	.venv/bin/python -m bench.search
	.venv/bin/python -m bench.storage
	.venv/bin/python -m bench.dedupe
	.venv/bin/python -m bench.audit
	.venv/bin/python -m bench.scale

model: setup
	.venv/bin/python -m training.train
