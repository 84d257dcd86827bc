"""Passwords set here are at least 12 characters, with no composition rules, and not easy to
guess by zxcvbn's estimate given the person's name, email and organisation (score 3 or more).
Each refusal is one plain sentence for the password field."""
import pytest

from casework.password_policy import password_problem

JO = {"name": "Jo Bloggs", "email": "jo.bloggs@example.org", "organisation": "Crayford Community Kitchen"}
GUESSABLE = "Password is too easy to guess."


@pytest.mark.parametrize("password", [
    "a-long-enough-password",
    "lantern orbit quietly",        # spaces and lower case only: no composition rules
    "correct horse battery staple",
    "x" * 5 + "Q7#vL9!pZ2@m" * 16,   # 197 characters: judged by its first 72
])
def test_long_unguessable_passwords_are_accepted(password):
    assert password_problem(password, **JO) is None


@pytest.mark.parametrize("password, message", [
    ("Tr0ub4dor&3", "Password must be 12 characters or more"),
    ("x" * 201, "Password must be 200 characters or fewer"),
])
def test_length_is_checked_first(password, message):
    assert password_problem(password, **JO) == message


@pytest.mark.parametrize("password", [
    "aaaaaaaaaaaa",        # from the issue: repeats
    "compact-demo",        # from the issue: the service's own words
    "compact-demo-2026",   # the demo password, printed in the README (zxcvbn alone scores it 4)
    "password1234",
    "qwertyuiop123",
    "jobloggs2026!",       # the person's own name
    "Jo.Bloggs@Example.org",  # their email address
    "crayfordcommunitykitchen",  # their organisation
])
def test_common_and_guessable_passwords_are_refused(password):
    problem = password_problem(password, **JO)
    assert problem is not None and problem.startswith(GUESSABLE), problem
    assert problem.endswith("that is not about the person or their organisation")


def test_the_same_password_is_fine_for_someone_it_says_nothing_about():
    assert password_problem("jobloggs2026!", **JO) is not None
    assert password_problem("jobloggs2026!", name="Amira Shah", email="amira@bexley.example",
                            organisation="London Borough of Bexley") is None


def test_the_estimators_warning_is_passed_on_in_plain_words():
    assert password_problem("aaaaaaaaaaaa", **JO) == (
        'Password is too easy to guess. Repeats like "aaa" are easy to guess. Use a longer one, such as 3 or 4 '
        'unrelated words, that is not about the person or their organisation')
