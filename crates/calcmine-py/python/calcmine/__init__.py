"""calcmine: find calcification mentions in radiology reports, code them, and flag reports that
warrant a metabolic work-up -- the calcmine engine as Polars, pandas or Arrow frames.

    >>> import calcmine, polars as pl
    >>> engine = calcmine.Engine()                      # compiles the lexicon once
    >>> df = pl.DataFrame({"id": ["r1"], "text": ["Calcified granuloma in the right upper lobe."]})
    >>> engine.extract(df)                              # one row per mention, as mentions.parquet
    >>> mentions, reports, summary = engine.mine(df)    # the tables of `calcmine mine`

The tables have exactly the columns and types of `calcmine mine`'s mentions.parquet and
reports.parquet (see `calcmine mine --print-schema`): they are built by the same code. An engine
is immutable and may be shared by threads; a run releases the GIL and uses every core.
"""
from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, Iterable, Literal, NamedTuple, Optional, Sequence, Union

from . import _calcmine
from ._calcmine import CalcmineError, __version__

if TYPE_CHECKING:  # pragma: no cover
    import pandas
    import polars
    import pyarrow

__all__ = ["Engine", "CalcmineError", "Mined", "Audit", "explain", "schema", "__version__"]

Output = Literal["polars", "pandas", "arrow"]
#: What a run reads: a table (Polars, pandas, pyarrow, or anything with ``__arrow_c_stream__``),
#: or an iterable of report texts, or of ``(id, text)`` pairs.
Data = Union["polars.DataFrame", "pandas.DataFrame", "pyarrow.Table", Iterable[Any]]

DEFAULT_MAX_REPORT_BYTES = 1 << 20


class Mined(NamedTuple):
    """The tables of ``calcmine mine``: mentions, reports and the cohort summary."""

    mentions: Any
    reports: Any
    summary: Any
    #: what was read: ``reports``, ``failed``, ``bytes``, ``null_texts``, ``errors``, ...
    stats: dict


class Audit(NamedTuple):
    """The table of ``calcmine audit`` and its summary (as the command prints it)."""

    table: Any
    summary: str
    stats: dict


def _is_pandas(data: Any) -> bool:
    mod = type(data).__module__ or ""
    return mod.startswith("pandas") and type(data).__name__ == "DataFrame"


def _pairs_or_texts(data: Iterable[Any]) -> Any:
    """A list of texts, or of (id, text) pairs, as a pyarrow-free Polars frame."""
    import polars as pl

    ids: list = []
    texts: list = []
    pairs: Optional[bool] = None
    for i, item in enumerate(data):
        if isinstance(item, str) or item is None:
            if pairs:
                raise TypeError(f"item {i}: expected an (id, text) pair like the items before it, got {type(item).__name__}")
            pairs = False
            texts.append(item)
        elif isinstance(item, (tuple, list)) and len(item) == 2:
            if pairs is False:
                raise TypeError(f"item {i}: expected a text like the items before it, got a pair")
            pairs = True
            rid, text = item
            if text is not None and not isinstance(text, str):
                raise TypeError(f"item {i}: the text must be a str or None, got {type(text).__name__}")
            ids.append(None if rid is None else str(rid))
            texts.append(text)
        else:
            raise TypeError(
                f"item {i}: expected a report text (str) or an (id, text) pair, got {type(item).__name__}"
            )
    columns = {"text": pl.Series("text", texts, dtype=pl.String)}
    if pairs:
        columns = {"id": pl.Series("id", ids, dtype=pl.String), **columns}
    return pl.DataFrame(columns)


