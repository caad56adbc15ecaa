# The local stand-in for mcr.microsoft.com/dotnet/aspnet:10.0 on a machine that cannot pull from a registry:
# the Debian base made by scripts/base-images.sh, with the host's .NET and ASP.NET Core 10 shared runtimes copied in.
# Built by scripts/base-images.sh from a staged context (dotnet/ holding only the host and the two runtimes).
ARG BASE_IMAGE=localhost/edgeha-base/debian:bookworm
FROM ${BASE_IMAGE}
COPY dotnet/ /usr/share/dotnet/
# The official images' 'app' user (uid and gid 1654), so USER 1654:1654 has a name and a home as it does there.
RUN ln -s /usr/share/dotnet/dotnet /usr/bin/dotnet \
    && groupadd --gid 1654 app \
    && useradd --no-log-init --uid 1654 --gid 1654 --create-home --shell /bin/false app
ENV APP_UID=1654 \
    ASPNETCORE_HTTP_PORTS=8080 \
    DOTNET_RUNNING_IN_CONTAINER=true
