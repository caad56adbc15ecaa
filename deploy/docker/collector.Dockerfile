# syntax=docker/dockerfile:1
# Edge HA reference collector: polls Modbus registers, honours its role, health and samples on HTTP 8080.
# Build from the repository root (the build needs global.json, Directory.Build.props and Directory.Packages.props):
#   docker build -f deploy/docker/collector.Dockerfile -t edgeha/collector:dev .
# The runtime image is framework-dependent on the official ASP.NET Core 10 image. For a distroless variant pass
#   --build-arg RUNTIME_IMAGE=mcr.microsoft.com/dotnet/aspnet:10.0-noble-chiseled

ARG SDK_IMAGE=mcr.microsoft.com/dotnet/sdk:10.0
ARG RUNTIME_IMAGE=mcr.microsoft.com/dotnet/aspnet:10.0

FROM --platform=$BUILDPLATFORM ${SDK_IMAGE} AS build
ARG TARGETARCH
ARG VERSION=0.0.0-dev
WORKDIR /src
ENV DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig ./
COPY src/ src/
# The NuGet cache mount keeps restores fast across builds; -a maps Docker's TARGETARCH (amd64, arm64) to a RID.
RUN --mount=type=cache,id=nuget,target=/root/.nuget/packages \
    dotnet restore src/EdgeHa.Collector/EdgeHa.Collector.csproj -a "$TARGETARCH"
RUN --mount=type=cache,id=nuget,target=/root/.nuget/packages \
    dotnet publish src/EdgeHa.Collector/EdgeHa.Collector.csproj -c Release -a "$TARGETARCH" --no-restore \
      -p:UseAppHost=false -p:Version="$VERSION" -o /app

FROM ${RUNTIME_IMAGE}
ARG VERSION=0.0.0-dev
LABEL org.opencontainers.image.title="edgeha/collector" \
      org.opencontainers.image.description="Edge HA reference collector: polls Modbus registers, honours its role, health and samples on HTTP 8080." \
      org.opencontainers.image.licenses="Apache-2.0" \
      org.opencontainers.image.version="$VERSION"
WORKDIR /app
COPY --from=build --chown=0:0 /app ./
# Read-only root filesystem: no diagnostics IPC socket in /tmp; workstation GC keeps a small pod small.
# The program binds its --http-port (8080) itself; the base image's ASPNETCORE_HTTP_PORTS would only make Kestrel
# log an "Overriding address(es)" warning at every start.
ENV DOTNET_EnableDiagnostics=0 \
    DOTNET_gcServer=0 \
    DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1 \
    ASPNETCORE_HTTP_PORTS= \
    ASPNETCORE_URLS=
# The 'app' user (uid 1654) of the official .NET images; numeric so runAsNonRoot can verify it.
USER 1654:1654
EXPOSE 8080
ENTRYPOINT ["dotnet", "/app/EdgeHa.Collector.dll"]
