"""One sync of a home with its folder: read every installation's files, merge them
with the home's own history, put the result in the home (new reviews, the card
states replayed, marks, settings, fitted parameters) and write what the folder
lacks into this installation's own files.

Settings live in a file and fitted parameters in the database, neither with the
time it changed: the home keeps the stamped values of its last sync, and a value
that differs from them now was changed here since — when the settings file was
last written, or for parameters, by the time of this sync.
"""

from __future__ import annotations

import json
import math
import uuid
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from prep.clock import from_ms, to_ms
from prep.scheduling.marks import CardMarks
from prep.scheduling.memory import DEFAULT_PARAMETERS, memory_model
from prep.scheduling.replay import merged_order, replay_merged
from prep.settings import FIELDS, Settings, load_settings, save_settings, settings_from_mapping
from prep.store.repository import LogChangedError, Store
from prep.transfer.sync.folder import (
    FolderContents,
    Skipped,
    read_folder,
    write_attempts,
    write_log,
    write_state,
)
from prep.transfer.sync.merge import Replica, Stamped, merge_all
from prep.transfer.sync.setup import LAST_SYNC_KEY, folder_problem, sync_setup

KNOWN_KEY = "sync_known"  # the stamped settings and parameters of the last sync
HOME_KEY = "sync_home"  # this home's own name in the folder: see _take_own_id


@dataclass(frozen=True)
class SyncReport:
    folder: str
    synced_at: datetime
    installations: int  # the other installations whose files were read
    reviews_in: int  # reviews new to this home
    reviews_out: int  # reviews written for the others
    undone: int  # reviews taken back here because another installation undid them
    marks_changed: int
    settings_changed: tuple[str, ...]
    parameters_changed: bool
    reviews: int  # the reviews in the log after the sync
    skipped: tuple[Skipped, ...] = ()
    new_installation_id: str | None = None
    attempts_in: int = 0  # kata attempts new to this home
    attempts_out: int = 0  # kata attempts written for the others

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["synced_at"] = self.synced_at.isoformat()
        data["settings_changed"] = list(self.settings_changed)
        data["skipped"] = [asdict(skipped) for skipped in self.skipped]
        data["summary"] = self.summary()
        return data

    def summary(self) -> str:
        """What the sync did, in one line."""
        others = f"{self.installations} other installation{'s' if self.installations != 1 else ''}"
        parts = [f"{self.reviews_in} reviews in from {others}", f"{self.reviews_out} out"]
        if self.attempts_in or self.attempts_out:
            parts.append(f"kata attempts {self.attempts_in} in, {self.attempts_out} out")
        if self.undone:
            parts.append(f"{self.undone} taken back")
        if self.marks_changed:
            parts.append(f"{self.marks_changed} card marks changed")
        if self.settings_changed:
            parts.append(f"settings changed: {', '.join(self.settings_changed)}")
        if self.parameters_changed:
            parts.append("fitted parameters changed")
        if self.skipped:
            parts.append(f"{len(self.skipped)} files skipped")
        return ", ".join(parts)


def _canonical(value: Any) -> Any:
    """A value as JSON gives it back (an enum as its string): what a file holds."""
    return json.loads(json.dumps(value))


def settings_stamps(
    current: dict[str, Any], known: dict[str, Stamped], changed_ms: int
) -> dict[str, Stamped]:
    """The settings stamped: as the last sync knew them where unchanged; a value changed
    since, at ``changed_ms``. Before any sync, a default value was never chosen: it
    loses to any choice made elsewhere."""
    defaults = _canonical(Settings().to_dict())
    stamps = {}
    for key, value in _canonical(current).items():
        was = known.get(key)
        if was is not None and was.value == value:
            stamps[key] = was
        elif was is None and value == defaults.get(key):
            stamps[key] = Stamped(value, 0)
        else:
            stamps[key] = Stamped(value, changed_ms)
    return stamps


def marks_json(marks: CardMarks) -> dict[str, Any]:
    return {
        "suspended": marks.suspended,
        "buried_until": to_ms(marks.buried_until) if marks.buried_until is not None else None,
        "leech": marks.leech,
    }


