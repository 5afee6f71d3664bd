"""Copy every document from one backend to another, and prove nothing was lost."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from .backend import SearchBackend
from .errors import IndexingError, SearchError

BATCH_SIZE = 500


class MigrationIncomplete(SearchError):
    """Some documents did not arrive, or arrived different; `missing` lists their ids."""

    def __init__(self, missing: list[str], failures: dict[str, str]):
        detail = f", e.g. {missing[0]}: {failures.get(missing[0], 'missing or different')}" if missing else ""
        super().__init__(f"{len(missing)} document(s) not copied{detail}")
        self.missing = missing
        self.failures = failures


@dataclass
class MigrationReport:
    copied: int = 0
    failures: dict[str, str] = field(default_factory=dict)


def migrate(source: SearchBackend, target: SearchBackend,
            progress: Callable[[int], None] | None = None) -> MigrationReport:
    """Upsert every document of `source` into `target` in batches, then check that each one is
    there with the same content hash; raise MigrationIncomplete naming any that is not."""
    target.count()  # fail before reading anything when the target is unreachable
    report = MigrationReport()
    with target.bulk_load():
        batch = []
        for doc in source.iter_documents():
            batch.append(doc)
            if len(batch) == BATCH_SIZE:
                _copy(batch, target, report, progress)
                batch = []
        _copy(batch, target, report, progress)
    missing = _verify(source, target)
    if missing or report.failures:
        raise MigrationIncomplete(sorted(set(missing) | set(report.failures)), report.failures)
    return report


def _copy(batch: list, target: SearchBackend, report: MigrationReport,
          progress: Callable[[int], None] | None) -> None:
    if not batch:
        return
    try:
        report.copied += target.upsert(batch)
    except IndexingError as exc:  # the rest of the batch was written: carry on, report at the end
        report.failures.update(exc.failures)
        report.copied += len(batch) - len(exc.failures)
    if progress:
        progress(report.copied)


def _verify(source: SearchBackend, target: SearchBackend) -> list[str]:
    """Ids whose content hash in `target` differs from `source` (or that are absent)."""
    missing = []
    expected: dict[str, str] = {}
    for doc in source.iter_documents():
        expected[doc.id] = doc.content_hash
        if len(expected) == BATCH_SIZE:
            missing += _compare(expected, target)
            expected = {}
    return missing + _compare(expected, target)


def _compare(expected: dict[str, str], target: SearchBackend) -> list[str]:
    found = target.fingerprints(expected) if expected else {}
    return [doc_id for doc_id, digest in expected.items() if found.get(doc_id) != digest]
