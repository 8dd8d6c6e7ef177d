//! A table written in row groups: the one writer behind `mine`'s mentions and reports tables and
//! `audit --format parquet` (and any later table). Rows arrive as Polars frames of any size;
//! they are gathered and written as row groups of a fixed number of rows.

use polars::io::SerWriter;
use polars::prelude::{
    CsvWriter, DataFrame, ParquetCompression, ParquetWriter, PolarsResult, Schema,
};

use calcmine_core::error::{Error, Result};
use calcmine_core::model::ReportResult;

use super::atomic::AtomicFile;
use super::frame::{Field, FrameBuilder};

/// Table format of `mine`'s mention and report tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum TableFormat {
    Parquet,
    Csv,
}

impl TableFormat {
    pub fn ext(self) -> &'static str {
        match self {
            TableFormat::Parquet => "parquet",
            TableFormat::Csv => "csv",
        }
    }
}

type ParquetOut<'a> = polars::io::parquet::write::BatchedWriter<&'a mut AtomicFile>;
type CsvOut<'a> = polars::io::csv::write::BatchedWriter<&'a mut AtomicFile>;

/// One table being appended to, batch by batch.
enum Writer<'a> {
    Parquet(Box<ParquetOut<'a>>),
    Csv(CsvOut<'a>),
}

/// A table being written: worker batches are gathered up to `rows` rows and written as one
/// Parquet row group. The Parquet writer keeps some memory per row group until the file is
/// finished (measured: tens of KB per row group with polars 0.55), so fewer, larger row groups
/// keep memory flat on big archives, while the workers keep small batches for parallelism.
pub struct TableOut<'a> {
    writer: Writer<'a>,
    pending: Option<DataFrame>,
    rows: usize,
}

impl<'a> TableOut<'a> {
    pub fn open(
        file: &'a mut AtomicFile,
        format: TableFormat,
        schema: &Schema,
        rows: usize,
    ) -> PolarsResult<TableOut<'a>> {
        let writer = match format {
            TableFormat::Parquet => Writer::Parquet(Box::new(
                ParquetWriter::new(file)
                    .with_compression(ParquetCompression::Zstd(None))
                    .batched(schema)?,
            )),
            TableFormat::Csv => Writer::Csv(CsvWriter::new(file).batched(schema)?),
        };
        Ok(TableOut {
            writer,
            pending: None,
            rows,
        })
    }

    /// Add a batch; write a row group when `rows` rows are pending. Returns whether it wrote.
    pub fn write(&mut self, df: DataFrame) -> PolarsResult<bool> {
        if df.height() > 0 {
            match &mut self.pending {
                Some(p) => {
                    p.vstack_mut_owned(df)?;
                }
                None => self.pending = Some(df),
            }
        }
        if self
            .pending
            .as_ref()
            .is_some_and(|p| p.height() >= self.rows)
        {
            self.flush()?;
            return Ok(true);
        }
        Ok(false)
    }

    /// Rows gathered and not yet written.
    pub fn pending(&self) -> usize {
        self.pending.as_ref().map_or(0, |p| p.height())
    }

    pub fn flush(&mut self) -> PolarsResult<()> {
        let Some(mut df) = self.pending.take() else {
            return Ok(());
        };
        // one chunk: the Parquet writer makes a row group of every chunk
        df.rechunk_mut();
        match &mut self.writer {
            Writer::Parquet(w) => w.write_batch(&df),
            Writer::Csv(w) => w.write_batch(&df),
        }
    }

    pub fn finish(mut self) -> PolarsResult<()> {
        self.flush()?;
        match self.writer {
            Writer::Parquet(w) => w.finish().map(|_| ()),
            Writer::Csv(mut w) => w.finish(),
        }
    }
}

/// A table of reports written one row at a time (`audit`): rows are gathered into a frame of
/// `rows` rows and handed to a [`TableOut`], so memory does not grow with the input.
pub struct RowTable<'a, F> {
    table: TableOut<'a>,
    builder: FrameBuilder<F>,
    rows: usize,
    name: String,
}

impl<'a, F: Field<ReportResult>> RowTable<'a, F> {
    pub fn open(
        file: &'a mut AtomicFile,
        format: TableFormat,
        fields: &[F],
        rows: usize,
    ) -> Result<RowTable<'a, F>> {
        let name = file.path().display().to_string();
        let builder = FrameBuilder::new::<ReportResult>(fields.to_vec(), false, 1024);
        let schema = builder.schema::<ReportResult>();
        let table =
            TableOut::open(file, format, &schema, rows).map_err(|e| Error::output(&name, e))?;
        Ok(RowTable {
            table,
            builder,
            rows,
            name,
        })
    }

    pub fn row(&mut self, r: &ReportResult) -> Result<()> {
        self.builder.push::<ReportResult>(r);
        if self.builder.len() >= self.rows {
            self.flush()?;
        }
        Ok(())
    }

    fn flush(&mut self) -> Result<()> {
        if self.builder.is_empty() {
            return Ok(());
        }
        let df = self
            .builder
            .take::<ReportResult>()
            .map_err(|e| Error::output(&self.name, e))?;
        self.table
            .write(df)
            .map(|_| ())
            .map_err(|e| Error::output(&self.name, e))
    }

    pub fn finish(mut self) -> Result<()> {
        self.flush()?;
        let name = self.name;
        self.table.finish().map_err(|e| Error::output(&name, e))
    }
}
