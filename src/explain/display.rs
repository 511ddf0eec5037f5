//! Text for a person: resolutions, outcomes, explanations and referral traces.

use std::fmt::{self, Display, Formatter};

use chrono::NaiveDateTime;

use super::{CandidateNote, CandidateVerdict, Explanation, RuleNote, RuleVerdict};
use crate::model::Id;
use crate::resolve::{
    Assignment, Gap, Opening, Outcome, Question, Resolution, Stop, Trace, TraceEnd,
};

/// How many "not matched" rules and candidates an explanation prints before summarising.
const SHOW_MAX: usize = 12;

struct When(NaiveDateTime);

impl Display for When {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0.format("%a %Y-%m-%d %H:%M"))
    }
}

/// `Name [id]`, or just `id` when the name is the id.
struct Named<'a>(&'a Id, &'a Id);

impl Display for Named<'_> {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        if self.0 == self.1 {
            write!(f, "{}", self.0)
        } else {
            write!(f, "{} [{}]", self.1, self.0)
        }
    }
}

fn minutes(m: u32) -> String {
    if m < 60 {
        format!("{m} min")
    } else if m % 60 == 0 {
        format!("{} h", m / 60)
    } else {
        format!("{} h {} min", m / 60, m % 60)
    }
}

impl Display for Resolution {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.outcome)?;
        let e = self.explanation.to_string();
        if !e.is_empty() {
            write!(f, "\n{e}")?;
        }
        Ok(())
    }
}

impl Display for Outcome {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Outcome::Routed(a) => write!(f, "Go to {a}"),
            Outcome::NeedsInfo { questions } => {
                write!(f, "More information is needed before routing:")?;
                for (i, q) in questions.iter().enumerate() {
                    write!(f, "\n  {}. {q}", i + 1)?;
                }
                Ok(())
            }
            Outcome::Escalated { to, gap } => {
                write!(
                    f,
                    "No desk can solve this: {gap}\nEscalated to the duty desk {to}"
                )
            }
            Outcome::NoDesk { gap } => {
                write!(f, "No desk can solve this: {gap}")?;
                if gap.rule.is_some() {
                    match &gap.owner {
                        Some(o) => write!(
                            f,
                            "\n  (no duty desk can be reached up the chain of command of `{o}`)"
                        ),
                        None => write!(f, "\n  (the rule names no owner to escalate to)"),
                    }
                } else {
                    Ok(())
                }
            }
        }
    }
}

impl Display for Assignment {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} at {}",
            Named(&self.desk, &self.desk_name),
            Named(&self.site, &self.site_name)
        )?;
        if let Some(a) = &self.address {
            write!(f, ", {a}")?;
        }
        match self.travel_minutes {
            Some(t) => write!(
                f,
                "\n  cost: {} (travel {} + wait {})",
                minutes(self.cost_minutes),
                minutes(t),
                minutes(self.wait_minutes)
            )?,
            None => write!(
                f,
                "\n  cost: {} (expected wait)",
                minutes(self.cost_minutes)
            )?,
        }
        write!(f, "\n  {}", self.opening)?;
        if !matches!(self.opening, Opening::Open { .. }) || self.hours != "24/7" {
            write!(f, "\n  hours: {}", self.hours)?;
        }
        if !self.bring.is_empty() {
            let items: Vec<&str> = self.bring.iter().map(|b| b.as_str()).collect();
            write!(f, "\n  bring: {}", items.join(", "))?;
        }
        Ok(())
    }
}

impl Display for Opening {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Opening::Unknown => write!(f, "opening hours not checked (no time given)"),
            Opening::Open { arrival } => write!(f, "open when you arrive ({})", When(*arrival)),
            Opening::OpensLater {
                arrival,
                opens,
                reason,
            } => {
                write!(f, "closed when you arrive ({})", When(*arrival))?;
                if let Some(r) = reason {
                    write!(f, ": {r}")?;
                }
                write!(f, "; opens {}", When(*opens))
            }
            Opening::NotSoon { arrival, reason } => {
                write!(f, "closed when you arrive ({})", When(*arrival))?;
                if let Some(r) = reason {
                    write!(f, ": {r}")?;
                }
                write!(f, "; does not open within a year")
            }
        }
    }
}

impl Display for Question {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "{} [{}", self.question, self.fact)?;
        if !self.allowed.is_empty() {
            let allowed: Vec<String> = self.allowed.iter().map(|v| v.to_string()).collect();
            write!(f, ": {}", allowed.join(" / "))?;
        }
        write!(f, "]")
    }
}

impl Display for Gap {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.summary)?;
        if let Some(r) = &self.rule {
            write!(f, " (rule `{r}`)")?;
        }
        Ok(())
    }
}

impl Display for RuleVerdict {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            RuleVerdict::Matched => "matched",
            RuleVerdict::NotMatched => "not matched",
            RuleVerdict::Unknown => "unknown",
        })
    }
}

impl Display for RuleNote {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:<11}  {} (priority {}): {}",
            self.verdict.to_string(),
            self.rule,
            self.priority,
            self.why
        )
    }
}

