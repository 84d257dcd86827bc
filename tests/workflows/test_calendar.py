from datetime import date, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workflows.calendar import (
    CHANNELS,
    WorkingCalendar,
    add_calendar_months,
    add_working_days,
    deemed_given,
    earliest_effective_date,
    end_of_day_utc,
    is_working_day,
    local_date,
    notice_period_end,
    start_of_day_utc,
    subtract_working_days,
    working_days_between,
)

UTC = timezone.utc
D = date.fromisoformat


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


# --- Bank holidays -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "day",
    [
        "2026-12-25",  # Christmas, Friday
        "2026-12-28",  # Boxing Day substitute (26th is a Saturday)
        "2027-01-01",
        "2027-12-27",  # Christmas substitute (25th is a Saturday)
        "2027-12-28",  # Boxing Day substitute (26th is a Sunday)
        "2028-01-03",  # New Year substitute (1st is a Saturday)
        "2026-04-03",  # Good Friday
        "2026-04-06",  # Easter Monday
        "2027-03-26",
        "2027-03-29",
        "2028-04-14",
        "2028-04-17",
    ],
)
def test_bank_holidays_and_substitute_days_are_not_working_days(day):
    assert not is_working_day(D(day))


@pytest.mark.parametrize(
    "day",
    ["2032-12-27", "2032-12-28", "2033-01-03", "2033-12-26", "2033-12-27", "2038-12-28"],
)
def test_substitute_days_are_known_for_years_beyond_packaged_data(day):
    assert not is_working_day(D(day))


@pytest.mark.parametrize(
    "day",
    ["2026-12-24", "2026-12-29", "2027-12-29", "2028-01-04", "2027-03-30", "2026-03-27"],
)
def test_ordinary_weekdays_around_holidays_are_working_days(day):
    assert is_working_day(D(day))


@pytest.mark.parametrize("day", ["2026-03-28", "2026-03-29", "2026-10-25"])
def test_weekends_are_not_working_days(day):
    assert not is_working_day(D(day))


@pytest.mark.parametrize(
    "day, name",
    [
        ("2027-12-27", "Christmas Day (observed)"),
        ("2027-03-26", "Good Friday"),
        ("2027-12-29", None),
    ],
)
def test_holiday_name_names_the_holiday_or_gives_none(day, name):
    assert WorkingCalendar().holiday_name(D(day)) == name


def test_holidays_between_lists_every_holiday_inclusive_in_date_order():
    assert WorkingCalendar().holidays_between(D("2027-12-25"), D("2028-01-03")) == [
        (D("2027-12-25"), "Christmas Day"),
        (D("2027-12-26"), "Boxing Day"),
        (D("2027-12-27"), "Christmas Day (observed)"),
        (D("2027-12-28"), "Boxing Day (observed)"),
        (D("2028-01-01"), "New Year's Day"),
        (D("2028-01-03"), "New Year's Day (observed)"),
    ]


# --- Working-day arithmetic ----------------------------------------------------------------


@pytest.mark.parametrize(
    "start, n, expected",
    [
        ("2026-12-18", 10, "2027-01-06"),  # across Christmas, the substitute and New Year
        ("2026-12-24", 1, "2026-12-29"),  # Christmas Friday, weekend, substitute Monday
        ("2027-12-24", 1, "2027-12-29"),  # two substitute days
        ("2027-12-31", 1, "2028-01-04"),  # New Year substitute
        ("2027-03-25", 1, "2027-03-30"),  # Easter
        ("2026-01-16", 1, "2026-01-19"),  # Friday -> Monday
        ("2026-01-17", 1, "2026-01-19"),  # counting from a Saturday
        ("2026-01-14", 0, "2026-01-14"),
        ("2026-01-17", 0, "2026-01-17"),  # n=0 is the start itself, even on a weekend
    ],
)
def test_add_working_days_counts_from_the_day_after_start(start, n, expected):
    assert add_working_days(D(start), n) == D(expected)


@pytest.mark.parametrize(
    "due, n, expected",
    [
        ("2027-01-04", 2, "2026-12-30"),
        ("2026-12-29", 2, "2026-12-23"),
        ("2026-01-19", 1, "2026-01-16"),
        ("2026-01-19", 0, "2026-01-19"),
    ],
)
def test_subtract_working_days_counts_back_from_the_day_before(due, n, expected):
    assert subtract_working_days(D(due), n) == D(expected)


