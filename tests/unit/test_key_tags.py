"""Key tags: keys only the stack can issue keep TagoIO's shape and are told from forged ones without I/O."""

from __future__ import annotations

import secrets

import pytest
from inlet.core.key_tags import PARAMETER_LIMIT, KeyGate, new_gate, tag_secret_name, tagged_key
from inlet.core.keys import generate_key, is_well_formed, key_hash

pytestmark = pytest.mark.unit

SECRET = bytes(range(32))


def _gate(untagged: frozenset[str] | None = frozenset()) -> KeyGate:
    return KeyGate(SECRET, untagged)


def test_a_tagged_key_has_tagoio_s_shape_and_passes_its_own_gate_only():
    key = tagged_key(SECRET)
    assert is_well_formed(key) and len(key) == 34
    assert _gate().admits(key, key_hash(key))
    assert not KeyGate(secrets.token_bytes(32)).admits(key, key_hash(key))  # another stack's secret


def test_made_up_keys_do_not_pass_the_gate():
    forged = [generate_key() for _ in range(2000)]
    assert not [key for key in forged if _gate().admits(key, key_hash(key))]


def test_a_changed_character_breaks_the_tag():
    key = tagged_key(SECRET)
    for index in range(2, len(key)):
        changed = key[:index] + ("0" if key[index] != "0" else "1") + key[index + 1 :]
        assert not _gate().admits(changed, key_hash(changed)), index


def test_keys_issued_before_the_secret_pass_while_their_id_is_listed():
    old = generate_key()
    assert _gate(frozenset({key_hash(old)[:16]})).admits(old, key_hash(old))
    assert not _gate(frozenset({key_hash(generate_key())[:16]})).admits(old, key_hash(old))
    assert _gate(None).admits(old, key_hash(old))  # too many to list: every untagged key is looked up


def test_the_gate_survives_its_parameter_value():
    gate = new_gate(["00112233445566ff", "ffeeddccbbaa9988"])
    again = KeyGate.from_value(gate.to_value())
    assert again == gate and len(again.secret) == 32
    assert KeyGate.from_value(KeyGate(SECRET, None).to_value()).untagged is None


@pytest.mark.parametrize(
    "value",
    [
        "{not json",
        "[]",
        '{"untagged": []}',
        '{"secret": "zz"}',
        '{"secret": "00"}',
        '{"secret": "' + "ab" * 32 + '", "untagged": 3}',
    ],
)
def test_a_value_this_code_did_not_write_is_refused(value):
    with pytest.raises((ValueError, KeyError)):
        KeyGate.from_value(value)


def test_the_listed_ids_fit_in_a_standard_parameter_or_every_untagged_key_stays_admitted():
    ids = [f"{i:016x}" for i in range(200)]
    assert len(new_gate(ids).to_value()) <= PARAMETER_LIMIT and new_gate(ids).untagged == frozenset(ids)
    many = [f"{i:016x}" for i in range(400)]
    assert new_gate(many).untagged is None


def test_the_secret_lives_beside_the_keys_path_not_under_it():
    assert tag_secret_name("/inlet/dev/keys") == "/inlet/dev/key-tag-secret"
    assert tag_secret_name("/inlet/prod/keys/") == "/inlet/prod/key-tag-secret"