impl Display for CandidateVerdict {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            CandidateVerdict::Chosen => write!(f, "chosen"),
            CandidateVerdict::MissingCapability => {
                write!(f, "no longer offers the capability (status update)")
            }
            CandidateVerdict::AuthorityTooLow { has, needs } => {
                write!(f, "authority {has}, needs {needs}")
            }
            CandidateVerdict::OutOfScope { unit } => write!(f, "not within unit `{unit}`"),
            CandidateVerdict::WrongSite { site } => write!(f, "not at site `{site}`"),
            CandidateVerdict::WrongLanguage { language } => {
                write!(f, "does not speak `{language}`")
            }
            CandidateVerdict::Unreachable => write!(f, "no known route from your site"),
            CandidateVerdict::Closed { opens, reason } => {
                write!(f, "closed when you arrive")?;
                if let Some(r) = reason {
                    write!(f, ": {r}")?;
                }
                match opens {
                    Some(o) => write!(f, "; opens {}", When(*o)),
                    None => write!(f, "; not open again within a year"),
                }
            }
            CandidateVerdict::HigherCost { cost, best } => {
                write!(
                    f,
                    "costs {} (the chosen desk {})",
                    minutes(*cost),
                    minutes(*best)
                )
            }
            CandidateVerdict::ServesLater { at } => {
                write!(f, "could serve you only at {}", When(*at))
            }
        }
    }
}

impl Display for CandidateNote {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.desk)?;
        if let Some(c) = self.cost_minutes {
            write!(f, " ({})", minutes(c))?;
        }
        write!(f, ": {}", self.verdict)
    }
}

impl Display for Explanation {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        let mut first = true;
        let mut line = |f: &mut Formatter<'_>, s: String| -> fmt::Result {
            if !first {
                writeln!(f)?;
            }
            first = false;
            f.write_str(&s)
        };
        if let Some(r) = &self.rule {
            match &self.rule_description {
                Some(d) => line(f, format!("Why: rule `{r}`: {d}"))?,
                None => line(f, format!("Why: rule `{r}`"))?,
            }
        }
        if !self.rules.is_empty() {
            line(f, "Rules:".to_owned())?;
            let mut hidden = 0usize;
            let mut shown_not_matched = 0usize;
            for n in &self.rules {
                if n.verdict == RuleVerdict::NotMatched {
                    if shown_not_matched >= SHOW_MAX {
                        hidden += 1;
                        continue;
                    }
                    shown_not_matched += 1;
                }
                line(f, format!("  {n}"))?;
            }
            if hidden > 0 {
                line(
                    f,
                    format!("  ... and {hidden} more rules that did not match"),
                )?;
            }
        }
        if !self.candidates.is_empty() {
            line(f, "Desks considered:".to_owned())?;
            for c in self.candidates.iter().take(SHOW_MAX) {
                line(f, format!("  {c}"))?;
            }
            if self.candidates.len() > SHOW_MAX {
                line(
                    f,
                    format!("  ... and {} more desks", self.candidates.len() - SHOW_MAX),
                )?;
            }
        }
        Ok(())
    }
}

impl Display for Stop {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "{} at {}", Named(&self.desk, &self.desk_name), self.site)?;
        let mut parts: Vec<String> = Vec::new();
        match self.travel_minutes {
            Some(0) => {}
            Some(t) => parts.push(format!("travel {}", minutes(t))),
            None => parts.push("travel unknown".to_owned()),
        }
        if let Some(a) = self.arrival {
            parts.push(format!("arrive {}", When(a)));
        }
        if let Some(c) = &self.closed {
            parts.push(format!("closed: {c}"));
        }
        parts.push(format!("wait {}", minutes(self.wait_minutes)));
        if self.can_solve {
            parts.push("solves it".to_owned());
        }
        write!(f, " ({})", parts.join(", "))
    }
}

impl Display for TraceEnd {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            TraceEnd::Solved { desk } => write!(f, "solved at `{desk}`"),
            TraceEnd::Cycle { back_to } => write!(f, "a cycle: sent back to `{back_to}`"),
            TraceEnd::DeadEnd { desk } => {
                write!(
                    f,
                    "a dead end at `{desk}`: it cannot solve it and refers nowhere"
                )
            }
        }
    }
}

impl Display for Trace {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Today's referrals for `{}` from `{}`",
            self.need, self.entry
        )?;
        if self.capability != self.need {
            write!(f, " (solved by capability `{}`)", self.capability)?;
        }
        write!(f, ":")?;
        for (i, s) in self.stops.iter().enumerate() {
            write!(f, "\n  {}. {s}", i + 1)?;
        }
        write!(f, "\nEnds in {}", self.end)?;
        let sites: Vec<&str> = self.sites_visited.iter().map(|s| s.as_str()).collect();
        write!(
            f,
            "\nTotal: {} (travel {} + wait {}); {} stop{}, site{} {}",
            minutes(self.total_minutes),
            minutes(self.travel_minutes),
            minutes(self.wait_minutes),
            self.stops.len(),
            if self.stops.len() == 1 { "" } else { "s" },
            if sites.len() == 1 { "" } else { "s" },
            sites.join(", ")
        )?;
        if self.ends_where_started {
            write!(f, "; ends in the building where it started")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minutes_read_naturally() {
        assert_eq!(minutes(5), "5 min");
        assert_eq!(minutes(60), "1 h");
        assert_eq!(minutes(245), "4 h 5 min");
    }
}
