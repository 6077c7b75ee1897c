"""identity.follows_from: whether an account's key follows from the keys seen signing as it."""

from __future__ import annotations

from safedesk.store import identity
from safedesk.store.crypto import SignKeys

STORE = "0123456789abcdef0123456789abcdef"


def test_a_key_reached_by_the_holders_own_changes_follows() -> None:
    first, second, third = SignKeys.generate(), SignKeys.generate(), SignKeys.generate()
    chain = [
        identity.issue(STORE, "changed", "ada", first, "ada", second.public),
        identity.issue(STORE, "changed", "ada", second, "ada", third.public),
    ]
    assert identity.follows_from(STORE, chain, "ada", third.public, {first.public}, {})


def test_a_reset_by_someone_who_signed_here_follows_and_by_a_stranger_does_not() -> None:
    old, new, admin, stranger = (SignKeys.generate() for _ in range(4))
    by_admin = [identity.issue(STORE, "reset", "bob", admin, "ada", new.public)]
    by_stranger = [identity.issue(STORE, "reset", "bob", stranger, "ada", new.public)]
    signers = {"bob": {admin.public}}
    assert identity.follows_from(STORE, by_admin, "ada", new.public, {old.public}, signers)
    assert not identity.follows_from(STORE, by_stranger, "ada", new.public, {old.public}, signers)


def test_a_planted_key_with_a_copied_chain_does_not_follow() -> None:
    genuine, planted = SignKeys.generate(), SignKeys.generate()
    later = SignKeys.generate()
    copied = [identity.issue(STORE, "changed", "ada", genuine, "ada", later.public)]
    assert not identity.follows_from(STORE, copied, "ada", planted.public, {genuine.public}, {})
    # Nor a certificate whose signature does not match what it claims.
    forged = identity.Cert(
        "changed", "ada", genuine.public, "ada", planted.public, planted.sign(b"anything")
    )
    assert not identity.follows_from(STORE, [forged], "ada", planted.public, {genuine.public}, {})


def test_nothing_signed_before_or_the_same_key_follows() -> None:
    key = SignKeys.generate()
    assert identity.follows_from(STORE, [], "ada", key.public, set(), {})
    assert identity.follows_from(STORE, [], "ada", key.public, {key.public}, {})
