"""Helpers for tests that run the application as real server processes."""

import subprocess


def stop(proc: subprocess.Popen) -> None:
    """Stop a server process: politely, then by force if it has not gone within 15 s."""
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=5)
