# Edge HA Operator. `make help` lists the targets.
SHELL := /bin/bash
DOTNET ?= dotnet
CONFIG ?= Release

.DEFAULT_GOAL := help

.PHONY: help
help: ## Show this help.
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z0-9_-]+:.*## / {printf "  \033[36m%-16s\033[0m %s\n", $$1, $$2}' $(MAKEFILE_LIST)

##@ Demo
.PHONY: demo
demo: ## The whole story on the sandbox (no cluster): hot then cold standby, node crash, failover, fail-back; timeline and results (MODE=hot|cold|both).
	scripts/demo.sh run --mode $(or $(MODE),both)

.PHONY: demo-up
demo-up: ## Leave the sandbox running with the hot pair; prints the KUBECONFIG line and the node crash/restore commands.
	scripts/demo.sh up

.PHONY: demo-down
demo-down: ## Stop the sandbox started by demo-up.
	scripts/demo.sh down

##@ Development
.PHONY: build
build: ## Build every project.
	$(DOTNET) build EdgeHaOperator.sln -c $(CONFIG) --nologo

.PHONY: test
test: ## Run every test project and the manifest checks; print "N passed, N failed".
	scripts/test.sh

.PHONY: manifests
manifests: ## Generate crds/edgeha.io_redundantpairs.yaml (and its chart and kustomize copies) and the API field reference from the C# types.
	$(DOTNET) run --project src/EdgeHa.Api.CrdGen -- crds/ --docs docs/EdgeHa.Api.md
	tests/manifests/sync-crds.sh

##@ Sandbox
.PHONY: sandbox
sandbox: ## Run the sandbox API server (kubeconfig in .sandbox/kubeconfig) until Ctrl-C.
	$(DOTNET) run --project src/EdgeHa.Sandbox -c $(CONFIG) -- apiserver --port 0 --kubeconfig .sandbox/kubeconfig

.PHONY: kubectl-sandbox
kubectl-sandbox: ## Drive the real kubectl against the sandbox API server.
	tests/kubectl/kubectl-sandbox.sh

.PHONY: kubectl-plugin
kubectl-plugin: ## Install the kubectl edgeha plugin (launcher in ~/.local/bin, or BIN_DIR=...).
	scripts/install-kubectl-plugin.sh $(BIN_DIR)

##@ Benchmarks
.PHONY: bench
bench: ## Run every benchmark (Modbus, MQTT publishing, upgrade data gap, failover switch, operator at 10, 100, 300 and 1,000 pairs) and print one table (about 11 min on 2 cores).
	bench/run-all.sh

.PHONY: bench-failover
bench-failover: ## Failover switch latency and the operator at scale on the sandbox (about 4.5 min).
	bench/failover/run.sh

.PHONY: bench-keepalived
bench-keepalived: ## Keepalived (VRRP) baseline in network namespaces under crash, hang, partition and a one-way cut (about 4 min; root, keepalived, iptables).
	bench/keepalived/run.sh

.PHONY: bench-netns
bench-netns: ## Our pair in network namespaces under Keepalived's cuts and control-plane cuts, side by side with Keepalived (about 9 min; root, iptables; keepalived optional).
	bench/netns/run.sh

.PHONY: bench-mqtt
bench-mqtt: ## MQTT QoS 1 publishing throughput of the collector's sink vs mosquitto_pub, and the whole collector (about 40 s; needs mosquitto, mosquitto-clients).
	bench/mqtt/run.sh

.PHONY: bench-upgrade
bench-upgrade: ## The data gap of a rolling collector upgrade (hot and cold), measured by the demo at the VIP (about 2 min).
	bench/upgrade/run.sh

.PHONY: bench-modbus
bench-modbus: ## Modbus server/client vs libmodbus and pymodbus over loopback (about 75 s; needs gcc, libmodbus-dev).
	bench/modbus/run.sh

##@ Delivery
IMG_REGISTRY ?= docker.io
IMG_TAG ?= dev
VERSION ?= 0.1.0
CONTAINER_TOOL ?= docker
IMAGES := operator collector modbus-simulator

