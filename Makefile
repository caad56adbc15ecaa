# Edge HA Operator. `make help` lists the targets.
SHELL := /bin/bash
DOTNET ?= dotnet
CONFIG ?= Release

.DEFAULT_GOAL := help

.PHONY: help
help: ## Show this help.
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z0-9_-]+:.*## / {printf "  \033[36m%-16s\033[0m %s\n", $$1, $$2}' $(MAKEFILE_LIST)

.PHONY: build
build: ## Build every project.
	$(DOTNET) build EdgeHaOperator.sln -c $(CONFIG) --nologo

.PHONY: test
test: ## Run every test project and print "N passed, N failed".
	scripts/test.sh

.PHONY: format
format: ## Apply the code style.
	$(DOTNET) format EdgeHaOperator.sln

.PHONY: format-check
format-check: ## Fail when the code style is not applied.
	$(DOTNET) format EdgeHaOperator.sln --verify-no-changes

.PHONY: clean
clean: ## Remove build output.
	rm -rf src/*/bin src/*/obj tests/*/bin tests/*/obj TestResults artifacts