def _table(data: Any) -> Any:
    """Anything with ``__arrow_c_stream__`` the native module can read."""
    if isinstance(data, (str, bytes)):
        raise TypeError(
            "expected a table or an iterable of texts, got a single string: pass [text], "
            "or calcmine.explain(text) to see how one report is read"
        )
    if _is_pandas(data):
        try:
            import pyarrow as pa
        except ImportError as e:  # pragma: no cover
            raise ImportError("pandas input needs pyarrow: pip install pyarrow") from e
        try:
            return pa.Table.from_pandas(data, preserve_index=False)
        except (pa.ArrowInvalid, pa.ArrowTypeError) as e:
            raise TypeError(f"cannot read this pandas frame as a table: {e}") from e
    if type(data).__name__ == "LazyFrame":
        return data.collect()
    if hasattr(data, "__arrow_c_stream__"):
        return data
    if hasattr(data, "__iter__"):
        return _pairs_or_texts(data)
    raise TypeError(
        "expected a polars.DataFrame, pandas.DataFrame, pyarrow.Table, or an iterable of texts "
        f"or (id, text) pairs, got {type(data).__name__}"
    )


def _out(table: Any, to: Output) -> Any:
    if to == "arrow":
        import pyarrow as pa

        return pa.table(table)
    import polars as pl

    df = pl.DataFrame(table)
    if to == "pandas":
        return df.to_pandas()
    return df


def _text_cols(text_col: Union[str, Sequence[str], None]) -> list:
    if text_col is None:
        return []
    if isinstance(text_col, str):
        return [text_col]
    cols = list(text_col)
    if not all(isinstance(c, str) for c in cols):
        raise TypeError("text_col: a column name or a list of column names")
    return cols


