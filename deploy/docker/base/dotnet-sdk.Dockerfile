# The local stand-in for mcr.microsoft.com/dotnet/sdk:10.0 on a machine that cannot pull from a registry:
# the Debian base made by scripts/base-images.sh, with the host's .NET 10 installation (SDK, runtimes, packs) copied in.
# Built by scripts/base-images.sh from a staged context (dotnet/, ca-certificates.crt, NuGet.Config); not for releases.
ARG BASE_IMAGE=localhost/edgeha-base/debian:bookworm
FROM ${BASE_IMAGE}
COPY dotnet/ /usr/share/dotnet/
# The host's trust store: this machine reaches NuGet through an egress proxy whose CA only the host trusts.
COPY ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
# Packages come first from /nuget-fallback, where `make docker-build BASE=local` mounts the host's NuGet cache
# read-only; NuGet rejects a fallback folder that does not exist, so the empty one is made here.
COPY NuGet.Config /root/.nuget/NuGet/NuGet.Config
RUN ln -s /usr/share/dotnet/dotnet /usr/bin/dotnet && mkdir /nuget-fallback
# As the official SDK image; the revocation mode because the proxy's certificates have no reachable CRL.
ENV DOTNET_ROOT=/usr/share/dotnet \
    DOTNET_RUNNING_IN_CONTAINER=true \
    DOTNET_USE_POLLING_FILE_WATCHER=true \
    DOTNET_CLI_TELEMETRY_OPTOUT=1 \
    NUGET_CERT_REVOCATION_MODE=offline
