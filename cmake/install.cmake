# What `cmake --install` puts under the prefix: the dtscan executable, its manual page, bash and zsh
# completions and the documentation. Only dtscan is installed; dtscan-fake, the tests and the fuzz
# targets are build-tree tools. tests/e2e/test_install.sh installs into a temporary prefix and checks
# each of these files.
include(GNUInstallDirs)

install(TARGETS dtscan RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(FILES ${CMAKE_SOURCE_DIR}/docs/dtscan.1 DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
# bash-completion loads completions/<command> on demand; Debian's zsh reads vendor-completions.
install(FILES ${CMAKE_SOURCE_DIR}/completions/dtscan.bash
        DESTINATION ${CMAKE_INSTALL_DATAROOTDIR}/bash-completion/completions RENAME dtscan)
install(FILES ${CMAKE_SOURCE_DIR}/completions/_dtscan DESTINATION ${CMAKE_INSTALL_DATAROOTDIR}/zsh/vendor-completions)
install(FILES ${CMAKE_SOURCE_DIR}/README.md ${CMAKE_SOURCE_DIR}/LICENSE ${CMAKE_SOURCE_DIR}/docs/ci.md
        ${CMAKE_SOURCE_DIR}/docs/sarif.md DESTINATION ${CMAKE_INSTALL_DOCDIR})
