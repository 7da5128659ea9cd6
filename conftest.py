"""Fixtures for every test in the repository (real servers, databases, namespaces, harnesses)."""

pytest_plugins = ["shared.testing.fixtures"]
