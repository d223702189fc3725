# Container image of dtscan: built from this source tree into the same .deb that `make package` makes,
# then installed on debian:12-slim so the runtime libraries come from the package's own Depends.
# Built and run by scripts/docker-image-test.sh (in .ci/run).
#   docker build -t dtscan .
#   docker run --rm -v "$PWD:/src:ro" dtscan scan .
#   docker run --rm -v "$PWD:/src:ro" dtscan git --range origin/main..HEAD --format sarif
# The base images can be replaced (a mirror, or the test's local bookworm when Docker Hub is out of reach):
#   --build-arg BUILD_IMAGE=... --build-arg RUNTIME_IMAGE=...
ARG BUILD_IMAGE=debian:12
ARG RUNTIME_IMAGE=debian:12-slim

FROM ${BUILD_IMAGE} AS build
WORKDIR /src/dtscan
COPY . .
# The debian:12 image has no make (like a minbase chroot); `make package` installs the rest itself.
RUN apt-get update \
 && apt-get install -y --no-install-recommends make \
 && make package BUILD_DIR=build && mkdir /out && cp build/dtscan_*.deb /out/

FROM ${RUNTIME_IMAGE}
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