def marks_from_json(value: Any) -> CardMarks | None:
    if not isinstance(value, dict):
        return None
    buried = value.get("buried_until")
    suspended, leech = value.get("suspended"), value.get("leech")
    if type(suspended) is not bool or type(leech) is not bool:
        return None
    if buried is not None and type(buried) is not int:
        return None
    return CardMarks(suspended, from_ms(buried) if buried is not None else None, leech)


def _parameters_from_json(value: Any) -> tuple[tuple[float, ...], dict[str, Any]] | None:
    if not isinstance(value, dict):
        return None
    parameters, fit = value.get("parameters"), value.get("fit")
    if (
        not isinstance(parameters, list)
        or len(parameters) != len(DEFAULT_PARAMETERS)
        or not all(type(v) in (int, float) and math.isfinite(v) for v in parameters)
    ):
        return None
    return tuple(float(v) for v in parameters), fit if isinstance(fit, dict) else {}


@dataclass
class _Known:
    settings: dict[str, Stamped] = field(default_factory=dict)
    parameters: Stamped | None = None


def _read_known(store: Store) -> _Known:
    try:
        data = json.loads(store.meta(KNOWN_KEY) or "{}")
    except ValueError:
        return _Known()
    if not isinstance(data, dict):
        return _Known()
    settings = data.get("settings") if isinstance(data.get("settings"), dict) else {}
    known = _Known()
    for key, item in (settings or {}).items():
        if isinstance(item, list) and len(item) == 2 and type(item[1]) is int:
            known.settings[key] = Stamped(item[0], item[1])
    parameters = data.get("parameters")
    if isinstance(parameters, list) and len(parameters) == 2 and type(parameters[1]) is int:
        known.parameters = Stamped(parameters[0], parameters[1])
    return known


def _write_known(store: Store, replica: Replica) -> None:
    parameters = replica.parameters
    store.set_meta(
        KNOWN_KEY,
        json.dumps(
            {
                "settings": {k: [v.value, v.changed_ms] for k, v in replica.settings.items()},
                "parameters": [parameters.value, parameters.changed_ms] if parameters else None,
            }
        ),
    )


def _settings_changed_ms(settings_file: Path, now: datetime) -> int:
    try:
        return settings_file.stat().st_mtime_ns // 1_000_000
    except OSError:
        return to_ms(now)


def local_replica(store: Store, settings_file: Path, now: datetime) -> Replica:
    """What this home knows, stamped."""
    known = _read_known(store)
    settings, _ = load_settings(settings_file)
    fitted = store.fitted_parameters()
    parameters = None
    if fitted is not None:
        value = _canonical({"parameters": list(fitted), "fit": store.fit_record() or {}})
        was = known.parameters
        parameters = was if was is not None and was.value == value else Stamped(value, to_ms(now))
    return Replica(
        reviews={review.id: review for review in store.iter_reviews()},
        undone=store.undone_review_ids(),
        marks={
            key: Stamped(marks_json(marks), changed_ms or 0)
            for key, (marks, changed_ms) in store.stamped_marks().items()
        },
        settings=settings_stamps(
            settings.to_dict(), known.settings, _settings_changed_ms(settings_file, now)
        ),
        parameters=parameters,
        attempts={attempt.id: attempt for attempt in store.attempts()},
    )


def _take_own_id(store: Store, homes: dict[str, str]) -> str | None:
    """A home restored from another's backup has that installation's id: two homes
    would write the same files. The first to sync keeps the id; the other takes a new
    one (its earlier reviews keep theirs). Returns the new id, if one was taken."""
    home = store.meta(HOME_KEY)
    if home is None:
        home = str(uuid.uuid4())
        store.set_meta(HOME_KEY, home)
    written_by = homes.get(store.installation_id)
    if written_by is None or written_by == home:
        return None
    store.set_installation_id(str(uuid.uuid4()))
    return store.installation_id


# A rating written while a sync computes (the app syncs as it starts) means computing
# again: a few times at most, as a learner rates a card every few seconds.
MERGE_ATTEMPTS = 5


def sync_home(store: Store, settings_file: Path, folder: Path, now: datetime) -> SyncReport:
    """Merge ``folder`` into the home and the home into ``folder`` (see the module)."""
    contents = read_folder(folder)
    new_id = _take_own_id(store, contents.homes)
    for _ in range(MERGE_ATTEMPTS - 1):
        try:
            return _merge_once(store, settings_file, folder, now, contents, new_id)
        except LogChangedError:
            continue
    return _merge_once(store, settings_file, folder, now, contents, new_id)


