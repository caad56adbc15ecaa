#!/usr/bin/env bash
# Makes local stand-ins for mcr.microsoft.com/dotnet/sdk:10.0 and aspnet:10.0 on a machine that cannot pull from a
# registry (only the Debian and NuGet mirrors reachable): a Debian rootfs made by debootstrap from the machine's own
# Debian mirror, imported into podman, plus the host's .NET 10 installation copied in. Images made:
#   $BASE_REGISTRY/debian:<suite>       the rootfs (minbase, with ca-certificates, libssl3, libicu, tzdata)
#   $BASE_REGISTRY/dotnet-sdk:10.0      deploy/docker/base/dotnet-sdk.Dockerfile
#   $BASE_REGISTRY/aspnet:10.0          deploy/docker/base/aspnet.Dockerfile
# An image that exists is kept (--force remakes all three). Also writes the podman settings this machine needs
# (runc, no default ulimits) as a containers.conf drop-in when it is missing. Where the registry is reachable (CI
# with Docker, the kind workflow) none of this is used: the Dockerfiles' defaults are the official images.
# Usage: scripts/base-images.sh [--force]          (root, podman, debootstrap)
# Environment: BASE_REGISTRY [localhost/edgeha-base]  DEBIAN_MIRROR [apt's]  DEBIAN_SUITE [this system's]
#   DEBIAN_INCLUDE [ca-certificates,libssl3,libicu72,tzdata: bookworm's names; another suite may need others]
set -euo pipefail
cd "$(dirname "$0")/.."