class Engine:
    """A compiled lexicon (the bundled one, or with ``lexicons`` / ``targets``).

    Build it once and reuse it: compiling is the costly part of a small run. It is immutable,
    so one engine may serve many threads at once; each run releases the GIL and runs its
    batches on all cores (``threads`` to limit them).

    ``lexicons``: a directory of ``*.toml`` lexicon files (a file named like a bundled one
    replaces it, others extend the bundled set); ``no_default_lexicons``: only those files;
    ``targets``: files of extra target phrases (one per line, or a ``.toml``);
    ``only_targets``: find only those phrases. Mistakes raise :class:`CalcmineError` with the
    file and line.
    """

    __slots__ = ("_engine",)

    def __init__(
        self,
        lexicons: Optional[str] = None,
        targets: Union[str, Sequence[str], None] = None,
        no_default_lexicons: bool = False,
        only_targets: bool = False,
    ) -> None:
        if isinstance(targets, str):
            targets = [targets]
        self._engine = _calcmine.Engine(
            None if lexicons is None else str(lexicons),
            [str(t) for t in (targets or [])],
            no_default_lexicons,
            only_targets,
        )

    @property
    def lexicon_digest(self) -> str:
        """The digest of the effective lexicon (as ``run.json`` records it)."""
        return self._engine.lexicon_digest

    def _run(self, data: Data, command: str, id_col, text_col, exam_col, no_text, threads,
             max_report_bytes, to) -> tuple:
        if to is None:
            to = "pandas" if _is_pandas(data) else "polars"
        if to not in ("polars", "pandas", "arrow"):
            raise ValueError(f"to: 'polars', 'pandas' or 'arrow', not {to!r}")
        if threads is not None and (not isinstance(threads, int) or threads < 1):
            raise ValueError("threads: a positive number")
        if max_report_bytes is not None and (not isinstance(max_report_bytes, int) or max_report_bytes < 0):
            raise ValueError("max_report_bytes: a number of bytes (0: no limit)")
        out = self._engine.run(
            _table(data),
            command,
            id_col=id_col,
            text_cols=_text_cols(text_col),
            exam_col=exam_col,
            no_text=bool(no_text),
            threads=threads,
            max_report_bytes=max_report_bytes,
        )
        return out, to

    def extract(
        self,
        data: Data,
        *,
        id_col: Optional[str] = None,
        text_col: Union[str, Sequence[str], None] = None,
        exam_col: Optional[str] = None,
        no_text: bool = False,
        threads: Optional[int] = None,
        max_report_bytes: Optional[int] = DEFAULT_MAX_REPORT_BYTES,
        to: Optional[Output] = None,
    ) -> Any:
        """One row per mention, with its assertion and codes: the columns of mentions.parquet.

        ``id_col``: the id column (default: the first of report_id, id, note_id, uid; else the
        row number). ``text_col``: the text column, or a list of them, each a section named
        after it (default: the first of text, report, report_text, note_text). ``exam_col``:
        the exam description (default: the first of note_title, exam_description, exam, if
        any). ``no_text``: leave report text out. ``to``: ``"polars"``, ``"pandas"`` (the
        default for a pandas frame) or ``"arrow"``.
        """
        out, to = self._run(data, "extract", id_col, text_col, exam_col, no_text, threads, max_report_bytes, to)
        return _out(out["mentions"], to)

    def flag(
        self,
        data: Data,
        *,
        id_col: Optional[str] = None,
        text_col: Union[str, Sequence[str], None] = None,
        exam_col: Optional[str] = None,
        no_text: bool = False,
        threads: Optional[int] = None,
        max_report_bytes: Optional[int] = DEFAULT_MAX_REPORT_BYTES,
        to: Optional[Output] = None,
    ) -> Any:
        """One row per report, every report: mention counts, labs, conditions and the metabolic
        work-up decision -- the columns of reports.parquet. Options as :meth:`extract`."""
        out, to = self._run(data, "flag", id_col, text_col, exam_col, no_text, threads, max_report_bytes, to)
        return _out(out["reports"], to)

    def mine(
        self,
        data: Data,
        *,
        id_col: Optional[str] = None,
        text_col: Union[str, Sequence[str], None] = None,
        exam_col: Optional[str] = None,
        no_text: bool = False,
        threads: Optional[int] = None,
        max_report_bytes: Optional[int] = DEFAULT_MAX_REPORT_BYTES,
        to: Optional[Output] = None,
    ) -> Mined:
        """The tables of ``calcmine mine`` in one run: ``Mined(mentions, reports, summary,
        stats)``. Options as :meth:`extract`."""
        out, to = self._run(data, "mine", id_col, text_col, exam_col, no_text, threads, max_report_bytes, to)
        return Mined(_out(out["mentions"], to), _out(out["reports"], to), _out(out["summary"], to), out["stats"])

    def audit(
        self,
        data: Data,
        *,
        id_col: Optional[str] = None,
        text_col: Union[str, Sequence[str], None] = None,
        exam_col: Optional[str] = None,
        no_text: bool = False,
        threads: Optional[int] = None,
        max_report_bytes: Optional[int] = DEFAULT_MAX_REPORT_BYTES,
        to: Optional[Output] = None,
    ) -> Audit:
        """The table of ``calcmine audit`` (per report: the work-up flag, recommendation types,
        audit outcome) and its summary text: ``Audit(table, summary, stats)``."""
        out, to = self._run(data, "audit", id_col, text_col, exam_col, no_text, threads, max_report_bytes, to)
        return Audit(_out(out["audit"], to), out["audit_summary"], out["stats"])

    def explain(self, text: str, *, html: bool = False, no_text: bool = False, id: str = "stdin") -> str:
        """How this engine reads one report: what ``calcmine explain`` prints for it (given on
        stdin), or with ``html=True`` the page ``calcmine explain --html`` writes."""
        if not isinstance(text, str):
            raise TypeError(f"text: a str, got {type(text).__name__}")
        return self._engine.explain(text, id=str(id), html=bool(html), no_text=bool(no_text))

    def __repr__(self) -> str:
        return f"calcmine.Engine(lexicon {self.lexicon_digest[:12]})"


_default: Optional[Engine] = None


def explain(text: str, *, html: bool = False, no_text: bool = False, id: str = "stdin") -> str:
    """How calcmine reads one report with the bundled lexicon: the explanation ``calcmine
    explain`` prints, or with ``html=True`` the page ``calcmine explain --html`` writes."""
    global _default
    if _default is None:
        _default = Engine()
    return _default.explain(text, html=html, no_text=no_text, id=id)


def schema(no_text: bool = False) -> dict:
    """The columns of the tables with their types (``calcmine mine --print-schema``)."""
    return json.loads(_calcmine.schema_json(no_text))
