"""The package index, for --verify: an interface, an HTTP client (the only httpx user), a
cache, and the choice of which index each package is checked against."""