force=false
[ "${1:-}" = "--force" ] && force=true
registry=${BASE_REGISTRY:-localhost/edgeha-base}
log() { echo "base-images: $*"; }
die() { echo "base-images: error: $*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || die "needs root (debootstrap, podman import); run: sudo $0"
for tool in podman debootstrap dotnet; do
  command -v "$tool" >/dev/null 2>&1 || die "$tool is missing; run: sudo apt-get install -y podman runc debootstrap"
done

# crun cannot create containers on this kernel's cgroup v1 hierarchy, and the default nofile ulimit is refused;
# netavark named so that podman does not look at (and warn about) the CNI config its package also ships. A drop-in
# rather than CONTAINERS_CONF so that a plain `podman build` (make docker-build) gets them too.
conf=/etc/containers/containers.conf.d/50-edgeha.conf
settings='# Written by scripts/base-images.sh (docs/images.md): crun fails on this cgroup v1 setup.
[containers]
default_ulimits = []

[engine]
runtime = "runc"

[network]
network_backend = "netavark"'
if [ "${EDGEHA_PODMAN_CONF:-1}" != 0 ] && [ "$(cat "$conf" 2>/dev/null)" != "$settings" ]; then
  log "writing $conf (runtime runc, default_ulimits [], network_backend netavark)"
  mkdir -p "${conf%/*}"
  printf '%s\n' "$settings" >"$conf"
fi

exists() { podman image exists "$1"; }
work=$(mktemp -d /var/tmp/edgeha-base.XXXXXX)
trap 'rm -rf "$work"' EXIT

# ---- the Debian rootfs ------------------------------------------------------------------------------------------
suite=${DEBIAN_SUITE:-$(sed -n 's/^VERSION_CODENAME=//p' /etc/os-release 2>/dev/null)}
suite=${suite:-bookworm}
debian="$registry/debian:$suite"
if "$force" || ! exists "$debian"; then
  # The mirror apt already uses (deb822 .sources or one-line sources.list), so no other host needs to be reachable.
  mirror=${DEBIAN_MIRROR:-$(
    { sed -n 's/^URIs: *\([^ ]*\).*/\1/p' /etc/apt/sources.list.d/*.sources 2>/dev/null
      sed -n 's/^deb \(\[[^]]*\] \)\{0,1\}\([^ ]*\) [^ ]*.*/\2/p' /etc/apt/sources.list 2>/dev/null
    } | grep -E '/debian/?$' | head -n 1 || true
  )}
  mirror=${mirror:-http://deb.debian.org/debian}
  log "debootstrap $suite from $mirror"
  start=$SECONDS
  # What the official images add to a distribution base for .NET: TLS, ICU, time zones.
  debootstrap --variant=minbase --include="${DEBIAN_INCLUDE:-ca-certificates,libssl3,libicu72,tzdata}" \
    "$suite" "$work/rootfs" "$mirror" >"$work/debootstrap.log" 2>&1 \
    || { tail -n 20 "$work/debootstrap.log" >&2; die "debootstrap failed"; }
  bootstrapped=$((SECONDS - start))
  # What a container never needs: package lists and caches (the official images drop them too).
  rm -rf "$work/rootfs/var/lib/apt/lists/"* "$work/rootfs/var/cache/apt/"*.bin "$work/rootfs/var/cache/apt/archives/"*.deb
  tar -C "$work/rootfs" --numeric-owner -c . \
    | podman import -q --change 'CMD ["/bin/bash"]' --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
        - "$debian" >/dev/null
  rm -rf "$work/rootfs"
  log "made $debian in $((SECONDS - start)) s (debootstrap $bootstrapped s)"
fi

# ---- the host's .NET ----------------------------------------------------------------------------------------------
sdk_line=$(dotnet --list-sdks | grep -E '^10\.' | tail -n 1) || die "no .NET 10 SDK on the host (dotnet --list-sdks)"
dotnet_root=$(sed -n 's/.*\[\(.*\)\/sdk\]$/\1/p' <<<"$sdk_line")
[ -x "$dotnet_root/dotnet" ] || die "cannot find the dotnet root from '$sdk_line'"
runtime=$(dotnet --list-runtimes | sed -n 's/^Microsoft\.AspNetCore\.App \(10\.[^ ]*\) .*/\1/p' | tail -n 1)
if [ -z "$runtime" ] || [ ! -d "$dotnet_root/shared/Microsoft.NETCore.App/$runtime" ]; then
  die "no ASP.NET Core and .NET 10 runtimes of one version under $dotnet_root"
fi

# Hard links where the staging directory shares the file system, so staging 600 MB costs nothing.
stage() { cp -al "$1" "$2" 2>/dev/null || cp -a "$1" "$2"; }
build() { # build IMAGE DOCKERFILE CONTEXT
  local start=$SECONDS
  podman build -q -f "$2" --build-arg BASE_IMAGE="$debian" -t "$1" "$3" >/dev/null
  log "made $1 in $((SECONDS - start)) s"
}

sdk="$registry/dotnet-sdk:10.0"
if "$force" || ! exists "$sdk"; then
  log "$sdk from $dotnet_root (SDK ${sdk_line%% *})"
  mkdir -p "$work/sdk"
  stage "$dotnet_root" "$work/sdk/dotnet"
  cp /etc/ssl/certs/ca-certificates.crt "$work/sdk/"
  cp deploy/docker/base/NuGet.Config "$work/sdk/"
  build "$sdk" deploy/docker/base/dotnet-sdk.Dockerfile "$work/sdk"
  rm -rf "$work/sdk"
fi

aspnet="$registry/aspnet:10.0"
if "$force" || ! exists "$aspnet"; then
  log "$aspnet from $dotnet_root (runtime $runtime)"
  mkdir -p "$work/aspnet/dotnet/shared"
  stage "$dotnet_root/dotnet" "$work/aspnet/dotnet/dotnet"
  stage "$dotnet_root/host" "$work/aspnet/dotnet/host"
  for f in LICENSE.txt ThirdPartyNotices.txt; do [ -e "$dotnet_root/$f" ] && stage "$dotnet_root/$f" "$work/aspnet/dotnet/$f"; done
  for fw in Microsoft.NETCore.App Microsoft.AspNetCore.App; do
    mkdir -p "$work/aspnet/dotnet/shared/$fw"
    stage "$dotnet_root/shared/$fw/$runtime" "$work/aspnet/dotnet/shared/$fw/$runtime"
  done
  build "$aspnet" deploy/docker/base/aspnet.Dockerfile "$work/aspnet"
fi
log "ready: SDK_IMAGE=$sdk RUNTIME_IMAGE=$aspnet"
