# Container image of dtscan: built from this source tree into the same .deb that `make package` makes,
# then installed on debian:12-slim so the runtime libraries come from the package's own Depends.
# Not built in this project's CI (no container engine there); see README "Install".
#   docker build -t dtscan .
#   docker run --rm -v "$PWD:/src:ro" dtscan scan .
#   docker run --rm -v "$PWD:/src:ro" dtscan git --range origin/main..HEAD --format sarif
FROM debian:12 AS build
WORKDIR /src/dtscan
COPY . .
RUN make package BUILD_DIR=build && mkdir /out && cp build/dtscan_*.deb /out/

FROM debian:12-slim
COPY --from=build /out/ /tmp/dtscan-deb/
# ca-certificates: --verify talks https to Dynatrace environments.
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates /tmp/dtscan-deb/dtscan_*.deb \
 && rm -rf /var/lib/apt/lists/* /tmp/dtscan-deb \
 && useradd --system --uid 10001 --home-dir /nonexistent --shell /usr/sbin/nologin dtscan
USER dtscan
# Mount what to scan here. dtscan does not refuse a repository owned by another user (git's
# safe.directory does not apply), so a read-only bind mount of the host checkout works as is.
WORKDIR /src
ENTRYPOINT ["dtscan"]
CMD ["scan", "."]
