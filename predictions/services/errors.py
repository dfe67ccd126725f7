"""The one error type every service raises when it refuses a write.

The API turns it into a 400 with a message per field (``predictions.api.exceptions.exception_handler``); the desk
turns it into form errors next to the named fields. ``detail`` names no field (a message for the whole request).
"""


class ServiceError(Exception):
    """A write refused for a reason the caller can show: {field: [messages]}."""

    def __init__(self, errors: dict[str, list[str]] | str):
        self.errors = errors if isinstance(errors, dict) else {"detail": [errors]}
        super().__init__(str(self.errors))
