"""The search layer's one error: a bad parameter, named, with a message a person can act on."""


class InvalidParameter(ValueError):
    """A search parameter that cannot be used; front doors answer it with HTTP 400."""

    def __init__(self, parameter: str, message: str) -> None:
        super().__init__(f"{parameter}: {message}")
        self.parameter = parameter
        self.message = message
