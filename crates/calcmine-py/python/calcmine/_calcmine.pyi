"""Type stub of the native module ``calcmine._calcmine`` (crates/calcmine-py/src)."""
from typing import Any, Optional, Sequence

__version__: str

class CalcmineError(ValueError):
    """An error of calcmine: a lexicon mistake (with file and line), a missing column (with the
    columns there are), a table that cannot be read."""

class ArrowTable:
    """A table calcmine made, readable through the Arrow C stream interface."""

    def __arrow_c_stream__(self, requested_schema: Optional[object] = None) -> object: ...
    def __len__(self) -> int: ...

class Engine:
    def __init__(
        self,
        lexicons: Optional[str] = None,
        targets: Sequence[str] = ...,
        no_default_lexicons: bool = False,
        only_targets: bool = False,
    ) -> None: ...
    @property
    def lexicon_digest(self) -> str: ...
    def run(
        self,
        data: Any,
        command: str,
        id_col: Optional[str] = None,
        text_cols: Sequence[str] = ...,
        exam_col: Optional[str] = None,
        no_text: bool = False,
        threads: Optional[int] = None,
        max_report_bytes: Optional[int] = ...,
        name: str = "<data>",
    ) -> dict[str, Any]: ...
    def explain(self, text: str, id: str = "stdin", html: bool = False, no_text: bool = False) -> str: ...

def schema_json(no_text: bool = False) -> str: ...
