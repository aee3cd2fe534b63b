"""The demo's catalogue of topics: six have outdated or contradictory documents behind them."""

from __future__ import annotations

from bot.demo.scenario import Topic

WIKI = "https://intranet.example.com"

TOPICS: tuple[Topic, ...] = (
    # --- Broken by the knowledge folder: an old page ranks first and states a retired fact.
    Topic(
        key="vacation-days",
        area="hr",
        week1=("How many vacation days do I get per year?", "how many vacation days do we get"),
        week2=("How many vacation days do I get each year?", "how many vacation days do we have"),
        truth=("25 days",),
        stale=("20 vacation days",),
        correction=(
            "Full-time employees get 25 days of paid annual leave a year (Leave policy 2024)."
        ),
        link=f"{WIKI}/hr/leave-policy",
        weight=5,
    ),
    Topic(
        key="parental-leave",
        area="hr",
        week1=("How many weeks of parental leave do parents get?", "parental leave weeks?"),
        week2=(
            "How many weeks of parental leave do I get?",
            "weeks of parental leave for parents?",
        ),
        truth=("16 weeks",),
        stale=("12 weeks",),
        correction=("Every parent gets 16 weeks of fully paid parental leave since January 2024."),
        link=f"{WIKI}/hr/family-leave",
        weight=4,
    ),
    Topic(
        key="vpn",
        area="it",
        week1=("How do I connect to the VPN from home?", "how to connect to the vpn?"),
        week2=("How can I connect to the VPN when working from home?", "connecting to the VPN"),
        truth=("globalprotect",),
        stale=("anyconnect",),
        correction=(
            "Use GlobalProtect (portal gp.example.com, single sign-on); AnyConnect is retired."
        ),
        link="https://wiki.example.com/it/remote-access",
        weight=5,
    ),
    Topic(
        key="password-change",
        area="it",
        week1=("How often must I change my password?", "do I have to change my password?"),
        week2=("How often do I need to change my password?", "must I change my password?"),
        truth=("no forced rotation",),
        stale=("every 90 days",),
        correction=(
            "No forced rotation any more: change your 14-character passphrase only if exposed."
        ),
        weight=3,
    ),
    Topic(
        key="meal-allowance",
        area="finance",
        week1=("What is the meal allowance per day on a business trip?", "meal allowance?"),
        week2=(
            "What's the daily meal allowance on business trips?",
            "meal allowance per day on a trip",
        ),
        truth=("60 eur",),
        stale=("35 eur",),
        correction=("The daily meal allowance on business trips is 60 EUR (Expense policy 2024)."),
        link=f"{WIKI}/finance/expenses",
        weight=3,
    ),
    Topic(
        key="book-travel",
        area="travel",
        week1=("Where do I book business travel?", "how do I book travel for a business trip?"),
        week2=("Where should I book my business travel?", "booking travel for a business trip"),
        truth=("navan",),
        stale=("concur",),
        correction=(
            "Book flights, trains and hotels in Navan, after your manager approves the trip."
        ),
        link=f"{WIKI}/travel/booking",
        weight=3,
    ),
    # --- Answered well by the knowledge folder.
    Topic(
        "pay-day",
        "hr",
        ("When is pay day?", "when do we get paid"),
        ("What day is payday?", "when is salary paid"),
        ("25th",),
    ),
    Topic(
        "payslip", "hr", ("Where can I find my payslips?",), ("where are payslips",), ("workday",)
    ),
    Topic(
        "sick",
        "hr",
        ("What do I do when I'm sick?", "reporting sick"),
        ("I am ill, what do I do?", "how do I report sick"),
        ("before 10:00", "doctor"),
    ),
    Topic(
        "remote-days",
        "hr",
        ("How many days can I work remotely a week?",),
        ("how many remote days per week",),
        ("three days",),
    ),
    Topic(
        "health-insurance",
        "hr",
        ("When does my health insurance start?",),
        ("health insurance start date",),
        ("first day",),
    ),
    Topic(
        "reviews",
        "hr",
        ("When are performance reviews?",),
        ("performance review cycle",),
        ("april",),
    ),
    Topic(
        "training",
        "hr",
        ("What is my learning budget?",),
        ("training budget per year",),
        ("1,000 eur",),
    ),
    Topic(
        "new-laptop",
        "it",
        ("How do I request a new laptop?",),
        ("new laptop request",),
        ("it portal",),
    ),
    Topic(
        "guest-wifi",
        "it",
        ("What is the guest wifi password?",),
        ("guest wi-fi password",),
        ("reception",),
    ),
    Topic(
        "software",
        "it",
        ("How do I install software?",),
        ("installing new software",),
        ("self service",),
    ),
    Topic("printing", "it", ("How do I print?",), ("printing from my laptop",), ("followme",)),
    Topic(
        "phishing",
        "it",
        ("What do I do with a phishing email?",),
        ("report phishing",),
        ("report phishing",),
    ),
    Topic(
        "two-factor",
        "it",
        ("How do I set up two-factor authentication?",),
        ("two-factor setup",),
        ("okta verify",),
    ),
    Topic(
        "submit-expenses",
        "finance",
        ("How do I submit expenses?",),
        ("submitting an expense",),
        ("pleo",),
    ),
    Topic(
        "corporate-card",
        "finance",
        ("What is the corporate card limit?",),
        ("card limit per month",),
        ("2,000 eur",),
    ),
    Topic(
        "purchase-order",
        "finance",
        ("When do I need a purchase order?",),
        ("purchase order threshold",),
        ("5,000 eur",),
    ),
    Topic(
        "home-office",
        "finance",
        ("How much is the home office budget?",),
        ("home office budget amount",),
        ("500 eur",),
    ),
    Topic(
        "hotel-limit",
        "travel",
        ("How much can a hotel cost per night?",),
        ("hotel price limit per night",),
        ("180 eur",),
    ),
    Topic(
        "flight-class",
        "travel",
        ("Which flight class can I book?",),
        ("flight class allowed",),
        ("economy",),
    ),
    Topic(
        "travel-insurance",
        "travel",
        ("Am I covered by travel insurance on a trip?",),
        ("travel insurance for business trips",),
        ("company travel insurance",),
    ),
)

# --- Not covered by any page: people get "I don't know" or a weak answer, and seldom click.
# Nobody flags it, so only the digest's "Couldn't answer well" shows it (bot/digest/silent.py);
# the People team writes the answer from there (`correction` is what it writes).
UNCOVERED = Topic(
    key="relocation",
    area="hr",
    week1=(
        "Does the company pay for relocation?",
        "Is there relocation support when moving?",
        "Does the company cover relocation costs?",
    ),
    week2=("Does the company pay for my relocation?", "relocation support when moving cities?"),
    truth=("5,000 eur",),
    correction=(
        "The company pays relocation up to 5,000 EUR for moves over 100 km; "
        "People Ops books the movers."
    ),
    weight=1,
)
