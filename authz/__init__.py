"""The authorization core (fail-closed). See authz/core.py."""
