//! A table written in row groups: the one writer behind `mine`'s mentions and reports tables,
//! the Parquet output of `extract`, `flag` and `audit`, and NOTE_NLP. Rows arrive as Polars frames of any size;
//! they are gathered and written as row groups of a fixed number of rows.

use polars::io::SerWriter;
use polars::prelude::{
    CsvWriter, DataFrame, ParquetCompression, ParquetWriter, PolarsResult, Schema,
};

use calcmine_core::error::{Error, Result};
use calcmine_core::model::ReportResult;

use super::atomic::AtomicFile;
use super::frame::{Field, FrameBuilder};
use super::omop::{IdScheme, NoteNlpRow};
use super::schema::NoteNlpField;
use super::target::Format;
use super::text::TableWriter;
use super::Sink;

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

/// Rows per Parquet row group of the tables written row by row or batch by batch (`extract`,
/// `flag` and `audit` to a `.parquet` file); `mine` has `--row-group`.
pub const ROW_GROUP: usize = 65536;

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

/// The NOTE_NLP table being written (`extract --format note_nlp`: CSV rows; `mine --note-nlp`:
/// a Parquet or CSV table): rows arrive in output order, get their `note_nlp_id` here, and are
/// written.
pub struct NoteNlpTable<'a> {
    out: NoteNlpOut<'a>,
    ids: IdScheme,
    name: String,
    rows: u64,
}

enum NoteNlpOut<'a> {
    Text(TableWriter),
    Table(Box<TableOut<'a>>),
}

impl<'a> NoteNlpTable<'a> {
    /// CSV rows to a sink (stdout or a file).
    pub fn text(sink: Sink, ids: IdScheme) -> Result<NoteNlpTable<'a>> {
        let columns = NoteNlpField::ALL.iter().map(|f| f.name()).collect();
        Ok(NoteNlpTable {
            name: "NOTE_NLP".into(),
            out: NoteNlpOut::Text(TableWriter::new(sink, Format::Csv, columns)?),
            ids,
            rows: 0,
        })
    }

    /// A table in row groups of up to `rows` rows.
    pub fn table(
        file: &'a mut AtomicFile,
        format: TableFormat,
        ids: IdScheme,
        rows: usize,
    ) -> Result<NoteNlpTable<'a>> {
        let name = file.path().display().to_string();
        let schema = Self::builder(format, 0).schema::<NoteNlpRow>();
        let table =
            TableOut::open(file, format, &schema, rows).map_err(|e| Error::output(&name, e))?;
        Ok(NoteNlpTable {
            out: NoteNlpOut::Table(Box::new(table)),
            ids,
            name,
            rows: 0,
        })
    }

    fn builder(format: TableFormat, cap: usize) -> FrameBuilder<NoteNlpField> {
        FrameBuilder::new::<NoteNlpRow>(NoteNlpField::ALL.to_vec(), format == TableFormat::Csv, cap)
    }

    /// Give the rows their ids and write them.
    pub fn write(&mut self, mut rows: Vec<NoteNlpRow>) -> Result<()> {
        self.ids.assign(&mut rows)?;
        self.rows += rows.len() as u64;
        match &mut self.out {
            NoteNlpOut::Text(w) => {
                let mut values = Vec::with_capacity(NoteNlpField::ALL.len());
                for r in &rows {
                    values.clear();
                    values.extend(NoteNlpField::ALL.iter().map(|f| f.value(r)));
                    w.row(&values)?;
                }
                Ok(())
            }
            NoteNlpOut::Table(t) if !rows.is_empty() => {
                let mut b = Self::builder(TableFormat::Parquet, rows.len());
                b.extend::<NoteNlpRow, _>(rows.iter());
                let df = b
                    .take::<NoteNlpRow>()
                    .map_err(|e| Error::output(&self.name, e))?;
                t.write(df)
                    .map(|_| ())
                    .map_err(|e| Error::output(&self.name, e))
            }
            NoteNlpOut::Table(_) => Ok(()),
        }
    }

    /// Rows written, and the ids they were given (first, last).
    pub fn written(&self) -> (u64, Option<(i64, i64)>) {
        (self.rows, self.ids.range())
    }

    pub fn finish(self) -> Result<()> {
        match self.out {
            NoteNlpOut::Text(w) => w.finish(),
            NoteNlpOut::Table(t) => t.finish().map_err(|e| Error::output(&self.name, e)),
        }
    }
}
