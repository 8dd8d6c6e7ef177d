//! `calcmine lexicon check|dump`.

use std::path::PathBuf;

use clap::Subcommand;

use super::LexiconArgs;
use crate::error::Result;
use crate::lexicon::{Lexicon, LexiconOptions};

#[derive(Subcommand, Debug)]
pub enum LexiconCmd {
    /// Validate lexicon files and report every mistake with file and line. Without DIR, checks
    /// the bundled lexicon.
    Check {
        /// A directory of lexicon files (checked on top of the bundled ones, as --lexicons would).
        dir: Option<PathBuf>,
        /// Check DIR alone, without the bundled files.
        #[arg(long, requires = "dir")]
        no_default_lexicons: bool,
    },
    /// Print the effective lexicon (bundled plus --lexicons / --targets) as JSON.
    Dump {
        #[command(flatten)]
        lexicon: LexiconArgs,
    },
}

pub fn run(c: LexiconCmd) -> Result<u8> {
    match c {
        LexiconCmd::Check {
            dir,
            no_default_lexicons,
        } => {
            let lex = Lexicon::load(&LexiconOptions {
                dir,
                no_defaults: no_default_lexicons,
                ..Default::default()
            })?;
            let terms: usize = lex.targets.iter().map(|t| t.terms.len()).sum();
            println!(
                "ok: {} files, {} targets ({} terms), {} exclusions, {} triggers, {} sections; digest {}",
                lex.files.len(),
                lex.targets.len(),
                terms,
                lex.excludes.len(),
                lex.triggers.len(),
                lex.sections.len(),
                lex.digest()
            );
            Ok(0)
        }
        LexiconCmd::Dump { lexicon } => {
            let lex = lexicon.load()?;
            let mut v = serde_json::to_value(&lex).map_err(|e| super::usage(e.to_string()))?;
            if let Some(o) = v.as_object_mut() {
                o.insert("digest".into(), serde_json::Value::String(lex.digest()));
            }
            println!(
                "{}",
                serde_json::to_string_pretty(&v).map_err(|e| super::usage(e.to_string()))?
            );
            Ok(0)
        }
    }
}
