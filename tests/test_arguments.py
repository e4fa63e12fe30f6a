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


# ----------------------------------------------------------------------
# Size limits (issue 21, class 7): refused before any work, values written out
# ----------------------------------------------------------------------
def test_the_documented_limits(arguments):
    """The README's table: changing a limit is a decision, not a side effect."""
    assert (
        arguments.MAX_IDS,
        arguments.MAX_LIMIT,
        arguments.MAX_KINDS,
        arguments.MAX_DOMAIN_SIZE,
        arguments.MAX_DOMAIN_DEPTH,
        arguments.MAX_TEXT_LENGTH,
        arguments.MAX_REASON_LENGTH,
        arguments.MAX_REQUEST_BYTES,
    ) == (10_000, 10_000, 100, 10_000, 8, 1_000, 10_000, 1_048_576)


def test_ids_up_to_the_limit(arguments):
    ids = list(range(1, 10_001))
    assert arguments.record_ids("target_ids", ids) == ids
    with pytest.raises(
        arguments.ArgumentError,
        match=r"^target_ids: 10001 ids is more than the 10000 one call takes\.$",
    ):
        arguments.record_ids("target_ids", list(range(1, 10_002)))


def test_too_many_ids_are_refused_before_each_is_looked_at(arguments):
    """Four million items, none an id: the count answers, not the first bad item."""
    with pytest.raises(arguments.ArgumentError, match=r"^target_ids: 4000000 ids is more"):
        arguments.record_ids("target_ids", ["x"] * 4_000_000)


def test_kinds_up_to_the_limit(arguments):
    assert arguments.kinds(["access"] * 100, ALLOWED) == ["access"] * 100
    with pytest.raises(arguments.ArgumentError, match=r"^kinds: 101 kinds is more than the 100"):
        arguments.kinds(["access"] * 101, ALLOWED)
    with pytest.raises(arguments.ArgumentError, match=r"^kinds: 1000000 kinds is more"):
        arguments.kinds([{"not": "a kind"}] * 1_000_000, ALLOWED)


def test_limit_has_its_own_maximum(arguments):
    assert arguments.count("limit", 10_000, maximum=arguments.MAX_LIMIT) == 10_000
    with pytest.raises(
        arguments.ArgumentError,
        match=r"^limit must be a non-negative integer up to 10000, not 10001",
    ):
        arguments.count("limit", 10_001, maximum=arguments.MAX_LIMIT)


def test_a_long_text_is_refused_by_its_length(arguments):
    assert arguments.text("order", "n" * 1_000) == "n" * 1_000
    with pytest.raises(
        arguments.ArgumentError, match=r"^order: 1001 characters is more than 1000\.$"
    ):
        arguments.text("order", "n" * 1_001)
    assert arguments.reason("r" * 10_000) == "r" * 10_000
    with pytest.raises(
        arguments.ArgumentError, match=r"^reason: 10485760 characters is more than 10000\.$"
    ):
        arguments.reason("r" * 10 * 1024 * 1024)
    with pytest.raises(arguments.ArgumentError, match=r"^reason must be a text, not 12\.$"):
        arguments.reason(12)


def test_a_long_moment_is_refused_by_its_length(arguments):
    with pytest.raises(arguments.ArgumentError, match=r"^at: 1001 characters is not a date"):
        arguments.moment("at", "2" * 1_001)


def test_domains_within_the_limits(arguments):
    # 2 500 conditions of 3 parts: 2 500 + 7 500 elements, exactly the limit.
    domain = [("name", "=", "x")] * 2_500
    assert arguments.domain(domain) == domain
    # An "id in" condition of 9 996 ids: 1 + 3 + 9 996 elements.
    assert arguments.domain([("id", "in", list(range(1, 9_997)))])
    # Depth 8: the domain, a condition, its "any" sub-domain, a condition, ...
    # three sub-domains down, a condition.
    nested = [("id", "=", 1)]
    for _level in range(3):
        nested = [("child_ids", "any", nested)]
    assert arguments.domain(nested) == nested
    # One more level (the innermost value a list): refused.
    nested = [("id", "in", [1])]
    for _level in range(3):
        nested = [("child_ids", "any", nested)]
    with pytest.raises(arguments.ArgumentError, match=r"^domain: its lists nest more than 8 deep"):
        arguments.domain(nested)


def test_domains_past_the_limits_are_named(arguments):
    with pytest.raises(arguments.ArgumentError, match=r"^domain: more than 10000 elements"):
        arguments.domain([("name", "=", "x")] * 2_501)
    with pytest.raises(arguments.ArgumentError, match=r"^domain: more than 10000 elements"):
        arguments.domain(["|"] * 99_999 + [("id", "=", 1)] * 100_000)
    with pytest.raises(arguments.ArgumentError, match=r"^domain: its lists nest more than 8 deep"):
        deep = [1]
        for _level in range(100_000):
            deep = [deep]
        arguments.domain(deep)
    with pytest.raises(arguments.ArgumentError, match=r"^domain: the text 'xxx.* is longer than"):
        arguments.domain([("name", "ilike", "x" * 1_001)])
    with pytest.raises(arguments.ArgumentError, match=r"^domain: \{'a': 1\} is not a search term"):
        arguments.domain([("name", "=", {"a": 1})])


def test_errors_never_echo_a_huge_value(arguments):
    with pytest.raises(arguments.ArgumentError) as raised:
        arguments.record_id("target_id", "9" * 10_000_000)
    assert len(str(raised.value)) < 200
    assert str(raised.value).endswith("(10000002 characters).")
    with pytest.raises(arguments.ArgumentError, match=r"^target_ids must be a list of record ids, "
                       r"not a dict of 1000 items\.$"):  # fmt: skip
        arguments.record_ids("target_ids", {str(i): i for i in range(1_000)})


def test_unknown_arguments_are_named(arguments):
    arguments.known("check_governed", {"target_id": 1}, ("target_id", "actor_id"))
    with pytest.raises(
        arguments.ArgumentError,
        match=r"^check_governed: unknown argument\(s\) 'foo', 'self'; expected target_id, actor",
    ):
        arguments.known("check_governed", {"self": 1, "foo": 2}, ("target_id", "actor_id"))


@pytest.mark.parametrize("value", [1, 0, "true", None, []])
def test_boolean_refuses_anything_but_a_boolean(arguments, value):
    with pytest.raises(arguments.ArgumentError, match="^keep_actor_rows must be true or false"):
        arguments.boolean("keep_actor_rows", value)
    assert arguments.boolean("keep_actor_rows", True) is True


def test_unknown_arguments_of_a_function_are_named(arguments):
    def check_governed(self, target_id=None, actor_id=None, kinds=None, at=None, **unknown):
        arguments.known_to(check_governed, unknown)

    check_governed(None, 1, actor_id=2)
    with pytest.raises(
        arguments.ArgumentError,
        match=r"^check_governed: unknown argument\(s\) 'actor'; "
        r"expected target_id, actor_id, kinds, at\.$",
    ):
        check_governed(None, 1, actor=2)
