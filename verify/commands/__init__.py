"""Per-paper `derive` subcommands: every module here defines ``register(group)``, called by the CLI."""