@pytest.mark.parametrize(
    "start, end, expected",
    [
        ("2026-12-18", "2027-01-06", 10),
        ("2026-01-16", "2026-01-19", 1),
        ("2026-01-19", "2026-01-19", 0),
        ("2026-01-20", "2026-01-19", 0),
    ],
)
def test_working_days_between_counts_after_start_up_to_and_including_end(start, end, expected):
    assert working_days_between(D(start), D(end)) == expected


@settings(deadline=None, database=None)
@given(
    start=st.dates(min_value=date(2020, 1, 1), max_value=date(2040, 12, 31)),
    n=st.integers(min_value=0, max_value=300),
)
def test_working_days_between_undoes_add_working_days(start, n):
    assert working_days_between(start, add_working_days(start, n)) == n


@settings(deadline=None, database=None)
@given(
    due=st.dates(min_value=date(2020, 1, 1), max_value=date(2040, 12, 31)),
    n=st.integers(min_value=0, max_value=60),
)
def test_add_working_days_undoes_subtract_working_days_on_a_working_day(due, n):
    due = add_working_days(due, 1)  # a working day
    assert add_working_days(subtract_working_days(due, n), n) == due


@pytest.mark.parametrize("func", [add_working_days, subtract_working_days])
def test_negative_working_days_are_refused(func):
    with pytest.raises(ValueError):
        func(D("2026-01-14"), -1)


@pytest.mark.parametrize(
    "call",
    [
        lambda: is_working_day("2026-01-14"),
        lambda: is_working_day(datetime(2026, 12, 25, tzinfo=UTC)),
        lambda: is_working_day(None),
        lambda: add_working_days(D("2026-01-14"), 1.5),
        lambda: add_working_days(D("2026-01-14"), True),
        lambda: working_days_between("2026-01-01", D("2026-01-14")),
        lambda: add_calendar_months("2026-01-31", 1),
        lambda: end_of_day_utc(datetime(2026, 7, 1, tzinfo=UTC)),
    ],
)
def test_non_date_or_non_int_input_is_a_type_error(call):
    with pytest.raises(TypeError):
        call()


# --- One-off holidays ----------------------------------------------------------------------


def test_adding_a_one_off_holiday_pushes_working_days_back():
    calendar = WorkingCalendar()
    calendar.add_holiday(D("2026-06-10"), "Coronation")
    assert add_working_days(D("2026-06-08"), 3, calendar=calendar) == D("2026-06-12")


def test_removing_a_one_off_holiday_restores_working_days():
    calendar = WorkingCalendar()
    calendar.add_holiday(D("2026-06-10"), "Coronation")
    calendar.remove_holiday(D("2026-06-10"))
    assert add_working_days(D("2026-06-08"), 3, calendar=calendar) == D("2026-06-11")


def test_a_one_off_holiday_is_named_and_listed():
    calendar = WorkingCalendar()
    calendar.add_holiday(D("2026-06-10"), "Coronation")
    assert calendar.holiday_name(D("2026-06-10")) == "Coronation"
    assert calendar.extra_holidays() == {D("2026-06-10"): "Coronation"}
    june = calendar.holidays_between(D("2026-06-01"), D("2026-06-30"))
    assert june == [(D("2026-06-10"), "Coronation")]


def test_a_one_off_holiday_on_one_calendar_leaves_the_default_alone():
    WorkingCalendar().add_holiday(D("2026-06-10"), "Coronation")
    assert is_working_day(D("2026-06-10"))


def test_removing_a_statutory_holiday_is_refused():
    with pytest.raises(KeyError):
        WorkingCalendar().remove_holiday(D("2026-12-25"))


@pytest.mark.parametrize("name", ["", "   ", None])
def test_a_one_off_holiday_needs_a_name(name):
    with pytest.raises(ValueError):
        WorkingCalendar().add_holiday(D("2026-06-10"), name)


