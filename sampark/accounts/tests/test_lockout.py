"""Log-in throttling (issue #12): django-axes locks an account, and an address, after
SAMPARK_LOGIN_FAILURE_LIMIT (5) failed log-ins, for the cool-off (15 minutes)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.test import Client, RequestFactory

from conftest import make_user
from sampark.accounts.enums import Role
from sampark.accounts.signin import client_ip

LIMIT = 5


def log_in(
    client: Client, username: str, password: str, address: str = "10.0.0.1", **headers: str
) -> Any:
    data = {"username": username, "password": password}
    extra: dict[str, Any] = {"REMOTE_ADDR": address, **headers}
    return client.post("/login/", data, **extra)


def logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_the_limit_is_five_tries(settings):
    assert settings.AXES_FAILURE_LIMIT == LIMIT


def test_the_fifth_wrong_password_locks_the_account_and_the_right_one_is_refused(client, alice):
    # given four wrong passwords, each answered with the form again
    for _ in range(LIMIT - 1):
        assert log_in(client, "alice", "wrong").status_code == 200
    # when the fifth one is tried
    fifth = log_in(client, "alice", "wrong")
    # then the lockout page answers: 429, not a 500
    assert fifth.status_code == 429
    assert fifth["Retry-After"] == "900"
    assert b'data-testid="locked-out"' in fifth.content
    # and the right password no longer logs in
    right = log_in(client, "alice", "pw")
    assert right.status_code == 429
    assert not logged_in(client)


def test_the_lockout_page_speaks_hindi_and_english(client, alice):
    for _ in range(LIMIT):
        response = log_in(client, "alice", "wrong")
    text = response.content.decode()
    assert "Too many failed log-ins" in text
    assert "बहुत बार गलत लॉग इन" in text


def test_the_account_is_locked_from_any_address(client, alice):
    # given five failures for alice, each from a different address
    for n in range(LIMIT):
        log_in(client, "alice", "wrong", address=f"10.0.1.{n}")
    # when she tries the right password from a sixth address
    response = log_in(client, "alice", "pw", address="10.0.1.99")
    # then she is refused
    assert response.status_code == 429
    assert not logged_in(client)


def test_an_address_is_locked_on_any_account(client, tree, alice):
    # given five failures from one address, each on a different account (password spraying)
    for n in range(LIMIT):
        make_user(f"user{n}", tree.state, Role.ANALYST)
        log_in(client, f"user{n}", "wrong", address="10.0.2.1")
    # when alice logs in from that address, she is refused
    assert log_in(client, "alice", "pw", address="10.0.2.1").status_code == 429
    assert not logged_in(client)
    # while from her own address she gets in
    assert log_in(client, "alice", "pw", address="10.0.2.2").status_code == 302
    assert logged_in(client)


def test_the_lock_ends_after_the_cooloff(client, alice):
    with time_machine.travel(dt.datetime(2026, 3, 1, 10, 0, tzinfo=dt.UTC), tick=False) as clock:
        # given alice locked at 10:00
        for _ in range(LIMIT):
            log_in(client, "alice", "wrong")
        # when she tries at 10:14, she is still refused (and the refusal restarts the cool-off)
        clock.shift(dt.timedelta(minutes=14))
        assert log_in(client, "alice", "pw").status_code == 429
        # then 15 minutes after that last try she gets in
        clock.shift(dt.timedelta(minutes=16))
        assert log_in(client, "alice", "pw").status_code == 302
        assert logged_in(client)


def test_a_success_does_not_reset_the_address_count(client, tree, alice, bob):
    # given four failures on bob's account from one address
    for _ in range(LIMIT - 1):
        log_in(client, "bob", "wrong", address="10.0.3.1")
    # when alice (an insider) logs in from that address in between
    assert log_in(client, "alice", "pw", address="10.0.3.1").status_code == 302
    client.logout()
    # then the next failure on bob still locks him
    assert log_in(client, "bob", "wrong", address="10.0.3.1").status_code == 429


def test_json_clients_get_a_json_lockout(client, alice):
    for _ in range(LIMIT):
        response = log_in(client, "alice", "wrong", HTTP_ACCEPT="application/json")
    assert response.status_code == 429
    assert "Try again in 15 minutes" in response.json()["detail"]


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected", "_case"),
    [
        (0, "1.2.3.4", "192.0.2.9", "no proxy: the header is ignored"),
        (1, "6.6.6.6, 1.2.3.4", "1.2.3.4", "one proxy: the right-most entry"),
        (2, "6.6.6.6, 1.2.3.4, 10.1.1.1", "1.2.3.4", "two proxies"),
        (1, "", "192.0.2.9", "header missing: the socket's address"),
        (1, "not-an-ip", "192.0.2.9", "garbage: the socket's address"),
    ],
)
def test_client_ip_behind_proxies(settings, proxies, forwarded, expected, _case):
    settings.SAMPARK_PROXY_COUNT = proxies
    request = RequestFactory().get("/", REMOTE_ADDR="192.0.2.9", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


def test_behind_a_proxy_the_lock_is_per_client_not_per_proxy(client, settings, alice, bob):
    # given one proxy in front: every request comes from its address
    settings.SAMPARK_PROXY_COUNT = 1
    for _ in range(LIMIT):
        log_in(client, "nobody", "wrong", address="10.9.9.9", HTTP_X_FORWARDED_FOR="203.0.113.5")
    # when another client logs in through the same proxy, it is not locked
    response = log_in(client, "alice", "pw", address="10.9.9.9", HTTP_X_FORWARDED_FOR="6.6.6.6")
    assert response.status_code == 302
