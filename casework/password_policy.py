"""What makes a password acceptable where one is set: 12 to 200 characters, no rules about
which kinds of character, and not easy to guess. Guessability is zxcvbn's estimate (a
maintained port of Dropbox's estimator: common passwords, names, words, dates, keyboard
patterns, repeats and sequences), fed the person's own details and the service's words, so
`Jane-Smith-2026` for Jane Smith or the organisation's name with a number is refused; a score
of 3 ("safely unguessable": about 10^8 guesses or more) or better is accepted.

The demo's password (`compact-demo-2026`, printed by `make run` and in the README) scores 4
on its own; it is refused because it is given to zxcvbn as one of the words to expect. Demo
seeding sets it without this check: it is development data."""
import re
import threading

from zxcvbn import zxcvbn

MIN_PASSWORD, MAX_PASSWORD = 12, 200
MIN_SCORE = 3
#: Letters a password must have beyond the words about the person, their organisation and
#: the service.
OWN_LETTERS = 6
#: zxcvbn refuses longer input (its matching grows quickly); a longer password is judged by
#: this much of its start, which is at least as strong as what is judged.
ESTIMATE_LENGTH = 72
#: Words anyone trying to guess a password here would try first.
SERVICE_WORDS = ("compact", "casework", "bexley", "bvsc", "council", "funding", "dispute", "password",
                 "compact-demo-2026")
#: zxcvbn keeps the user inputs of a call in a module-level dictionary, so two calls at once
#: (two requests in a threaded server) must not interleave.
_ESTIMATOR = threading.Lock()


def password_problem(password: str, *, name: str = "", email: str = "", organisation: str = "") -> str | None:
    """What is wrong with this password, in words for the field's error message, or None."""
    if len(password) < MIN_PASSWORD:
        return f"Password must be {MIN_PASSWORD} characters or more"
    if len(password) > MAX_PASSWORD:
        return f"Password must be {MAX_PASSWORD} characters or fewer"
    context = personal_words(name, email, organisation)
    if len(_beyond(password, context)) < OWN_LETTERS:
        return ("Password is too easy to guess. Use a longer one, such as 3 or 4 unrelated words, that is not "
                "about the person or their organisation")
    with _ESTIMATOR:
        result = zxcvbn(password[:ESTIMATE_LENGTH], user_inputs=context)
    if result["score"] >= MIN_SCORE:
        return None
    warning = result["feedback"]["warning"]
    return ("Password is too easy to guess. " + (f"{warning} " if warning else "")
            + "Use a longer one, such as 3 or 4 unrelated words, that is not about the person or their organisation")


def _beyond(password: str, context: list[str]) -> str:
    """The letters of the password left once every context word (3 letters or more) is taken
    out: zxcvbn rates three known pieces joined ("grace-adeyemi-2026") as strong enough."""
    rest = password.lower()
    for word in sorted((w for w in context if len(w) >= 3), key=len, reverse=True):
        rest = rest.replace(word, " ")
    return re.sub(r"[^a-z]", "", rest)


def personal_words(name: str, email: str, organisation: str) -> list[str]:
    """The person's name, email and organisation, whole, run together and in parts, and the
    service's words."""
    whole = [text.strip().lower() for text in (name, email, organisation) if text.strip()]
    local, _, domain = email.strip().lower().partition("@")
    joined = [re.sub(r"[\W_]+", "", text) for text in (*whole, local)]
    parts = re.split(r"[\s.@_+'-]+", " ".join([name.lower(), local, domain, organisation.lower()]))
    words = [*whole, *joined, local, domain, *parts, *SERVICE_WORDS]
    return list(dict.fromkeys(word for word in words if len(word) > 1))