def _merge_once(
    store: Store,
    settings_file: Path,
    folder: Path,
    now: datetime,
    contents: FolderContents,
    new_id: str | None,
) -> SyncReport:
    installation = store.installation_id
    log_mark = store.log_mark()
    local = local_replica(store, settings_file, now)
    merged = merge_all([local, *contents.replicas.values()])
    live = merged.live_reviews()

    names = {f.name for f in FIELDS}
    current, _ = load_settings(settings_file)
    settings, _ = settings_from_mapping(
        {key: stamped.value for key, stamped in merged.settings.items() if key in names}, current
    )
    fitted = _parameters_from_json(merged.parameters.value) if merged.parameters else None
    merged_value = merged.parameters.value if merged.parameters else None
    local_value = local.parameters.value if local.parameters else None
    parameters_changed = fitted is not None and merged_value != local_value
    model = memory_model(settings, fitted[0] if fitted else store.fitted_parameters())
    marks, marks_changed = {}, 0
    for key, stamped in merged.marks.items():
        parsed, mine = marks_from_json(stamped.value), local.marks.get(key)
        if mine != stamped and parsed is not None:
            marks[key] = (parsed, stamped.changed_ms)
            marks_changed += mine is None or mine.value != stamped.value
    fresh = [review for review in live if review.id not in local.reviews]
    undone_here = sum(1 for key in merged.undone - local.undone if key in local.reviews)
    states = replay_merged(live, model).values()
    fresh_attempts = [a for key, a in merged.attempts.items() if key not in local.attempts]
    store.merge_history(
        fresh, merged.undone - local.undone, states, marks, log_mark, fresh_attempts
    )
    if parameters_changed and fitted is not None:
        store.save_fit(*fitted)
    changed = [f.name for f in FIELDS if getattr(settings, f.name) != getattr(current, f.name)]
    if changed:
        save_settings(settings_file, settings)
    _write_known(store, merged)

    own_folder = folder / installation
    own_folder.mkdir(exist_ok=True)
    in_folder = {key for replica in contents.replicas.values() for key in replica.reviews}
    undone_in_folder = {key for replica in contents.replicas.values() for key in replica.undone}
    outgoing = merged_order(review for review in live if review.id not in in_folder)
    undone_out = merged.undone - undone_in_folder
    if outgoing or undone_out:
        write_log(own_folder, installation, outgoing, undone_out)
    attempts_in_folder = {key for replica in contents.replicas.values() for key in replica.attempts}
    attempts_out = sorted(
        (a for key, a in merged.attempts.items() if key not in attempts_in_folder),
        key=lambda attempt: (attempt.submitted_at, attempt.id),
    )
    if attempts_out:
        write_attempts(own_folder, installation, attempts_out)
    published = contents.replicas.get(installation)
    home = store.meta(HOME_KEY) or ""
    if (
        published is None
        or contents.homes.get(installation) != home
        or (published.marks, published.settings, published.parameters)
        != (merged.marks, merged.settings, merged.parameters)
    ):
        write_state(own_folder, installation, home, merged)

    report = SyncReport(
        folder=str(folder),
        synced_at=now,
        installations=len(set(contents.replicas) - {installation}),
        reviews_in=len(fresh),
        reviews_out=len(outgoing),
        undone=undone_here,
        marks_changed=marks_changed,
        settings_changed=tuple(changed),
        parameters_changed=parameters_changed,
        reviews=store.count_reviews(),
        skipped=tuple(contents.skipped),
        new_installation_id=new_id,
        attempts_in=len(fresh_attempts),
        attempts_out=len(attempts_out),
    )
    store.set_meta(LAST_SYNC_KEY, json.dumps(report.to_dict()))
    return report


class SyncFolderError(Exception):
    """The remembered sync folder cannot be used now (a drive not mounted)."""


def auto_sync(store: Store, settings_file: Path, now: datetime) -> SyncReport | None:
    """The sync the app runs on start and quit, when the home asked for it (``--auto``);
    None when it did not."""
    setup = sync_setup(store)
    if setup is None or not setup.auto:
        return None
    problem = folder_problem(setup.folder)
    if problem is not None:
        raise SyncFolderError(problem)
    return sync_home(store, settings_file, setup.folder, now)
