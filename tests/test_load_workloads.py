"""``make load``'s workloads: each governed request beside its stamp twin,
with the same credentials, once with an API key and once with a session."""

from ovdev.load_workloads import session_headers, workloads

SAMPLE = {"target_id": 7, "actor_id": 3, "target_ids": [7, 8]}


def test_every_authentication_has_the_same_questions():
    names = [name for name, _governed, _stamp in workloads("KEY", "SID")]
    assert names == [
        "check (key)",
        "check_many (100 ids) (key)",
        "targets (my ids) (key)",
        "explain (key)",
        "check (session)",
        "check_many (100 ids) (session)",
        "targets (my ids) (session)",
        "explain (session)",
        "call_kw check_governed (session)",
    ]


def test_the_stamp_twin_has_the_same_credentials():
    for name, governed, stamp in workloads("KEY", "SID"):
        assert governed.headers == stamp.headers, name
        if "(key)" in name:
            assert governed.headers == {"Authorization": "Bearer KEY"}
        else:
            assert governed.headers["Cookie"] == "session_id=SID"
            assert "Authorization" not in governed.headers


def test_a_session_sends_what_auth_bearer_asks_for():
    assert session_headers("SID") == {
        "Cookie": "session_id=SID",
        "Sec-Fetch-Dest": "document",
        "Sec-Fetch-Mode": "navigate",
        "Sec-Fetch-Site": "same-origin",
        "Sec-Fetch-User": "?1",
    }


def test_params_and_answers():
    by_name = {name: (governed, stamp) for name, governed, stamp in workloads("KEY", "SID")}
    governed, stamp = by_name["check_many (100 ids) (session)"]
    assert (governed.path, stamp.path) == ("/ov/v1/check_many", "/ov_test/v1/stamp/check_many")
    assert governed.params(SAMPLE) == {
        "model": "ov.sa_test_target",
        "target_ids": [7, 8],
        "actor_id": 3,
    }
    assert stamp.params(SAMPLE) == {"target_ids": [7, 8], "actor_id": 3}
    assert governed.answer({"8": False, "7": True}) == [(7, True), (8, False)]
    governed, stamp = by_name["targets (my ids) (key)"]
    assert governed.params(SAMPLE) == {"model": "ov.sa_test_target", "actor_id": 3}
    assert stamp.params(SAMPLE) == {"actor_id": 3}
    governed, stamp = by_name["call_kw check_governed (session)"]
    assert governed.params(SAMPLE) == {
        "model": "ov.sa_test_target",
        "method": "check_governed",
        "args": [7],
        "kwargs": {"actor_id": 3},
    }
    assert (governed.envelope, stamp.envelope) == (False, False)
    assert stamp.params(SAMPLE)["args"] == [[["id", "=", 7], ["stamp_actor_id", "=", 3]]]
