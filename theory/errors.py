"""The one error type for bad input, shared by every layer.

The CLI turns it into a one-line message naming the parameter and exit code 2.
"""


class ParameterError(ValueError):
    """A parameter is out of its domain; ``parameter`` names it for the user."""

    def __init__(self, parameter: str, message: str):
        super().__init__(f"{parameter}: {message}")
        self.parameter = parameter
        self.message = message

    def __reduce__(self):
        """Rebuilt from (parameter, message), so the error crosses process and Dask boundaries."""
        return type(self), (self.parameter, self.message)