# BASE=local builds on the stand-ins scripts/base-images.sh makes (podman, no registry) and lets the SDK stage read
# the host's NuGet cache; the default builds on mcr.microsoft.com/dotnet/sdk:10.0 and aspnet:10.0.
BASE ?= mcr
NUGET_CACHE ?= $(or $(NUGET_PACKAGES),$(HOME)/.nuget/packages)
ifeq ($(BASE),local)
ifneq ($(notdir $(CONTAINER_TOOL)),podman)
$(error BASE=local needs CONTAINER_TOOL=podman: the local base images live in podman's storage)
endif
SDK_IMAGE ?= localhost/edgeha-base/dotnet-sdk:10.0
RUNTIME_IMAGE ?= localhost/edgeha-base/aspnet:10.0
BASE_BUILD_ARGS = --pull=never $(if $(wildcard $(NUGET_CACHE)),-v $(NUGET_CACHE):/nuget-fallback:ro)
endif
# Docker's BuildKit sets TARGETARCH itself; podman 4.3 leaves it empty, so it gets the host's.
ifeq ($(notdir $(CONTAINER_TOOL)),podman)
BASE_BUILD_ARGS += --build-arg TARGETARCH=$(patsubst x86_64,amd64,$(patsubst aarch64,arm64,$(shell uname -m)))
endif
BASE_BUILD_ARGS += $(if $(SDK_IMAGE),--build-arg SDK_IMAGE=$(SDK_IMAGE)) $(if $(RUNTIME_IMAGE),--build-arg RUNTIME_IMAGE=$(RUNTIME_IMAGE))

.PHONY: base-images
base-images: ## Make the local stand-ins for the .NET SDK and ASP.NET Core images with podman (root, debootstrap; no registry needed).
	scripts/base-images.sh

.PHONY: docker-build
docker-build: $(if $(filter local,$(BASE)),base-images) ## Build the operator, collector and simulator images as $(IMG_REGISTRY)/edgeha/<name>:$(IMG_TAG) (BASE=local CONTAINER_TOOL=podman: without a registry).
	@set -e; for name in $(IMAGES); do \
	  echo "== $(IMG_REGISTRY)/edgeha/$$name:$(IMG_TAG)"; \
	  $(CONTAINER_TOOL) build -f deploy/docker/$$name.Dockerfile --build-arg VERSION=$(VERSION) $(BASE_BUILD_ARGS) \
	    -t $(IMG_REGISTRY)/edgeha/$$name:$(IMG_TAG) . ; \
	done

.PHONY: docker-push
docker-push: ## Push the three images.
	@set -e; for name in $(IMAGES); do $(CONTAINER_TOOL) push $(IMG_REGISTRY)/edgeha/$$name:$(IMG_TAG); done

.PHONY: manifests-check
manifests-check: ## Check chart (rendered by the real helm, fetched into .tools/), kustomize, samples, CRD copies, RBAC, Dockerfiles, scripts, workflows (no cluster needed).
	tests/manifests/check.sh

HELM ?= .tools/bin/helm

.PHONY: helm-lint
helm-lint: ## helm lint the chart (strict) with default and all-features values (installs the pinned helm v4.1.4 into .tools/).
	scripts/install-helm.sh
	$(HELM) lint --strict charts/edge-ha-operator
	$(HELM) lint --strict charts/edge-ha-operator -f tests/manifests/values/all-features.yaml
	$(HELM) template edge-ha-operator charts/edge-ha-operator -n edge-ha-system -f tests/manifests/values/all-features.yaml >/dev/null

.PHONY: e2e
e2e: ## kind end-to-end: cluster, MetalLB, images, chart, hot pair, kill the active node, failover and fail-back (needs Docker, kind, helm).
	IMG_REGISTRY=$(IMG_REGISTRY) IMG_TAG=$(IMG_TAG) tests/e2e/run.sh

.PHONY: format
format: ## Apply the code style.
	$(DOTNET) format EdgeHaOperator.sln

.PHONY: format-check
format-check: ## Fail when the code style is not applied.
	$(DOTNET) format EdgeHaOperator.sln --verify-no-changes

.PHONY: clean
clean: ## Remove build output.
	rm -rf src/*/bin src/*/obj tests/*/bin tests/*/obj TestResults artifacts
