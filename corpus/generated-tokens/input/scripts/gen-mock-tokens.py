"""Writes mock token fixtures; the values are made at run time, never stored."""
import random
import string

ALPHABET = string.ascii_uppercase + string.digits


def mock_token(prefix="dt0c01", public=24, secret=64):
    pick = lambda n: "".join(random.choice(ALPHABET) for _ in range(n))
    return f"{prefix}.{pick(public)}.{pick(secret)}"


if __name__ == "__main__":
    print(mock_token())
