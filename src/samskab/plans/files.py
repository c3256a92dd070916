"""Reading action-plan files: JSON, checked against the contract's schema. No Django."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from jsonschema import Draft202012Validator

SCHEMA_PATH = Path(__file__).parent / "schema" / "action-plan.schema.json"


class PlanFileError(Exception):
    """The file cannot be read as an action plan (unreadable, not JSON, against the schema)."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


@lru_cache(maxsize=1)
def validator() -> Draft202012Validator:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def schema_problems(data) -> list[str]:
    """Every schema violation as "path: message", in a stable order."""
    errors = sorted(validator().iter_errors(data), key=lambda e: list(map(str, e.absolute_path)))
    return [f"{e.json_path.removeprefix('$.') or '$'}: {e.message}" for e in errors]


def load_plan_file(path: str | Path) -> dict:
    """The plan in the file, or PlanFileError saying why it cannot be one."""
    try:
        raw = Path(path).read_bytes()
    except OSError as error:
        raise PlanFileError([f"cannot read {path}: {error.strerror or error}"]) from error
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as error:
        raise PlanFileError([f"{path} is not UTF-8 text"]) from error
    except json.JSONDecodeError as error:
        raise PlanFileError([f"{path} is not valid JSON: {error.msg} "
                             f"(line {error.lineno}, column {error.colno})"]) from error
    problems = schema_problems(data)
    if problems:
        raise PlanFileError(problems)
    return data


def load_strategies_file(path: str | Path) -> list[dict]:
    """Existing strategies for COMMITMENT-NOT-NEW: a JSON object or list of objects
    ``{"slug", "title", "initiatives": [{"identifier", "title", "text"}]}``."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise PlanFileError([f"cannot read strategies from {path}: {error}"]) from error
    strategies = data if isinstance(data, list) else [data]
    for s in strategies:
        if not isinstance(s, dict) or not s.get("slug") or not isinstance(
                s.get("initiatives"), list):
            raise PlanFileError([f"{path}: each strategy needs a slug and a list of initiatives"])
    return strategies
