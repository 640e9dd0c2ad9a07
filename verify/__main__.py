"""``python -m verify`` is the ``sgdverify`` command."""

from .cli import main

main()
