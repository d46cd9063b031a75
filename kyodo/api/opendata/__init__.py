"""The open-data package (see package.py) and its datasets (reference.py, records.py,
standard.py), catalogue entries (catalog.py) and validation (validate.py)."""

from kyodo.api.opendata.package import (
    KEEP_DAYS,
    LICENCE,
    PackageInfo,
    PackageInvalidError,
    build_package,
    datasets,
    history_entries,
    latest_manifest,
    latest_member,
    open_data_dir,
    package_files,
    package_path,
)

__all__ = [
    "KEEP_DAYS",
    "LICENCE",
    "PackageInfo",
    "PackageInvalidError",
    "build_package",
    "datasets",
    "history_entries",
    "latest_manifest",
    "latest_member",
    "open_data_dir",
    "package_files",
    "package_path",
]
