"""Password hashing (argon2id) and the password rules."""
from __future__ import annotations

import functools
import gzip
from pathlib import Path

from argon2 import PasswordHasher
from flask_babel import gettext as _
from argon2.exceptions import InvalidHashError, VerificationError

MIN_LENGTH = 12
MAX_LENGTH = 256  # long passphrases are welcome; this only bounds the hashing work

_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters
# Verified against when the account does not exist, so both answers take the same time.
_DUMMY_HASH = _hasher.hash("a password nobody has, used only to spend the same time")

# The 20,000 most common passwords (from Django's list, BSD licence).
_COMMON_FILE = Path(__file__).resolve().parent / "data" / "common-passwords.txt.gz"


@functools.cache
def _common_passwords() -> frozenset[str]:
    with gzip.open(_COMMON_FILE, "rt", encoding="utf-8") as fh:
        return frozenset(line.strip().lower() for line in fh if line.strip())


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(stored_hash: str | None, password: str) -> bool:
    """True if the password matches; always does the full argon2 work, even without a hash."""
    try:
        return _hasher.verify(stored_hash or _DUMMY_HASH, password) and stored_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    """True when the hash was made with older parameters than the current ones."""
    try:
        return _hasher.check_needs_rehash(stored_hash)
    except InvalidHashError:
        return True


_SEQUENCES = ("0123456789012345678901234567890", "qwertyuiopasdfghjklzxcvbnm", "qwertzuiopasdfghjklyxcvbnm",
              "azertyuiopqsdfghjklmwxcvbn", "abcdefghijklmnopqrstuvwxyz", "1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p")
_DECORATION = "0123456789!@#$%^&*()-_=+.,;:?'\" "


def _too_guessable(password: str) -> bool:
    """A listed common password, one of them padded with digits or symbols ("iloveyou1234!"), a word
    said twice ("passwordpassword"), a run along the keyboard or the alphabet, or too few characters."""
    lowered = password.lower()
    common = _common_passwords()
    if lowered in common or len(set(lowered)) < 4:
        return True
    core = lowered.strip(_DECORATION)
    if len(core) >= 4 and core in common:
        return True
    # A short unit repeated; a long passphrase said twice is left alone.
    for size in range(1, min(len(lowered) // 2, MIN_LENGTH - 1) + 1):
        if len(lowered) % size == 0 and lowered == lowered[:size] * (len(lowered) // size):
            return True
    runs = _SEQUENCES + tuple(s[::-1] for s in _SEQUENCES)
    return any(lowered in run or (len(core) >= 6 and core in run) for run in runs)


def password_problems(password: str, *, email: str = "", name: str = "") -> list[str]:
    """What is wrong with a new password, in words a user can act on; empty if it is fine."""
    problems = []
    if len(password) < MIN_LENGTH:
        problems.append(_("Use at least %(least)s characters (a passphrase of several words is best).",
                          least=MIN_LENGTH))
    if len(password) > MAX_LENGTH:
        problems.append(_("Use at most %(most)s characters.", most=MAX_LENGTH))
    if _too_guessable(password):
        problems.append(_("This password is too common or too simple; choose one that others would not guess."))
    local_part = email.split("@")[0].lower()
    if local_part and len(local_part) >= 4 and local_part in password.lower():
        problems.append(_("Do not use your email address in your password."))
    return problems
