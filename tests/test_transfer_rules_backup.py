"""The rules of the full backup (``prep export FILE.json`` / ``prep import FILE.json``),
pinned in-process: the exact JSON an export holds, the file it writes, and how a backup —
complete, minimal or damaged — is restored into an empty home, and refused otherwise.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from prep.grading.attempts import Attempt
from prep.scheduling.marks import CardMarks
from prep.scheduling.memory import CardState, Rating, Stage
from prep.scheduling.replay import Review, ReviewKind
from prep.store import Store
from prep.transfer.backup import BackupError, export_backup, restore_backup, write_in_place

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
FITTED = tuple(round(0.1 * n + 0.05, 2) for n in range(21))  # a full FSRS-6 set
T1 = NOW + timedelta(minutes=1)
DUE = datetime(2026, 3, 14, 8, 30, tzinfo=UTC)


def _fill(store: Store) -> None:
    store.set_installation_id("install-a")
    store.add_reviews(
        [
            Review(
                "r-1", "alpha/card-1", Rating.Good, NOW, 1500, "install-a", stage_before=Stage.NEW
            ),
            Review("r-2", "alpha/card-1", None, T1, None, "install-b", ReviewKind.RESET),
            Review("r-3", "beta/card-1", Rating.Again, T1, None, "install-b"),
        ]
    )
    store.write_states(
        [
            CardState("alpha/card-2", Stage.REVIEW, None, 3.5, 6.25, DUE, NOW, 4, 1),
            CardState("beta/card-1", Stage.LEARNING, 1, 0.5, 5.0, T1, None, 1, 0),
        ]
    )
    store.set_marks("beta/card-2", CardMarks(False, DUE, False), T1)
    store.set_marks("alpha/card-3", CardMarks(True, None, True))
    store.save_draft("beta/card-2", "x = 'é'", T1)
    store.save_draft("alpha/card-1", "def f(): ...", NOW)
    store.record_attempt(
        Attempt(
            "a-1", "alpha/card-1", "submit", NOW, "def f(): 1", True, {"passed": 2}, 40, "install-a"
        )
    )
    store.save_fit(FITTED, {"reviews": 400})


EXPORTED: dict[str, Any] = {
    "format": "prep-backup",
    "version": 1,
    "exported_at": "2026-03-10T12:00:00+00:00",
    "installation_id": "install-a",
    "reviews": [
        {
            "id": "r-1",
            "card_key": "alpha/card-1",
            "rating": 3,
            "reviewed_at": "2026-03-10T12:00:00+00:00",
            "duration_ms": 1500,
            "installation_id": "install-a",
            "kind": "review",
            "stage_before": 0,
            "seq": None,
        },
        {
            "id": "r-2",
            "card_key": "alpha/card-1",
            "rating": None,
            "reviewed_at": "2026-03-10T12:01:00+00:00",
            "duration_ms": None,
            "installation_id": "install-b",
            "kind": "reset",
            "stage_before": None,
            "seq": None,
        },
        {
            "id": "r-3",
            "card_key": "beta/card-1",
            "rating": 1,
            "reviewed_at": "2026-03-10T12:01:00+00:00",
            "duration_ms": None,
            "installation_id": "install-b",
            "kind": "review",
            "stage_before": None,
            "seq": None,
        },
    ],
    "card_states": [
        {
            "card_key": "alpha/card-2",
            "stage": 2,
            "step": None,
            "stability": 3.5,
            "difficulty": 6.25,
            "due": "2026-03-14T08:30:00+00:00",
            "last_review": "2026-03-10T12:00:00+00:00",
            "reps": 4,
            "lapses": 1,
        },
        {
            "card_key": "beta/card-1",
            "stage": 1,
            "step": 1,
            "stability": 0.5,
            "difficulty": 5.0,
            "due": "2026-03-10T12:01:00+00:00",
            "last_review": None,
            "reps": 1,
            "lapses": 0,
        },
    ],
    "marks": [  # sorted by card
        {
            "card_key": "alpha/card-3",
            "suspended": True,
            "buried_until": None,
            "leech": True,
            "changed_at": None,
        },
        {
            "card_key": "beta/card-2",
            "suspended": False,
            "buried_until": "2026-03-14T08:30:00+00:00",
            "leech": False,
            "changed_at": "2026-03-10T12:01:00+00:00",
        },
    ],
    "drafts": [  # sorted by card
        {
            "card_key": "alpha/card-1",
            "code": "def f(): ...",
            "updated_at": "2026-03-10T12:00:00+00:00",
        },
        {"card_key": "beta/card-2", "code": "x = 'é'", "updated_at": "2026-03-10T12:01:00+00:00"},
    ],
    "attempts": [
        {
            "id": "a-1",
            "card_key": "alpha/card-1",
            "kind": "submit",
            "submitted_at": "2026-03-10T12:00:00+00:00",
            "code": "def f(): 1",
            "passed": True,
            "summary": {"passed": 2},
            "duration_ms": 40,
            "installation_id": "install-a",
        }
    ],
    "settings": {"new_per_day": 7},
    "fitted_parameters": list(FITTED),
    "fit": {"reviews": 400},
}


def _backup(**parts: Any) -> dict[str, Any]:
    return {"format": "prep-backup", "version": 1, **parts}


# -- the export --------------------------------------------------------------------------


def test_an_export_holds_every_review_state_mark_draft_attempt_setting_and_fit(
    store: Store,
) -> None:
    _fill(store)
    assert export_backup(store, {"new_per_day": 7}, NOW) == EXPORTED


def test_an_export_of_an_empty_home_has_empty_lists_and_no_fit(store: Store) -> None:
    store.set_installation_id("install-a")
    assert export_backup(store, {}, NOW) == {
        "format": "prep-backup",
        "version": 1,
        "exported_at": "2026-03-10T12:00:00+00:00",
        "installation_id": "install-a",
        "reviews": [],
        "card_states": [],
        "marks": [],
        "drafts": [],
        "attempts": [],
        "settings": {},
        "fitted_parameters": None,
        "fit": None,
    }


def test_the_export_file_is_indented_utf8_json_written_in_place_of_the_old(
    tmp_path: Path,
) -> None:
    path = tmp_path / "backup.json"
    path.write_text("old", encoding="utf-8")
    data = {"note": "Zoë", "list": [1]}
    write_in_place(path, lambda out: out.write(json.dumps(data, indent=1, ensure_ascii=False)))
    assert path.read_bytes() == '{\n "note": "Zoë",\n "list": [\n  1\n ]\n}'.encode()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["backup.json"]


# -- restoring -----------------------------------------------------------------------


def test_an_export_restores_into_an_empty_home_exactly(store: Store, tmp_path: Path) -> None:
    _fill(store)
    other = Store.open(tmp_path / "other" / "prep.db")
    try:
        settings = restore_backup(other, export_backup(store, {"new_per_day": 7}, NOW))
        assert settings == {"new_per_day": 7}
        assert export_backup(other, {"new_per_day": 7}, NOW) == EXPORTED
        assert other.installation_id == "install-a"
        assert other.reviews() == store.reviews()
        assert other.card_states() == store.card_states()
        assert other.marks() == store.marks()
        assert other.drafts() == store.drafts()
        assert other.attempts() == store.attempts()
    finally:
        other.close()


def test_a_minimal_backup_restores_with_the_defaults(store: Store) -> None:
    own_id = store.installation_id
    data = _backup(
        reviews=[
            {
                "id": "r-1",
                "card_key": "alpha/card-1",
                "rating": 4,
                "reviewed_at": "2026-03-10T12:00:00+00:00",
                "installation_id": "install-b",
                "stage_before": 0,
            },
            {
                "id": "r-2",
                "card_key": "alpha/card-1",
                "reviewed_at": "2026-03-10T12:01:00+00:00",
                "installation_id": "install-b",
                "kind": "reset",
            },
        ],
        card_states=[
            {"card_key": "beta/card-1", "stage": 1, "due": "2026-03-14T08:30:00+00:00"},
        ],
        marks=[{"card_key": "beta/card-2", "suspended": True}],
        drafts=[
            {"card_key": "beta/card-2", "code": "x", "updated_at": "2026-03-10T12:01:00+00:00"}
        ],
        attempts=[
            {
                "id": "a-1",
                "card_key": "alpha/card-1",
                "kind": "predict",
                "submitted_at": "2026-03-10T12:00:00+00:00",
                "code": "1",
                "passed": False,
                "installation_id": "install-b",
            }
        ],
    )
    assert restore_backup(store, data) == {}
    assert store.reviews() == [
        Review("r-1", "alpha/card-1", Rating.Easy, NOW, None, "install-b", stage_before=Stage.NEW),
        Review("r-2", "alpha/card-1", None, T1, None, "install-b", ReviewKind.RESET),
    ]
    assert store.card_states() == {
        "beta/card-1": CardState("beta/card-1", Stage.LEARNING, None, None, None, DUE, None, 0, 0)
    }
    assert store.marks() == {"beta/card-2": CardMarks(True, None, False)}
    assert store.drafts() == {"beta/card-2": ("x", T1)}
    assert store.attempts() == [
        Attempt("a-1", "alpha/card-1", "predict", NOW, "1", False, {}, 0, "install-b")
    ]
    assert store.fitted_parameters() is None
    assert store.fit_record() is None
    assert store.installation_id == own_id  # none in the backup: the home keeps its own


def test_fitted_parameters_are_restored_as_numbers_with_their_record(store: Store) -> None:
    restore_backup(store, _backup(fitted_parameters=[2, *FITTED[1:]], installation_id="install-b"))
    assert store.fitted_parameters() == (2.0, *FITTED[1:])
    assert store.fit_record() == {}
    assert store.installation_id == "install-b"
    assert store.meta("installation_id") == "install-b"


def test_settings_that_are_not_a_mapping_restore_as_no_settings(store: Store) -> None:
    assert restore_backup(store, _backup(settings=["new_per_day", 7])) == {}


def test_a_file_that_is_not_a_prep_backup_is_refused(store: Store) -> None:
    for data in ({}, {"format": "anki", "version": 1}):
        with pytest.raises(BackupError) as raised:
            restore_backup(store, data)
        assert str(raised.value) == "not a prep backup (no 'format: prep-backup')"


def test_a_backup_of_another_version_is_refused_with_both_versions(store: Store) -> None:
    with pytest.raises(BackupError) as raised:
        restore_backup(store, {"format": "prep-backup", "version": 2})
    assert str(raised.value) == "backup version 2 is not supported (this prep reads 1)"
    with pytest.raises(BackupError) as raised:
        restore_backup(store, {"format": "prep-backup"})
    assert str(raised.value) == "backup version None is not supported (this prep reads 1)"


def test_a_home_with_a_history_refuses_a_restore_and_keeps_its_history(store: Store) -> None:
    store.save_draft("alpha/card-1", "mine", NOW)
    data = _backup(
        drafts=[{"card_key": "beta/card-1", "code": "theirs", "updated_at": "2026-03-10T12:00:00Z"}]
    )
    with pytest.raises(BackupError) as raised:
        restore_backup(store, data)
    assert str(raised.value) == (
        "the home already holds a history; restore into an empty home (--home NEW_FOLDER)"
    )
    assert store.drafts() == {"alpha/card-1": ("mine", NOW)}


REVIEW = {
    "id": "r-1",
    "card_key": "alpha/card-1",
    "rating": 3,
    "reviewed_at": "2026-03-10T12:00:00+00:00",
    "installation_id": "install-b",
}
STATE = {"card_key": "alpha/card-1", "stage": 2, "due": "2026-03-14T08:30:00+00:00"}
ATTEMPT = {
    "id": "a-1",
    "card_key": "alpha/card-1",
    "kind": "submit",
    "submitted_at": "2026-03-10T12:00:00+00:00",
    "code": "1",
    "passed": True,
    "installation_id": "install-b",
}


DRAFT = {"card_key": "beta/card-1", "code": "x", "updated_at": "2026-03-10T12:00:00+00:00"}
MARK = {"card_key": "beta/card-1", "suspended": True, "leech": False}


def _damaged(**parts: Any) -> dict[str, Any]:
    """A backup whose every part is fine but the ones given."""
    fine = {
        "reviews": [{**REVIEW, "id": "r-fine"}],
        "card_states": [STATE],
        "marks": [MARK],
        "drafts": [DRAFT],
        "attempts": [{**ATTEMPT, "id": "a-fine"}],
        "fitted_parameters": [0.5] * 21,
    }
    return _backup(**(fine | parts))


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            _damaged(reviews=[{k: v for k, v in REVIEW.items() if k != "id"}]),
            "reviews[0].id must be a string",
        ),
        (
            _damaged(reviews=[{**REVIEW, "reviewed_at": 5}]),
            "reviews[0].reviewed_at must be a date and time with a time zone",
        ),
        (
            _damaged(reviews=[{**REVIEW, "rating": 7}]),
            "reviews[0].rating must be 1 to 4 for a review, and null only for a reset",
        ),
        (
            _damaged(reviews=[{**REVIEW, "kind": "undo"}]),
            "reviews[0].kind must be one of 'review', 'reset'",
        ),
        (
            _damaged(reviews=[{**REVIEW, "stage_before": 5}]),
            "reviews[0].stage_before must be one of 0, 1, 2, 3",
        ),
        (
            _damaged(card_states=[{**STATE, "stage": 9}]),
            "card_states[0].stage must be one of 0, 1, 2, 3",
        ),
        (
            _damaged(card_states=[{"card_key": "alpha/card-1", "stage": 2}]),
            "card_states[0].due must be a date and time with a time zone",
        ),
        (
            _damaged(card_states=[{**STATE, "reps": "many"}]),
            "card_states[0].reps must be an integer",
        ),
        (
            _damaged(attempts=[{k: v for k, v in ATTEMPT.items() if k != "code"}]),
            "attempts[0].code must be a string",
        ),
        # A review without a rating would leave a log prep cannot read back.
        (
            _damaged(reviews=[{k: v for k, v in REVIEW.items() if k != "rating"}]),
            "reviews[0].rating must be 1 to 4 for a review, and null only for a reset",
        ),
        (
            _damaged(reviews=[{**REVIEW, "rating": None}]),
            "reviews[0].rating must be 1 to 4 for a review, and null only for a reset",
        ),
        (
            _damaged(reviews=[{**REVIEW, "rating": 0}]),
            "reviews[0].rating must be 1 to 4 for a review, and null only for a reset",
        ),
        # Marks, drafts and fitted parameters are checked before anything is written too.
        (
            _damaged(marks=[{"card_key": "beta/card-1", "suspended": "yes", "leech": True}]),
            "marks[0].suspended must be true or false",
        ),
        (
            _damaged(marks=[{**MARK, "buried_until": "soon"}]),
            "marks[0].buried_until must be a date and time with a time zone",
        ),
        (
            _damaged(drafts=[{"card_key": "beta/card-1", "updated_at": "2026-03-10"}]),
            "drafts[0].code must be a string",
        ),
        (
            _damaged(fitted_parameters=["x"]),
            "fitted_parameters must be 21 finite numbers",
        ),
        (
            _damaged(attempts=[{**ATTEMPT, "duration_ms": [1]}]),
            "attempts[0].duration_ms must be an integer",
        ),
    ],
)
def test_a_damaged_backup_is_refused_and_restores_nothing(
    store: Store, data: dict[str, Any], message: str
) -> None:
    with pytest.raises(BackupError) as raised:
        restore_backup(store, data)
    assert str(raised.value) == f"the backup is damaged: {message}"
    assert store.is_empty()
