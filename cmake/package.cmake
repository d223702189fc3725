# CPack: `make package` (or `cpack` in the build directory) makes a Debian 12 package of what
# cmake/install.cmake installs, under /usr. Depends is computed by dpkg-shlibdeps from the libraries the
# binary links (dpkg-dev; CPack finds the ELF files with `file`), so it names the exact Debian 12
# runtime packages (libre2-9, libgit2-1.5, libfmt9, ...). scripts/deb-chroot-test.sh installs the
# result in a fresh bookworm chroot.
set(DTSCAN_PACKAGE_MAINTAINER "dtscan maintainers <dtscan@example.invalid>"
    CACHE STRING "Maintainer field of the .deb (Name <email>)")

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME dtscan)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT ${DTSCAN_PACKAGE_MAINTAINER})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "secret scanner for leaked Dynatrace credentials")
# The extended description: dpkg wants every line indented by one space, CPack does that.
set(CPACK_PACKAGE_DESCRIPTION
    "dtscan finds leaked Dynatrace credentials (API, PaaS and personal access
tokens, OAuth client secrets, platform, ActiveGate, agent and tenant tokens)
in files, in what a commit would contain and in git history, also when they
are base64- or percent-encoded. It says how dangerous each leak is and
reports as text, JSON, JSON Lines or SARIF without printing the secrets. It
runs as a pre-commit hook, as a pull-request gate in CI and as a bulk
auditor.")
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT) # dtscan_<version>_<arch>.deb
set(CPACK_DEBIAN_PACKAGE_SECTION devel)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "git, pre-commit")
include(CPack)
