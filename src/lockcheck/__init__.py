"""lockcheck: lint Python lockfiles and verify their hashes against the package index."""

__version__ = "0.1.0"
# The documentation's base; each rule has a page at f"{DOCS_URL}rules/{code}/".
DOCS_URL = "https://lockcheck.readthedocs.io/en/latest/"
