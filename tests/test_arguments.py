"""Validation of the public API's arguments: every bad value named, good ones normalised."""

import datetime

import pytest

ALLOWED = ("assignment", "access")


@pytest.mark.parametrize(
    ("value", "expected"),
    [(None, None), (False, None), (7, 7)],
)
def test_record_id_accepts_ids_and_absence(arguments, value, expected):
    assert arguments.record_id("sa_id", value) == expected


@pytest.mark.parametrize("value", [True, 0, -3, "12", [12], 1.5, {"id": 1}])
def test_record_id_refuses_anything_else_and_names_the_argument(arguments, value):
    with pytest.raises(arguments.ArgumentError, match="^sa_id must be the id of a record"):
        arguments.record_id("sa_id", value)


def test_record_id_required(arguments):
    with pytest.raises(arguments.ArgumentError, match="^target_id is required"):
        arguments.record_id("target_id", None, required=True)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, None),
        (False, None),
        ([], None),
        ("access", ["access"]),
        (["access", "assignment"], ["access", "assignment"]),
        (("access",), ["access"]),
    ],
)
def test_kinds_normalised(arguments, value, expected):
    assert arguments.kinds(value, ALLOWED) == expected


@pytest.mark.parametrize("value", [[["access"]], 3, True, {"kind": "access"}, [{"a": 1}], [1]])
def test_kinds_of_the_wrong_shape(arguments, value):
    with pytest.raises(arguments.ArgumentError, match="^kinds must be a kind or a list of kinds"):
        arguments.kinds(value, ALLOWED)


def test_unknown_kind_is_named(arguments):
    with pytest.raises(arguments.ArgumentError, match=r"^kinds: 'binding' is not a kind"):
        arguments.kinds(["access", "binding"], ALLOWED)


@pytest.mark.parametrize(("value", "expected"), [(None, 0), (0, 0), (80, 80)])
def test_count(arguments, value, expected):
    assert arguments.count("offset", value, default=0) == expected


@pytest.mark.parametrize("value", [-1, "10", True, 2.0])
def test_count_refused(arguments, value):
    with pytest.raises(arguments.ArgumentError, match="^limit must be a non-negative integer"):
        arguments.count("limit", value)


def test_record_ids(arguments):
    assert arguments.record_ids("res_ids", [3, 4]) == [3, 4]
    with pytest.raises(arguments.ArgumentError, match="^res_ids must be a list"):
        arguments.record_ids("res_ids", "3,4")
    with pytest.raises(arguments.ArgumentError, match=r"^res_ids\[1\] must be the id"):
        arguments.record_ids("res_ids", [3, "4"])


def test_domain_and_text(arguments):
    assert arguments.domain(None) == []
    assert arguments.domain((("name", "=", "x"),)) == [("name", "=", "x")]
    with pytest.raises(arguments.ArgumentError, match="^domain must be a list"):
        arguments.domain("[('name', '=', 'x')]")
    assert arguments.text("order", "name desc") == "name desc"
    with pytest.raises(arguments.ArgumentError, match="^order must be a text"):
        arguments.text("order", ["name"])


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, None),
        (False, None),
        ("", None),
        ("2026-03-31 17:00:00", datetime.datetime(2026, 3, 31, 17, 0, 0)),
        ("2026-03-31T17:00:00.750", datetime.datetime(2026, 3, 31, 17, 0, 0)),
        ("2026-03-31T19:00:00+02:00", datetime.datetime(2026, 3, 31, 17, 0, 0)),
        ("2026-03-31T17:00:00Z", datetime.datetime(2026, 3, 31, 17, 0, 0)),
        ("2026-03-31", datetime.datetime(2026, 3, 31, 0, 0, 0)),
        (datetime.date(2026, 3, 31), datetime.datetime(2026, 3, 31, 0, 0, 0)),
        (datetime.datetime(2026, 3, 31, 17, 0, 0, 5), datetime.datetime(2026, 3, 31, 17, 0, 0)),
    ],
)
def test_moment_normalised_to_utc_seconds(arguments, value, expected):
    assert arguments.moment("at", value) == expected


@pytest.mark.parametrize("value", ["last march", "2026-13-01", 1711904400, True, ["2026-03-31"]])
def test_moment_refused_by_name(arguments, value):
    with pytest.raises(arguments.ArgumentError, match=r"^at must be a date and time in UTC"):
        arguments.moment("at", value)


def test_ids_and_counts_stay_within_postgresql_integers(arguments):
    assert arguments.record_id("target_id", 2**31 - 1) == 2**31 - 1
    for name, check in (("target_id", arguments.record_id), ("limit", arguments.count)):
        with pytest.raises(arguments.ArgumentError, match=f"^{name} must be"):
            check(name, 2**31)


def test_moment_out_of_range_is_named(arguments):
    with pytest.raises(arguments.ArgumentError, match="^at: 0001-01-01T00:00:00\\+01:00 is out"):
        arguments.moment("at", "0001-01-01T00:00:00+01:00")
