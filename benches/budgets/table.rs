//! Samples, their median and p99, and the one table the bench prints.

use std::time::Duration;

/// Durations measured for one figure.
#[derive(Debug, Clone, Default)]
pub struct Samples(pub Vec<Duration>);

impl Samples {
    pub fn push(&mut self, d: Duration) {
        self.0.push(d);
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    fn sorted(&self) -> Vec<Duration> {
        let mut v = self.0.clone();
        v.sort();
        v
    }

    /// The sample at quantile `q` (nearest rank); zero when empty.
    pub fn quantile(&self, q: f64) -> Duration {
        let v = self.sorted();
        if v.is_empty() {
            return Duration::ZERO;
        }
        let rank = ((q * v.len() as f64).ceil() as usize).clamp(1, v.len());
        v[rank - 1]
    }

    pub fn median(&self) -> Duration {
        self.quantile(0.5)
    }

    pub fn p99(&self) -> Duration {
        self.quantile(0.99)
    }

    pub fn max(&self) -> Duration {
        self.0.iter().copied().max().unwrap_or_default()
    }
}

/// Milliseconds with two decimals.
pub fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

pub fn mib(bytes: u64) -> String {
    format!("{:.1} MiB", bytes as f64 / 1_048_576.0)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Pass,
    Fail,
    /// Not measured in this run (not built, or the measurement failed): the note says why.
    Skip,
}

/// One line of the table: one budget.
#[derive(Debug, Clone)]
pub struct Row {
    pub figure: String,
    pub measured: String,
    pub budget: String,
    pub reference: String,
    pub verdict: Verdict,
    pub note: String,
}

impl Row {
    pub fn new(figure: &str, measured: String, budget: &str, reference: String, pass: bool) -> Row {
        let verdict = if pass { Verdict::Pass } else { Verdict::Fail };
        Row { figure: figure.into(), measured, budget: budget.into(), reference, verdict, note: String::new() }
    }

    pub fn skip(figure: &str, budget: &str, why: String) -> Row {
        Row {
            figure: figure.into(),
            measured: "not measured".into(),
            budget: budget.into(),
            reference: "—".into(),
            verdict: Verdict::Skip,
            note: why,
        }
    }

    pub fn note(mut self, note: impl Into<String>) -> Row {
        self.note = note.into();
        self
    }
}

/// The table as Markdown (it goes into docs/performance.md as it is), notes numbered below it,
/// and the count of budgets met.
pub fn render(rows: &[Row]) -> String {
    let mut out =
        String::from("| figure | measured | budget | same-run reference | result |\n| --- | --- | --- | --- | --- |\n");
    let mut notes = Vec::new();
    for r in rows {
        let mark = if r.note.is_empty() {
            String::new()
        } else {
            notes.push(r.note.clone());
            format!(" [{}]", notes.len())
        };
        let verdict = match r.verdict {
            Verdict::Pass => "pass",
            Verdict::Fail => "**FAIL**",
            Verdict::Skip => "not measured",
        };
        out.push_str(&format!(
            "| {}{mark} | {} | {} | {} | {verdict} |\n",
            r.figure, r.measured, r.budget, r.reference
        ));
    }
    out.push('\n');
    for (i, n) in notes.iter().enumerate() {
        out.push_str(&format!("[{}] {n}\n", i + 1));
    }
    let met = rows.iter().filter(|r| r.verdict == Verdict::Pass).count();
    let unmeasured = rows.iter().filter(|r| r.verdict == Verdict::Skip).count();
    out.push_str(&format!("\n{met} of {} budgets met", rows.len()));
    if unmeasured > 0 {
        out.push_str(&format!(" ({unmeasured} not measured)"));
    }
    out.push('\n');
    out
}
