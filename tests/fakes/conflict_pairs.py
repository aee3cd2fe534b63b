"""Hand-written pairs of knowledge pages for measuring "sources disagree" detection.

Each case: a question, two pages (title, text, updated) and whether they disagree on what the
question asks. Conflicts state different values for the same thing in different words; the
agreeing cases state the same value, or different values for *different* things that share
words (sick days vs vacation days, a hotel cap in two cities), the traps for a naive detector.
Written for lastmile's tests and bench; not taken from any dataset.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.answering.types import Passage


@dataclass(frozen=True)
class Pair:
    """Two pages and whether they disagree on the question."""

    question: str
    first: tuple[str, str, str]  # title, text, updated
    second: tuple[str, str, str]
    disagree: bool

    def passages(self) -> list[Passage]:
        """The two pages as passages of two files."""
        return [
            Passage(title, f"page{n}.md", "", text, updated=updated)
            for n, (title, text, updated) in enumerate((self.first, self.second), start=1)
        ]


def _p(question: str, a: str, a_date: str, b: str, b_date: str, disagree: bool) -> Pair:
    return Pair(question, ("Old page", a, a_date), ("New page", b, b_date), disagree)


PAIRS: tuple[Pair, ...] = (
    # --- conflicts: the same thing, different values ------------------------------------
    _p(
        "how many vacation days do I get per year?",
        "Every employee gets 20 vacation days per year.",
        "2019-03-01",
        "Full-time employees get 25 days of paid annual leave per calendar year.",
        "2025-11-03",
        True,
    ),
    _p(
        "how long is parental leave?",
        "Parents get 12 weeks of paid parental leave.",
        "2019-03-01",
        "Parental leave is 16 weeks at full pay for every parent.",
        "2025-01-10",
        True,
    ),
    _p(
        "what is the daily meal allowance on business trips?",
        "The meal allowance is 35 EUR per day on business trips.",
        "2020-02-01",
        "The daily meal allowance on business trips is 60 EUR.",
        "2025-06-01",
        True,
    ),
    _p(
        "how much can I spend on a hotel per night?",
        "Hotel rooms may cost up to 120 EUR per night.",
        "2021-01-01",
        "Hotels may cost up to 180 EUR a night.",
        "2025-04-01",
        True,
    ),
    _p(
        "how many days do I have to submit my expenses?",
        "Submit expenses within 30 days of the purchase.",
        "2020-01-01",
        "Expenses must be submitted within 60 days of the purchase date.",
        "2025-03-01",
        True,
    ),
    _p(
        "what is the home office budget?",
        "Each employee has a home office budget of 500 EUR.",
        "2021-05-01",
        "The home office budget is 750 EUR per employee, once every three years.",
        "2025-02-01",
        True,
    ),
    _p(
        "how long is the probation period?",
        "The probation period for new employees is 3 months.",
        "2018-06-01",
        "New employees have a probation period of six months.",
        "2024-09-01",
        True,
    ),
    _p(
        "how much is the training budget per year?",
        "Every employee has a training budget of 1000 EUR per year.",
        "2020-01-01",
        "The yearly training budget is 1500 EUR for each employee.",
        "2025-01-01",
        True,
    ),
    _p(
        "how many days can I work from abroad?",
        "You may work from abroad for up to 20 days a year.",
        "2021-01-01",
        "Working from abroad is allowed for up to 30 working days per year.",
        "2025-05-01",
        True,
    ),
    _p(
        "what is the taxi limit per ride?",
        "Taxi rides are reimbursed up to 40 EUR per ride.",
        "2020-01-01",
        "We reimburse taxi rides up to €50 each.",
        "2025-01-01",
        True,
    ),
    _p(
        "how many sick days are paid?",
        "Sick days are paid in full for up to 20 days per year.",
        "2019-01-01",
        "Paid sick leave covers up to 30 days per year in full.",
        "2025-01-01",
        True,
    ),
    _p(
        "what is the notice period for resigning?",
        "The notice period when you resign is one month.",
        "2019-01-01",
        "When you resign, the notice period is 2 months.",
        "2025-01-01",
        True,
    ),
    _p(
        "how much is the phone allowance?",
        "The monthly phone allowance is 30 EUR.",
        "2020-01-01",
        "Employees get a phone allowance of 45 EUR each month.",
        "2025-01-01",
        True,
    ),
    _p(
        "how long must a password be?",
        "Passwords need 8 characters with a number.",
        "2019-01-01",
        "A password must be at least 14 characters long.",
        "2024-01-01",
        True,
    ),
    _p(
        "what is the pension contribution?",
        "The company adds a pension contribution of 3% of your salary.",
        "2019-01-01",
        "Our pension contribution is 5% of the gross salary.",
        "2025-01-01",
        True,
    ),
    _p(
        "how many hours is the standard work week?",
        "The standard work week is 40 hours.",
        "2019-01-01",
        "A standard work week has 38 hours.",
        "2025-01-01",
        True,
    ),
    # --- no conflict: the same value, or different things ---------------------------------
    _p(
        "how many vacation days do I get per year?",
        "Every employee gets 25 vacation days per year.",
        "2019-03-01",
        "Full-time employees get 25 days of paid annual leave per calendar year.",
        "2025-11-03",
        False,
    ),
    _p(
        "how many vacation days do I get per year?",
        "Every employee gets 25 vacation days per year.",
        "2025-01-01",
        "Sick days are paid in full for up to 30 working days per year.",
        "2025-01-01",
        False,
    ),
    _p(
        "how much can I spend on a hotel per night?",
        "Hotels may cost up to 180 EUR a night.",
        "2025-04-01",
        "Taxi rides are reimbursed up to 40 EUR per ride.",
        "2025-01-01",
        False,
    ),
    _p(
        "how long is parental leave?",
        "Parental leave is 16 weeks at full pay for every parent.",
        "2025-01-10",
        "Parental leave must start within six months of the birth.",
        "2025-01-10",
        False,
    ),
    _p(
        "what is the daily meal allowance on business trips?",
        "The daily meal allowance on business trips is 60 EUR.",
        "2025-06-01",
        "Business trips longer than 5 days need a manager's approval.",
        "2025-06-01",
        False,
    ),
    _p(
        "how many days do I have to submit my expenses?",
        "Expenses must be submitted within 60 days of the purchase date.",
        "2025-03-01",
        "Expenses are paid out within 10 days of approval.",
        "2025-03-01",
        False,
    ),
    _p(
        "what is the home office budget?",
        "The home office budget is 750 EUR per employee.",
        "2025-02-01",
        "A home office chair should cost no more than 750 EUR.",
        "2025-02-01",
        False,
    ),
    _p(
        "how long is the probation period?",
        "New employees have a probation period of six months.",
        "2024-09-01",
        "During probation the notice period is 2 weeks.",
        "2024-09-01",
        False,
    ),
    _p(
        "how much is the training budget per year?",
        "The yearly training budget is 1500 EUR for each employee.",
        "2025-01-01",
        "Conference travel counts against the travel budget of 3000 EUR per team.",
        "2025-01-01",
        False,
    ),
    _p(
        "what is the taxi limit per ride?",
        "We reimburse taxi rides up to 50 EUR each.",
        "2025-01-01",
        "Taxi rides are reimbursed up to 50 EUR per ride.",
        "2020-01-01",
        False,
    ),
    _p(
        "how many sick days are paid?",
        "Paid sick leave covers up to 30 days per year.",
        "2025-01-01",
        "Bring a doctor's note after 3 days of sick leave.",
        "2025-01-01",
        False,
    ),
    _p(
        "how much is the phone allowance?",
        "Employees get a phone allowance of 45 EUR each month.",
        "2025-01-01",
        "The internet allowance is 30 EUR each month.",
        "2025-01-01",
        False,
    ),
    _p(
        "how long must a password be?",
        "A password must be at least 14 characters long.",
        "2024-01-01",
        "Passwords expire after 90 days.",
        "2019-01-01",
        False,
    ),
    _p(
        "how many hours is the standard work week?",
        "A standard work week has 38 hours.",
        "2025-01-01",
        "Core hours are 10:00 to 16:00, so at least 6 hours a day in the office.",
        "2025-01-01",
        False,
    ),
    _p(
        "what is the pension contribution?",
        "Our pension contribution is 5% of the gross salary.",
        "2025-01-01",
        "Salaries rise by 3% each January.",
        "2025-01-01",
        False,
    ),
    _p(
        "how much can I spend on a hotel per night?",
        "Hotels may cost up to 180 EUR a night.",
        "2025-04-01",
        "In London, Paris and New York hotels may cost up to 250 EUR a night.",
        "2025-04-01",
        False,
    ),  # a trap: different cities, both true (precision first says: not a conflict)
)