# --- Calendar months -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "start, n, expected",
    [
        ("2026-01-31", 1, "2026-02-28"),
        ("2026-11-30", 3, "2027-02-28"),
        ("2027-11-29", 3, "2028-02-29"),  # leap year
        ("2026-01-31", 2, "2026-03-31"),  # from the anchor in one step, not via 28 Feb
        ("2026-01-10", 0, "2026-01-10"),
    ],
)
def test_add_calendar_months_gives_the_corresponding_date_or_the_month_end(start, n, expected):
    assert add_calendar_months(D(start), n) == D(expected)


DODDS_V_WALKER = [
    # deemed given, months, period ends, earliest effective date
    ("2026-01-10", 3, "2026-04-10", "2026-04-11"),
    ("2025-11-30", 3, "2026-02-28", "2026-03-01"),
    ("2026-08-31", 3, "2026-11-30", "2026-12-01"),
    ("2026-05-31", 3, "2026-08-31", "2026-09-01"),
    ("2027-11-29", 3, "2028-02-29", "2028-03-01"),
]


@pytest.mark.parametrize("deemed, months, ends, _effective", DODDS_V_WALKER)
def test_notice_period_ends_on_the_corresponding_date_or_month_end(
    deemed, months, ends, _effective
):
    assert notice_period_end(D(deemed), months) == D(ends)


@pytest.mark.parametrize("deemed, months, _ends, effective", DODDS_V_WALKER)
def test_earliest_effective_date_is_the_day_after_the_period_ends(deemed, months, _ends, effective):
    assert earliest_effective_date(D(deemed), months) == D(effective)


# --- Deemed given --------------------------------------------------------------------------


@pytest.mark.parametrize("channel", ["email", "portal"])
@pytest.mark.parametrize(
    "sent_at, expected",
    [
        ("2026-01-14T16:59", "2026-01-14"),  # GMT: 16:59 local
        ("2026-01-14T17:00", "2026-01-15"),  # GMT: 17:00 local
        ("2026-07-15T15:59", "2026-07-15"),  # BST: 16:59 local
        ("2026-07-15T16:00", "2026-07-16"),  # BST: 17:00 local
        ("2026-07-15T15:30", "2026-07-15"),  # BST: 16:30 local
        ("2026-07-15T16:30", "2026-07-16"),  # BST: 17:30 local, though 16:30 UTC
    ],
)
def test_electronic_notice_before_17_00_local_counts_that_day(channel, sent_at, expected):
    assert deemed_given(utc(sent_at), channel) == D(expected)


@pytest.mark.parametrize(
    "sent_at, expected",
    [
        ("2026-01-16T17:30", "2026-01-19"),  # Friday evening -> Monday
        ("2026-01-17T10:00", "2026-01-19"),  # Saturday -> Monday
        ("2027-03-25T17:30", "2027-03-30"),  # Thursday before Easter -> Tuesday after
        ("2026-12-24T17:30", "2026-12-29"),  # Christmas Eve -> after the substitute Monday
        ("2026-12-25T09:00", "2026-12-29"),  # on a bank holiday, before 17:00
    ],
)
def test_electronic_notice_outside_working_hours_counts_the_next_working_day(sent_at, expected):
    assert deemed_given(utc(sent_at), "email") == D(expected)


@pytest.mark.parametrize(
    "sent_at, expected",
    [
        ("2026-03-28T23:30", "2026-03-30"),  # Saturday 23:30 GMT -> Monday
        ("2026-03-29T23:30", "2026-03-30"),  # already Monday 00:30 BST
        ("2026-10-25T16:30", "2026-10-26"),  # Sunday after clocks go back
        ("2026-10-26T16:59", "2026-10-26"),  # first working day back on GMT, 16:59 local
        ("2026-03-30T16:00", "2026-03-31"),  # first working day on BST, 17:00 local
    ],
)
def test_electronic_notice_on_clock_change_weekends_uses_london_time(sent_at, expected):
    assert deemed_given(utc(sent_at), "email") == D(expected)


