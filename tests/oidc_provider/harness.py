"""Start the test-only OpenID Connect provider (settings.py here) in a second process on
loopback, and configure this app to sign in through it."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

ROOT = Path(__file__).resolve().parents[2]
CLIENT_ID, CLIENT_SECRET = "sro-program-test", "test-only-client-secret"
DOMAIN = "vvusd.example.org"
ACCOUNTS = {
    # username on the provider -> (password, email)
    "site.admin": ("provider-pass-1", f"site.admin@{DOMAIN}"),
    "stranger": ("provider-pass-2", f"stranger@{DOMAIN}"),
    "outsider": ("provider-pass-3", "outsider@elsewhere.example.com"),
}


@dataclass
class Provider:
    url: str
    process: subprocess.Popen

    @property
    def issuer(self) -> str:
        return f"{self.url}/o"

    def configure(self, settings) -> None:
        """Point this app's settings (pytest-django's `settings`) at the provider."""
        settings.OIDC_ENABLED = True
        settings.OIDC_RP_CLIENT_ID = CLIENT_ID
        settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
        settings.OIDC_OP_ISSUER = self.issuer
        settings.OIDC_ALLOWED_EMAIL_DOMAINS = [DOMAIN]
        settings.OIDC_PROVIDER_NAME = "Valle Verde account"

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_provider(tmp_dir: Path, redirect_uris: list[str]) -> Provider:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()).decode()
    port = free_port()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")},
        "OIDC_PROVIDER_DB": str(tmp_dir / "provider.sqlite3"),
        "OIDC_PROVIDER_KEY": key,
        "OIDC_PROVIDER_CLIENT_ID": CLIENT_ID,
        "OIDC_PROVIDER_CLIENT_SECRET": CLIENT_SECRET,
        "OIDC_PROVIDER_REDIRECT_URIS": " ".join(redirect_uris),
        "OIDC_PROVIDER_USERS": json.dumps([
            {"username": u, "password": p, "email": e} for u, (p, e) in ACCOUNTS.items()
        ]),
    }
    log = open(tmp_dir / "provider.log", "wb")  # noqa: SIM115 - the process writes it
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.oidc_provider.serve", str(port)],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    provider = Provider(f"http://127.0.0.1:{port}", process)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError((tmp_dir / "provider.log").read_text())
        try:
            if requests.get(f"{provider.issuer}/.well-known/openid-configuration",
                            timeout=2).ok:
                return provider
        except requests.ConnectionError:
            pass
        time.sleep(0.2)
    provider.stop()
    raise RuntimeError("The test OIDC provider did not start: "
                       + (tmp_dir / "provider.log").read_text())
