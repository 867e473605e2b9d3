"""Key pairs for the payment simulator backend: the app's and the simulator's, generated on first start.

Both live under ``<instance>/alipay/`` as PEM files readable by the owner only. Several gunicorn
workers may start at once, so generation happens under a file lock and each file is written
atomically (a temporary file renamed into place).
"""

from __future__ import annotations

import fcntl
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

FILES = ("app_private.pem", "app_public.pem", "simulator_private.pem", "simulator_public.pem")


@dataclass(frozen=True)
class KeyPairs:
    """PEM text of both pairs: the app signs with its private key; the simulator with its own."""

    app_private_pem: str
    app_public_pem: str
    simulator_private_pem: str
    simulator_public_pem: str


def generate_pair() -> tuple[str, str]:
    """A new RSA-2048 pair as (PKCS#8 private PEM, SubjectPublicKeyInfo public PEM)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption()).decode()
    public = key.public_key().public_bytes(serialization.Encoding.PEM,
                                           serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    return private, public


def ensure_key_pairs(instance: Path) -> KeyPairs:
    """The key pairs under ``<instance>/alipay/``, generated there if missing."""
    folder = instance / "alipay"
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    if not all((folder / name).exists() for name in FILES):
        with open(folder / ".lock", "w") as lock:  # noqa: PTH123 - a lock file handle
            fcntl.flock(lock, fcntl.LOCK_EX)
            if not all((folder / name).exists() for name in FILES):  # another worker may have won
                app_private, app_public = generate_pair()
                simulator_private, simulator_public = generate_pair()
                for name, text in zip(FILES, (app_private, app_public, simulator_private, simulator_public),
                                      strict=True):
                    _write_private(folder / name, text)
    texts = [(folder / name).read_text() for name in FILES]
    return KeyPairs(*texts)


def _write_private(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` atomically with mode 0600."""
    temporary = path.with_suffix(".tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(text)
    os.replace(temporary, path)
