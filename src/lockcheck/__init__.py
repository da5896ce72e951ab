"""lockcheck: lint Python lockfiles and verify their hashes against the package index."""

__version__ = "0.1.0"
