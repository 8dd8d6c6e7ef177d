//! `calcmine lexicon check|dump`.

use std::path::PathBuf;

use clap::Subcommand;

use super::args::LexiconArgs;
use calcmine_core::error::Result;
use calcmine_core::lexicon::{Lexicon, LexiconOptions};

#[derive(Subcommand, Debug)]
pub enum LexiconCmd {
    /// Validate lexicon files and report every mistake with file and line. Without DIR, checks
    /// the bundled lexicon.
    #[command(
        after_help = "Exit status: 0 when the lexicon is valid (a summary line counts each family), 2 when it is not (every mistake named with file and line)."
    )]
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
            super::args::print_line(&format!("ok: {}", check_summary(&lex)))?;
            Ok(0)
        }
        LexiconCmd::Dump { lexicon } => {
            let lex = lexicon.load()?;
            let mut v =
                serde_json::to_value(&lex).map_err(|e| super::args::usage(e.to_string()))?;
            if let Some(o) = v.as_object_mut() {
                o.insert("digest".into(), serde_json::Value::String(lex.digest()));
            }
            super::args::print_line(
                &serde_json::to_string_pretty(&v).map_err(|e| super::args::usage(e.to_string()))?,
            )?;
            Ok(0)
        }
    }
}

/// The `lexicon check` summary: the number of files and of entries in every family, so a user
/// who added entries sees them counted (and a family that did not load shows 0).
fn check_summary(lex: &Lexicon) -> String {
    let terms: usize = lex.targets.iter().map(|t| t.terms.len()).sum();
    format!(
        "{} files, {} targets ({} terms), {} exclusions, {} triggers, {} sections, \
         {} anatomy, {} descriptors, {} causes, {} conditions, {} labs, {} mechanism rules, \
         {} work-up rules, {} suppressors, {} recommendations; digest {}",
        lex.files.len(),
        lex.targets.len(),
        terms,
        lex.excludes.len(),
        lex.triggers.len(),
        lex.sections.len(),
        lex.anatomy.len(),
        lex.descriptors.len(),
        lex.causes.len(),
        lex.conditions.len(),
        lex.labs.len(),
        lex.mechanism_rules.len(),
        lex.workup_rules.len(),
        lex.suppressors.len(),
        lex.recommendations.len(),
        lex.digest()
    )
}
