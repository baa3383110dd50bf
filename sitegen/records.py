"""The last build's records a build compares its pages with: all of them, or for an edit in place only
the rows its page groups are in.

An edit that moved nothing re-plans a dozen page groups (``sitegen.inplace``). Reading all
12k output records and 2k group records of a 10k-entry archive for them, and diffing
them all to save, cost a tenth of such an edit. So, when no memo holds the tables already,
it reads only the rows (ten-character shards, see ``cacherows.shard_of``) that hold those
groups and their pages' records, the theme's assets' and the search index's rows (an index rebuilt for the
edit replaces files there). Every row is read whole, so whole rows are handed back to
``BuildCache.save``, which rewrites a row from what it is given; the rows not read are not
touched.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass

from sitegen.cache import BuildCache
from sitegen.cacherows import GroupRecord, OutputRecord, shard_of
from sitegen.pages import Plan
from sitegen.search import OUTPUT_PREFIX as SEARCH_OUTPUT


@dataclass(frozen=True)
class LastRecords:
    """What the last build recorded, as far as this build needs it."""

    outputs: Mapping[str, OutputRecord]
    groups: Mapping[str, GroupRecord]
    #: The output rows read (None: all of them), so ``complete`` can read any row a page outside them needs.
    shards: frozenset[str] | None
    #: How many output records the last build made that are not in ``outputs``, to count the site's files.
    elsewhere: int


def last_records(cache: BuildCache, plan: Plan, static: Collection[str], recorded: int) -> LastRecords:
    """The records ``plan`` is compared with: every one, or for a plan of some groups the rows that hold
    those groups, and the rows of the ``static`` files (the theme's assets, which every build looks at).
    ``recorded`` is how many output records the last build made in all.

    With a memo the tables are in memory already, and are read whole: ``BuildCache.save`` hands
    what it saves to the memo as the tables, so it must be given them whole.
    """
    if plan.complete or cache.memo is not None:
        return LastRecords(cache.outputs(), cache.groups(), None, 0)
    groups = cache.groups({shard_of(group.name) for group in plan.groups})
    shards = {shard_of(path) for group in plan.groups for path in groups.get(group.name, ("", ()))[1]}
    shards |= {shard_of(path) for path in static} | cache.shard_names("outputs", SEARCH_OUTPUT)
    outputs = cache.outputs(shards)
    return LastRecords(outputs, groups, frozenset(shards), max(recorded - len(outputs), 0))


def complete(
    cache: BuildCache, last: LastRecords, records: Mapping[str, OutputRecord]
) -> tuple[LastRecords, dict[str, OutputRecord]]:
    """``last`` and this build's ``records`` with every row that ``records`` reaches read whole.

    A page in a row that was not read (its group's record was lost, so where its pages
    were was not known) would otherwise make ``save`` rewrite that row with only it in.
    The other records of such a row stand as they were.
    """
    if last.shards is None:
        return last, dict(records)
    missing = {shard_of(path) for path in records} - last.shards
    if not missing:
        return last, dict(records)
    more = cache.outputs(missing)
    outputs = {**last.outputs, **more}
    widened = LastRecords(outputs, last.groups, last.shards | missing, last.elsewhere - len(more))
    return widened, {**more, **records}
