//! calcmine's errors as Python exceptions: `calcmine.CalcmineError`, a `ValueError`, with the
//! message the command line prints (a lexicon mistake with its file and line, a missing column
//! with the columns there are).

use pyo3::create_exception;
use pyo3::exceptions::PyValueError;
use pyo3::PyErr;

create_exception!(
    calcmine,
    CalcmineError,
    PyValueError,
    "An error of calcmine: a lexicon mistake (with file and line), a missing column (with the columns there are), a table that cannot be read."
);

pub fn new_err(msg: impl Into<String>) -> PyErr {
    CalcmineError::new_err(msg.into())
}

pub fn calcmine(e: calcmine_core::Error) -> PyErr {
    new_err(e.to_string())
}

pub fn polars(e: polars::prelude::PolarsError) -> PyErr {
    new_err(e.to_string())
}
