//! What a table is written as: the format given with `--format`, or else the one the output
//! file's name says (`-o mentions.csv`, `-o flags.jsonl.gz`, `-o audit.parquet`), and the
//! compression its name asks for (`.gz`, `.zst`, text formats only).

use std::path::Path;

use calcmine_core::error::{Error, Result};

/// The formats of a table. Each command writes some of them (see [`resolve`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Tsv,
    Csv,
    Jsonl,
    /// typed columns, lists as list columns, categoricals dictionary-encoded (needs -o FILE)
    Parquet,
    /// OMOP CDM v5.4 NOTE_NLP rows, as CSV (extract only)
    #[value(name = "note_nlp", alias = "note-nlp")]
    NoteNlp,
}

impl Format {
    pub fn name(self) -> &'static str {
        match self {
            Format::Tsv => "tsv",
            Format::Csv => "csv",
            Format::Jsonl => "jsonl",
            Format::Parquet => "parquet",
            Format::NoteNlp => "note_nlp",
        }
    }

    /// The format a file name's extension names (after any `.gz` / `.zst`), if any.
    fn of_extension(base: &str) -> Option<Format> {
        [
            (".tsv", Format::Tsv),
            (".tab", Format::Tsv),
            (".csv", Format::Csv),
            (".jsonl", Format::Jsonl),
            (".ndjson", Format::Jsonl),
            (".parquet", Format::Parquet),
        ]
        .into_iter()
        .find_map(|(ext, f)| base.ends_with(ext).then_some(f))
    }

    /// Whether a file named for `ext` may hold this format (NOTE_NLP rows are CSV).
    fn fits(self, ext: Format) -> bool {
        self == ext || (self == Format::NoteNlp && ext == Format::Csv)
    }
}

/// How a text table is compressed on its way to the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compress {
    None,
    Gzip,
    Zstd,
}

/// A table's format and compression.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Target {
    pub format: Format,
    pub compress: Compress,
}

/// The format and compression of a table written to `path` (`None` or `-`: stdout).
///
/// `--format` (`given`) wins, but may not contradict the file's extension (`--format csv -o
/// x.tsv` is an error); without it the extension decides, and an extension calcmine does not
/// know keeps `default`. `.gz` and `.zst` compress a text format; Parquet is compressed inside
/// and needs a file. `cmd` writes the formats in `allowed`.
pub fn resolve(
    given: Option<Format>,
    path: Option<&Path>,
    default: Format,
    allowed: &[Format],
    cmd: &str,
) -> Result<Target> {
    let path = path.filter(|p| p.as_os_str() != "-");
    let name = path
        .and_then(|p| p.file_name())
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    let (compress, base) = if let Some(b) = name.strip_suffix(".gz") {
        (Compress::Gzip, b)
    } else if let Some(b) = name.strip_suffix(".zst") {
        (Compress::Zstd, b)
    } else {
        (Compress::None, name.as_str())
    };
    let named = Format::of_extension(base);
    let shown = || path.map_or(String::new(), |p| p.display().to_string());
    if let (Some(g), Some(ext)) = (given, named) {
        if !g.fits(ext) {
            return Err(Error::Usage(format!(
                "--format {} contradicts the name of {} ({}): drop --format, or name the file for it",
                g.name(),
                shown(),
                ext.name()
            )));
        }
    }
    let format = given.or(named).unwrap_or(default);
    if !allowed.contains(&format) {
        let names: Vec<&str> = allowed.iter().map(|f| f.name()).collect();
        return Err(Error::Usage(format!(
            "{cmd} does not write {}{} (its formats: {})",
            format.name(),
            if given.is_none() {
                format!(" (the format {} names)", shown())
            } else {
                String::new()
            },
            names.join(", ")
        )));
    }
    if format == Format::Parquet {
        if path.is_none() {
            return Err(Error::Usage(format!(
                "{cmd} --format parquet needs -o/--out FILE (Parquet is not streamed to stdout)"
            )));
        }
        if compress != Compress::None {
            return Err(Error::Usage(format!(
                "{}: Parquet is compressed inside; name the file .parquet, without .gz or .zst",
                shown()
            )));
        }
    }
    Ok(Target { format, compress })
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALL: &[Format] = &[Format::Tsv, Format::Csv, Format::Jsonl, Format::Parquet];

    fn of(given: Option<Format>, path: &str) -> Result<Target> {
        resolve(given, Some(Path::new(path)), Format::Tsv, ALL, "audit")
    }

    #[test]
    fn the_file_name_chooses_the_format_and_compression() {
        let t = |f, c| Target {
            format: f,
            compress: c,
        };
        assert_eq!(of(None, "a.csv").unwrap(), t(Format::Csv, Compress::None));
        assert_eq!(
            of(None, "A.JSONL").unwrap(),
            t(Format::Jsonl, Compress::None)
        );
        assert_eq!(
            of(None, "a.parquet").unwrap(),
            t(Format::Parquet, Compress::None)
        );
        assert_eq!(
            of(None, "a.tsv.gz").unwrap(),
            t(Format::Tsv, Compress::Gzip)
        );
        assert_eq!(
            of(None, "a.csv.zst").unwrap(),
            t(Format::Csv, Compress::Zstd)
        );
        // an unknown extension keeps the default
        assert_eq!(of(None, "a.txt").unwrap(), t(Format::Tsv, Compress::None));
        assert_eq!(of(None, "a.gz").unwrap(), t(Format::Tsv, Compress::Gzip));
        // --format wins where the name says nothing, and agrees with it otherwise
        assert_eq!(
            of(Some(Format::Csv), "a.out").unwrap(),
            t(Format::Csv, Compress::None)
        );
        assert_eq!(
            of(Some(Format::Csv), "a.csv").unwrap(),
            t(Format::Csv, Compress::None)
        );
        assert_eq!(
            resolve(None, None, Format::Tsv, ALL, "x").unwrap(),
            t(Format::Tsv, Compress::None)
        );
    }

    #[test]
    fn contradictions_and_impossible_tables_are_errors() {
        let err = |r: Result<Target>| r.unwrap_err().to_string();
        assert!(err(of(Some(Format::Csv), "a.tsv")).contains("contradicts"));
        assert!(err(of(Some(Format::Parquet), "a.jsonl.gz")).contains("contradicts"));
        assert!(err(of(None, "a.parquet.gz")).contains("compressed inside"));
        assert!(err(resolve(
            Some(Format::Parquet),
            None,
            Format::Tsv,
            ALL,
            "audit"
        ))
        .contains("--out FILE"));
        // a command that does not write the format the name asks for says so
        let text = &[Format::Tsv, Format::Csv, Format::Jsonl];
        assert!(err(resolve(
            None,
            Some(Path::new("d.parquet")),
            Format::Tsv,
            text,
            "eval"
        ))
        .contains("eval does not write parquet"));
        // NOTE_NLP rows are CSV: a .csv name fits, a .tsv one does not
        let nlp = &[Format::Tsv, Format::NoteNlp];
        let r = resolve(
            Some(Format::NoteNlp),
            Some(Path::new("n.csv")),
            Format::Tsv,
            nlp,
            "extract",
        );
        assert_eq!(r.unwrap().format, Format::NoteNlp);
        assert!(err(resolve(
            Some(Format::NoteNlp),
            Some(Path::new("n.tsv")),
            Format::Tsv,
            nlp,
            "extract"
        ))
        .contains("contradicts"));
    }
}
