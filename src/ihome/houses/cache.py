"""Cache generations of the houses domain: what to bump when something a reader sees changes.

``house_changed`` is the one call for every change that can alter what a house's readers see
(an edit, a new photo, a new, rejected or cancelled order, a review). Pages and search results are
cached under keys that embed these generations, so the very next request misses and reads fresh.
"""

from __future__ import annotations

from typing import Any

from ihome.core.cache import bump_after_commit
from ihome.core.events import profile_changed

SEARCH = "search"  # every search page, the home list and the user's house list
INDEX = "index"
# Names and avatars of people shown beside houses (hosts, commenters): rare changes, one counter.
PEOPLE = "people"


def house_generation(house_id: int) -> str:
    """The generation of one house's detail and calendar."""
    return f"house:{house_id}"


def house_changed(session: Any, house_id: int) -> None:
    """After ``session`` commits, nothing cached about this house, or any search, is served again."""
    bump_after_commit(session, SEARCH, INDEX, house_generation(house_id))


def user_profile_changed(session: Any) -> None:
    """After ``session`` commits, no cached house list or detail shows a user's old name or avatar.

    Call it when a user's name or avatar changes: house summaries show the host's avatar and the
    detail shows the host's name and commenters' names.
    """
    bump_after_commit(session, PEOPLE)


def on_profile_changed(_sender: Any, *, session: Any, **_kwargs: Any) -> None:
    """Receiver of ``profile_changed`` (accounts): house pages show hosts' and reviewers' names and avatars."""
    user_profile_changed(session)


def subscribe() -> None:
    """Connect this domain's receivers (module-level functions: connected once, whatever the number of apps)."""
    profile_changed.connect(on_profile_changed)
