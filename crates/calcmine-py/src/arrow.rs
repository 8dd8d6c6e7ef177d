//! Tables across the language boundary through the Arrow C stream interface (the PyCapsule
//! protocol, `__arrow_c_stream__`): Polars, pyarrow and pandas (through pyarrow) hand their
//! columns over without a copy, and the tables come back the same way, column by column with
//! their Arrow types (categoricals as dictionaries, lists as lists).

use std::ffi::CStr;

use polars::prelude::{CompatLevel, DataFrame, IntoColumn, PlSmallStr, Series};
use polars_arrow::array::{Array, StructArray};
use polars_arrow::datatypes::{ArrowDataType, Field as ArrowField};
use polars_arrow::ffi::{export_iterator, ArrowArrayStream, ArrowArrayStreamReader};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyCapsule, PyCapsuleMethods};

use crate::error;

const STREAM: &CStr = c"arrow_array_stream";

/// A table arriving from Python: its column names, and a reader of its record batches.
pub struct Incoming {
    pub header: Vec<String>,
    reader: ArrowArrayStreamReader<Box<ArrowArrayStream>>,
}

/// Open a table exported by `obj.__arrow_c_stream__()` (a Polars or pyarrow table, a pyarrow
/// record batch reader: anything that speaks the protocol with a struct of columns).
pub fn open(obj: &Bound<'_, PyAny>) -> PyResult<Incoming> {
    let what = || {
        obj.get_type()
            .name()
            .map(|n| n.to_string())
            .unwrap_or_else(|_| "object".into())
    };
    if !obj.hasattr("__arrow_c_stream__")? {
        return Err(PyTypeError::new_err(format!(
            "expected a table (polars.DataFrame, pandas.DataFrame, pyarrow.Table), got {}",
            what()
        )));
    }
    let capsule = obj.call_method0("__arrow_c_stream__")?;
    let capsule = capsule.cast::<PyCapsule>().map_err(|_| {
        PyTypeError::new_err(format!(
            "{}.__arrow_c_stream__() did not return a PyCapsule",
            what()
        ))
    })?;
    let ptr = capsule.pointer_checked(Some(STREAM))?;
    // SAFETY: a capsule named `arrow_array_stream` holds an `ArrowArrayStream` (the protocol);
    // it is moved out, and the capsule left with a released (empty) stream, as the protocol
    // asks of a consumer.
    let stream = unsafe {
        std::ptr::replace(
            ptr.as_ptr() as *mut ArrowArrayStream,
            ArrowArrayStream::empty(),
        )
    };
    // SAFETY: the stream was just produced by its exporter and not read yet
    let reader =
        unsafe { ArrowArrayStreamReader::try_new(Box::new(stream)) }.map_err(error::polars)?;
    let header = match reader.field().dtype() {
        ArrowDataType::Struct(fields) => fields.iter().map(|f| f.name.to_string()).collect(),
        other => {
            return Err(PyTypeError::new_err(format!(
                "expected a table of columns, got a stream of {other:?}"
            )))
        }
    };
    Ok(Incoming { header, reader })
}

impl Incoming {
    /// Read every record batch, keeping the columns named in `wanted` (the id, texts, exam), as
    /// Polars frames in order. The buffers are shared with the exporter, not copied.
    pub fn frames(mut self, wanted: &[String]) -> PyResult<Vec<DataFrame>> {
        let mut out = Vec::new();
        // SAFETY: the stream is read as the protocol says, one batch after the other
        while let Some(batch) = unsafe { self.reader.next() } {
            let batch = batch.map_err(error::polars)?;
            let Some(st) = batch.as_any().downcast_ref::<StructArray>() else {
                return Err(PyTypeError::new_err("expected record batches of columns"));
            };
            let names = StructArray::get_fields(st.dtype());
            let mut columns = Vec::with_capacity(wanted.len());
            for want in wanted {
                let Some(i) = names.iter().position(|f| f.name.as_str() == want) else {
                    continue;
                };
                let s = Series::try_from((PlSmallStr::from(want.as_str()), st.values()[i].clone()))
                    .map_err(error::polars)?;
                columns.push(s.into_column());
            }
            out.push(DataFrame::new(st.len(), columns).map_err(error::polars)?);
        }
        Ok(out)
    }
}

/// A table calcmine made, handed to Python through `__arrow_c_stream__` (as many times as
/// asked: each export shares the same buffers).
#[pyclass(frozen, module = "calcmine._calcmine", name = "ArrowTable")]
pub struct ArrowTable {
    df: DataFrame,
}

impl ArrowTable {
    pub fn new(mut df: DataFrame) -> ArrowTable {
        if df.should_rechunk() {
            df.align_chunks();
        }
        ArrowTable { df }
    }
}

#[pymethods]
impl ArrowTable {
    /// The table as an Arrow C stream (PyCapsule protocol), one record batch per chunk.
    #[pyo3(signature = (requested_schema=None))]
    fn __arrow_c_stream__<'py>(
        &self,
        py: Python<'py>,
        requested_schema: Option<Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyCapsule>> {
        // the table's own types only: a consumer that wants others casts
        let _ = requested_schema;
        let df = self.df.clone();
        let level = CompatLevel::newest();
        let fields: Vec<ArrowField> = df
            .columns()
            .iter()
            .map(|c| c.field().to_arrow(level))
            .collect();
        let dtype = ArrowDataType::Struct(fields);
        let batches: Vec<_> = df
            .iter_chunks(level, false)
            .map(|rb| {
                let height = rb.height();
                Ok(StructArray::new(dtype.clone(), height, rb.into_arrays(), None).boxed())
            })
            .collect();
        let field = ArrowField::new(PlSmallStr::EMPTY, dtype, false);
        let stream = export_iterator(Box::new(batches.into_iter()), field);
        PyCapsule::new_with_value(py, stream, STREAM)
    }

    /// Rows in the table.
    fn __len__(&self) -> usize {
        self.df.height()
    }
}
