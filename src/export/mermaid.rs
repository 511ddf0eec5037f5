//! Mermaid flowcharts.

use std::fmt::Write as _;

use super::Path;
use crate::model::Org;
use crate::resolve::Trace;

/// Escape text for a double-quoted Mermaid label (entity codes for quotes and markup).
fn q(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("#quot;"),
            '<' => out.push_str("#lt;"),
            '>' => out.push_str("#gt;"),
            '#' => out.push_str("#35;"),
            '&' => out.push_str("#amp;"),
            '\n' => out.push_str("<br/>"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Label with line breaks: escape each line, join with `<br/>`.
fn lines(parts: &[String]) -> String {
    let escaped: Vec<String> = parts
        .iter()
        .map(|p| {
            let e = q(p);
            e.get(1..e.len().saturating_sub(1))
                .unwrap_or_default()
                .to_owned()
        })
        .collect();
    format!("\"{}\"", escaped.join("<br/>"))
}

/// The organization as a Mermaid flowchart, with `trace` highlighted if given.
///
/// Units are rounded nodes linked parent → child; each site is a subgraph holding its
/// desks; dotted links show which unit staffs a desk; labelled arrows are today's
/// referrals. A trace's stops get the `stop` class (red) and its legs a thick red
/// `linkStyle`. Paste into <https://mermaid.live> or a `mermaid` code block on GitHub
/// (see the [module docs](super)). Nodes get generated ids (`u0`, `s0`, `d0`, in file
/// order), so any id is safe.
///
/// # Complexity
/// Linear in sites, units, desks and referrals.
pub fn mermaid(org: &Org, trace: Option<&Trace>) -> String {
    let path = trace.map(|t| Path::new(org, t));
    let mut s = String::new();
    let title = org.name().unwrap_or("organization");
    let _ = writeln!(s, "flowchart LR");
    let _ = writeln!(s, "  %% rightdesk: {}", title.replace('\n', " "));
    let _ = writeln!(
        s,
        "  %% Render: paste into https://mermaid.live, or a ```mermaid block in GitHub Markdown"
    );
    if let Some(t) = trace {
        let _ = writeln!(
            s,
            "  %% Runaround for `{}` from `{}`: {} stops, {} min",
            t.need.replace('\n', " "),
            t.entry.replace('\n', " "),
            t.stops.len(),
            t.total_minutes
        );
    }
    let mut links = 0usize;
    let mut red_links: Vec<usize> = Vec::new();

    let _ = writeln!(s, "  %% Chain of command");
    for (i, u) in org.units().iter().enumerate() {
        let mut parts = vec![u.name.to_string()];
        if u.name != u.id {
            parts.push(format!("({})", u.id));
        }
        if let Some(d) = &u.duty_desk {
            parts.push(format!("duty desk: {d}"));
        }
        let _ = writeln!(s, "  u{i}({})", lines(&parts));
    }
    for (i, u) in org.units().iter().enumerate() {
        if let Some(p) = u.parent_ix {
            let _ = writeln!(s, "  u{p} --> u{i}");
            links += 1;
        }
    }

    let _ = writeln!(s, "  %% Sites and their desks");
    for (si, site) in org.sites().iter().enumerate() {
        let mut parts = vec![site.name.to_string()];
        if site.name != site.id {
            parts.push(format!("({})", site.id));
        }
        if let Some(a) = &site.address {
            parts.push(a.to_string());
        }
        let _ = writeln!(s, "  subgraph s{si}[{}]", lines(&parts));
        for (di, d) in org.desks().iter().enumerate() {
            if d.site_ix as usize != si {
                continue;
            }
            let mut parts = vec![d.name.to_string()];
            if d.name != d.id {
                parts.push(format!("({})", d.id));
            }
            if !d.capabilities.is_empty() {
                let caps: Vec<&str> = d.capabilities.iter().map(|c| c.as_str()).collect();
                parts.push(format!("[{}]", caps.join(", ")));
            }
            if let Some(st) = path.as_ref().and_then(|p| p.steps.get(&(di as u32))) {
                let nums: Vec<String> = st.iter().map(|n| n.to_string()).collect();
                if let Some(first) = parts.first_mut() {
                    *first = format!("{}. {first}", nums.join(", "));
                }
            }
            let _ = writeln!(s, "    d{di}[{}]", lines(&parts));
        }
        let _ = writeln!(s, "  end");
    }

    let _ = writeln!(s, "  %% Who staffs each desk");
    for (di, d) in org.desks().iter().enumerate() {
        let _ = writeln!(s, "  u{} -.- d{di}", d.unit_ix);
        links += 1;
    }

    let _ = writeln!(s, "  %% Today's referrals");
    let mut drawn: Vec<(u32, u32)> = Vec::new();
    for (di, d) in org.desks().iter().enumerate() {
        let refers_ix = org.refers_ix(di as u32);
        for (&(_, to), (need, _)) in refers_ix.iter().zip(d.refers.iter()) {
            let on_path = path
                .as_ref()
                .filter(|p| p.need == need)
                .and_then(|p| p.leg(di as u32, to));
            let label = match on_path {
                Some(leg) => {
                    drawn.push((di as u32, to));
                    red_links.push(links);
                    lines(&[need.to_string(), leg.to_owned()])
                }
                None => q(need),
            };
            let _ = writeln!(s, "  d{di} -->|{label}| d{to}");
            links += 1;
        }
    }
    if let Some(p) = &path {
        for ((a, b), leg) in p.legs.iter().filter(|(k, _)| !drawn.contains(k)) {
            let _ = writeln!(s, "  d{a} -.->|{}| d{b}", q(leg));
            red_links.push(links);
            links += 1;
        }
        let mut stops: Vec<u32> = p.steps.keys().copied().collect();
        stops.sort_unstable();
        if !stops.is_empty() {
            let _ = writeln!(
                s,
                "  classDef stop fill:#ffd6d6,stroke:#cc0000,stroke-width:2px"
            );
            let ids: Vec<String> = stops.iter().map(|d| format!("d{d}")).collect();
            let _ = writeln!(s, "  class {} stop", ids.join(","));
        }
        if !red_links.is_empty() {
            let nums: Vec<String> = red_links.iter().map(|n| n.to_string()).collect();
            let _ = writeln!(
                s,
                "  linkStyle {} stroke:#cc0000,stroke-width:3px,color:#cc0000",
                nums.join(",")
            );
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::{lines, q};

    #[test]
    fn labels_escape() {
        assert_eq!(q(r#"a "b" <c> #1"#), "\"a #quot;b#quot; #lt;c#gt; #35;1\"");
        assert_eq!(lines(&["a".into(), "b\"".into()]), "\"a<br/>b#quot;\"");
    }
}
