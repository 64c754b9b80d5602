"""Loaded by the admin's autodiscovery: each module registers its app's models on import."""

from backoffice import accounts, cases, integrations, notifications  # noqa: F401
