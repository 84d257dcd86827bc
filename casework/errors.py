"""Domain errors. Each carries a message a person can read and act on; web/errors.py maps
them to HTTP statuses in one place."""


class CaseworkError(Exception):
    """Base class: something the user asked for cannot be done, and nothing was written."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(CaseworkError):
    """The thing does not exist, or this person may not know it exists."""


class UnknownTrigger(CaseworkError):
    """The action is not part of this process at all."""


class TriggerNotAllowed(CaseworkError):
    """The action exists but not at the case's current stage."""


class NotPermitted(CaseworkError):
    """This person does not hold the role the action needs on this case."""


class GateRefused(CaseworkError):
    """A Compact rule stops the action until something is done first. `field` names the
    answer the rule is about, when there is one, so a form can show the message beside it."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class InvalidInput(CaseworkError):
    """What was given is missing or malformed; `problems` maps each field to its message."""

    def __init__(self, problems: dict[str, str]) -> None:
        self.problems = dict(problems)
        super().__init__("; ".join(f"{field}: {msg}" for field, msg in self.problems.items()))


class StaleVersion(CaseworkError):
    """Someone else changed the case after this person loaded it."""

    def __init__(self, message: str = "This case changed while you were looking at it. "
                 "Check the latest version and try again.") -> None:
        super().__init__(message)
