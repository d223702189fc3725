"""Shapes that look like Dynatrace tokens but are not well-formed ones (used by our own linter)."""

# public part one character short / secret part one character long
PUBLIC_TOO_SHORT = "dt0c01.@@b32:23@@.@@b32:64@@"
SECRET_TOO_LONG = "dt0c01.@@b32:24@@.@@b32:65@@"
PUBLIC_TOO_LONG = "dt0c01.@@b32:25@@.@@b32:64@@"
ID_TOO_SHORT = "dt0c01.@@b32:23@@"

# glued to surrounding identifier characters
GLUED_LEFT = "xdt0c01.@@b32:24@@.@@b32:64@@"
GLUED_RIGHT = "dt0c01.@@b32:24@@.@@b32:64@@_suffix"
GLUED_UNDERSCORE = "TOKEN_dt0c01.@@b32:24@@.@@b32:64@@"
GLUED_BASE32_RUN = "dt0c01.@@b32:24@@.@@b32:64@@@@b32:16@@"

# four parts: a build id that happens to start like a token
FOUR_PARTS = "dt0c01.@@b32:24@@.@@b32:64@@.@@b32:8@@"
