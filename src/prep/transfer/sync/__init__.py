"""Syncing installations through a folder the learner's own tool keeps in step
(Syncthing, a cloud drive, a git repository, a USB stick).

Each installation writes only its own files, under ``DIR/<installation-id>/``:
append-only segments of the review log and one file of its marks, settings and
fitted parameters, each change stamped with its time. It reads everyone's files,
merges the reviews by id and the rest key by key (the latest change wins), and
rebuilds the card states by replaying the merged log.

framing   records with their length and checksum: a half-copied file is told apart
merge     the merge itself, pure: commutative, associative and idempotent
folder    the files in the folder, read and written
setup     which folder a home syncs with, and what it last merged
exchange  one sync of a home with its folder
"""
