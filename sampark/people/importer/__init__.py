"""Bulk import of volunteers from CSV or XLSX, streamed in chunks.

One row is one person (de-duplicated by phone in E.164), optionally with one position on the
row's unit. The file is read once, in chunks of `run.CHUNK_SIZE` rows; each chunk is validated in
Python against maps preloaded for the import's scope, then written with bulk statements in its
own transaction together with the job's progress, so a crash loses at most the chunk in flight.
A re-run resumes after the last committed chunk, and re-importing a file that is already in is a
no-op (no new person, assignment, flag or consent row).

The modules, in the order a row meets them:

- `reading`: the file as a header and (line, cells) rows (CSV or XLSX);
- `mapping`: which column holds which field (aliases in English and Hindi, explicit choices);
- `cells`, `lookups`, `validating`: one row checked on its own, into a clean `Row` or errors;
- `existing`, `writing`, `bulk`: one chunk decided against the database and written in bulk;
- `run`: one run over a file (chunks, progress, resume, the audit row); `report`: its counts;
- `job`: import jobs (create, queue, run, list, access); `errors`: errors stored
  language-neutral and shown in the reader's language.

Rules are the same as the single-person services' (`people.services`); see `validating` and
`writing`.
"""

from sampark.people.importer.cells import (
    fast_normalize_phone,
    parse_consent,
    parse_date,
    parse_languages,
)
from sampark.people.importer.errors import ImportFileError, localised
from sampark.people.importer.job import (
    access_import_job,
    import_job_create,
    import_job_fail,
    import_job_queue,
    import_jobs_visible,
    job_columns,
    job_counts,
    job_errors_omitted,
    job_run,
    job_settings,
)
from sampark.people.importer.mapping import (
    FIELD_LABELS,
    FIELDS,
    detect_mapping,
    header_key,
    resolve_columns,
)
from sampark.people.importer.reading import Table, open_table, read_preview
from sampark.people.importer.report import ImportReport
from sampark.people.importer.run import VolunteerImport, import_file

__all__ = [
    "FIELDS",
    "FIELD_LABELS",
    "ImportFileError",
    "ImportReport",
    "Table",
    "VolunteerImport",
    "access_import_job",
    "detect_mapping",
    "fast_normalize_phone",
    "header_key",
    "import_file",
    "import_job_create",
    "import_job_fail",
    "import_job_queue",
    "import_jobs_visible",
    "job_columns",
    "job_counts",
    "job_errors_omitted",
    "job_run",
    "job_settings",
    "localised",
    "open_table",
    "parse_consent",
    "parse_date",
    "parse_languages",
    "read_preview",
    "resolve_columns",
]
