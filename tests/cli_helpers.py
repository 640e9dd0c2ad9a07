"""Running the sgdverify CLI in this process, for the tests that drive it with many inputs."""

import io
from contextlib import redirect_stderr, redirect_stdout

from verify.cli import main


def invoke(argv: list[str]) -> tuple[int, str, str]:
    """Run the CLI in this process: (exit status, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    code = 0
    with redirect_stdout(out), redirect_stderr(err):
        try:
            main(argv)
        except SystemExit as exit_:
            code = exit_.code
    return code, out.getvalue(), err.getvalue()