@pytest.mark.parametrize(
    "sent_at, expected",
    [
        ("2026-01-15T10:00", "2026-01-19"),  # Thursday -> following Monday
        ("2026-01-15T20:00", "2026-01-19"),  # the time of day does not matter
        ("2027-12-23T10:00", "2027-12-29"),  # over two substitute days
        ("2026-01-17T10:00", "2026-01-20"),  # posted on a Saturday
    ],
)
def test_first_class_post_counts_on_the_second_working_day_after_posting(sent_at, expected):
    assert deemed_given(utc(sent_at), "first_class_post") == D(expected)


@pytest.mark.parametrize(
    "sent_at, expected",
    [
        ("2026-07-18T22:30", "2026-07-18"),  # Saturday 23:30 BST
        ("2026-07-18T23:30", "2026-07-19"),  # Sunday 00:30 BST
        ("2026-12-25T12:00", "2026-12-25"),  # a bank holiday
    ],
)
def test_hand_delivery_counts_on_the_local_date_handed_over(sent_at, expected):
    assert deemed_given(utc(sent_at), "hand") == D(expected)


def test_deemed_given_accepts_any_aware_timezone():
    new_york = timezone(timedelta(hours=-5))
    # 11:30 in New York is 16:30 in London in January.
    assert deemed_given(datetime(2026, 1, 14, 11, 30, tzinfo=new_york), "email") == D("2026-01-14")


def test_deemed_given_uses_the_calendar_handed_in():
    calendar = WorkingCalendar()
    calendar.add_holiday(D("2026-01-14"), "One-off")
    assert deemed_given(utc("2026-01-14T10:00"), "email", calendar=calendar) == D("2026-01-15")


def test_deemed_given_refuses_an_unknown_channel_naming_the_allowed_ones():
    with pytest.raises(ValueError) as excinfo:
        deemed_given(utc("2026-01-14T10:00"), "fax")
    assert all(channel in str(excinfo.value) for channel in CHANNELS)


def test_deemed_given_refuses_a_naive_datetime():
    with pytest.raises(ValueError):
        deemed_given(datetime(2026, 1, 14, 10, 0), "email")


# --- London days and UTC instants ----------------------------------------------------------


@pytest.mark.parametrize(
    "day, expected",
    [
        ("2026-07-01", "2026-07-01T23:00"),  # BST
        ("2026-12-01", "2026-12-02T00:00"),  # GMT
        ("2026-03-29", "2026-03-29T23:00"),  # clocks go forward: a 23-hour day
        ("2026-10-25", "2026-10-26T00:00"),  # clocks go back: a 25-hour day
        ("2026-03-28", "2026-03-29T00:00"),
        ("2026-10-24", "2026-10-24T23:00"),
    ],
)
def test_end_of_day_utc_is_london_midnight_at_the_start_of_the_next_day(day, expected):
    end = end_of_day_utc(D(day))
    assert end == utc(expected)
    assert end.utcoffset() == timedelta(0)


@pytest.mark.parametrize(
    "day, expected",
    [
        ("2026-07-01", "2026-06-30T23:00"),
        ("2026-12-01", "2026-12-01T00:00"),
        ("2026-03-29", "2026-03-29T00:00"),
        ("2026-10-25", "2026-10-24T23:00"),
    ],
)
def test_start_of_day_utc_is_london_midnight(day, expected):
    assert start_of_day_utc(D(day)) == utc(expected)


@pytest.mark.parametrize(
    "day, hours",
    [("2026-03-29", 23), ("2026-10-25", 25), ("2026-07-01", 24)],
)
def test_clock_change_days_are_23_or_25_hours_long(day, hours):
    assert end_of_day_utc(D(day)) - start_of_day_utc(D(day)) == timedelta(hours=hours)


@pytest.mark.parametrize(
    "instant, expected",
    [
        ("2026-07-01T22:59", "2026-07-01"),
        ("2026-07-01T23:00", "2026-07-02"),
        ("2026-12-01T23:59", "2026-12-01"),
        ("2026-10-24T23:30", "2026-10-25"),  # 00:30 BST
        ("2026-10-25T23:30", "2026-10-25"),  # 23:30 GMT
    ],
)
def test_local_date_is_the_london_calendar_date(instant, expected):
    assert local_date(utc(instant)) == D(expected)


def test_local_date_refuses_a_naive_datetime():
    with pytest.raises(ValueError):
        local_date(datetime(2026, 7, 1, 12, 0))
