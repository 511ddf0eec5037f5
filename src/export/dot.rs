//! Graphviz DOT.

use std::fmt::Write as _;

use super::Path;
use crate::model::Org;
use crate::resolve::Trace;

/// Escape text for a double-quoted DOT string.
fn q(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `Name\n(id)`, or just the id when the name is the id.
fn label(name: &str, id: &str) -> String {
    if name == id {
        id.to_owned()
    } else {
        format!("{name}\n({id})")
    }
}

/// The organization as a Graphviz DOT digraph, with `trace` highlighted if given.
///
/// Units (chain of command) are rounded grey boxes; each site is a cluster holding its
/// desks; dotted lines show which unit staffs a desk; blue arrows are today's referrals,
/// labelled with the need. A trace's stops are numbered and filled red, its legs thick
/// red. Render with `dot -Tsvg org.dot -o org.svg` (see the [module docs](super)).
///
/// # Complexity
/// Linear in sites, units, desks and referrals.
pub fn dot(org: &Org, trace: Option<&Trace>) -> String {
    let path = trace.map(|t| Path::new(org, t));
    let mut s = String::new();
    let title = org.name().unwrap_or("organization");
    let _ = writeln!(s, "// rightdesk: {}", title.replace('\n', " "));
    let _ = writeln!(s, "// Render: dot -Tsvg org.dot -o org.svg");
    let _ = writeln!(s, "digraph {} {{", q(title));
    let mut graph_label = title.to_owned();
    if let Some(t) = trace {
        let _ = write!(
            graph_label,
            "\nrunaround for `{}` from `{}`: {} stops, {} min",
            t.need,
            t.entry,
            t.stops.len(),
            t.total_minutes
        );
    }
    let _ = writeln!(
        s,
        "  graph [rankdir=LR, compound=true, fontname=\"Helvetica\", labelloc=t, label={}];",
        q(&graph_label)
    );
    let _ = writeln!(
        s,
        "  node [fontname=\"Helvetica\", fontsize=10, shape=box];"
    );
    let _ = writeln!(s, "  edge [fontname=\"Helvetica\", fontsize=9];");

    let _ = writeln!(s, "\n  // Chain of command");
    let _ = writeln!(
        s,
        "  subgraph \"cluster_units\" {{\n    label=\"Chain of command\"; style=dashed; color=\"#999999\";"
    );
    for u in org.units() {
        let mut l = label(&u.name, &u.id);
        if let Some(d) = &u.duty_desk {
            let _ = write!(l, "\nduty desk: {d}");
        }
        let _ = writeln!(
            s,
            "    {} [label={}, style=\"rounded,filled\", fillcolor=\"#eeeeee\"];",
            q(&format!("unit:{}", u.id)),
            q(&l)
        );
    }
    let _ = writeln!(s, "  }}");
    for u in org.units() {
        if let Some(p) = &u.parent {
            let _ = writeln!(
                s,
                "  {} -> {};",
                q(&format!("unit:{p}")),
                q(&format!("unit:{}", u.id))
            );
        }
    }

    let _ = writeln!(s, "\n  // Sites and their desks");
    for (si, site) in org.sites().iter().enumerate() {
        let mut l = site.name.to_string();
        if site.name != site.id {
            let _ = write!(l, " ({})", site.id);
        }
        if let Some(a) = &site.address {
            let _ = write!(l, "\n{a}");
        }
        let _ = writeln!(
            s,
            "  subgraph {} {{\n    label={}; style=rounded; color=\"#4477aa\";",
            q(&format!("cluster_site:{}", site.id)),
            q(&l)
        );
        for (di, d) in org.desks().iter().enumerate() {
            if d.site_ix as usize != si {
                continue;
            }
            let mut l = label(&d.name, &d.id);
            if !d.capabilities.is_empty() {
                let caps: Vec<&str> = d.capabilities.iter().map(|c| c.as_str()).collect();
                let _ = write!(l, "\n[{}]", caps.join(", "));
            }
            let steps = path.as_ref().and_then(|p| p.steps.get(&(di as u32)));
            let style = match steps {
                Some(st) => {
                    let nums: Vec<String> = st.iter().map(|n| n.to_string()).collect();
                    l = format!("{}. {l}", nums.join(", "));
                    ", style=filled, fillcolor=\"#ffd6d6\", color=\"#cc0000\", penwidth=2"
                }
                None => "",
            };
            let _ = writeln!(
                s,
                "    {} [label={}{style}];",
                q(&format!("desk:{}", d.id)),
                q(&l)
            );
        }
        let _ = writeln!(s, "  }}");
    }

    let _ = writeln!(s, "\n  // Who staffs each desk");
    for d in org.desks() {
        let _ = writeln!(
            s,
            "  {} -> {} [style=dotted, color=\"#999999\", arrowhead=none];",
            q(&format!("unit:{}", d.unit)),
            q(&format!("desk:{}", d.id))
        );
    }

    let _ = writeln!(s, "\n  // Today's referrals");
    let mut drawn: Vec<(u32, u32)> = Vec::new();
    for (di, d) in org.desks().iter().enumerate() {
        let refers_ix = org.refers_ix(di as u32);
        for (&(_, to), (need, to_id)) in refers_ix.iter().zip(d.refers.iter()) {
            let on_path = path
                .as_ref()
                .filter(|p| p.need == need)
                .and_then(|p| p.leg(di as u32, to));
            let attrs = match on_path {
                Some(leg) => {
                    drawn.push((di as u32, to));
                    format!(
                        "label={}, color=\"#cc0000\", fontcolor=\"#cc0000\", penwidth=3",
                        q(&format!("{need}\n{leg}"))
                    )
                }
                None => format!(
                    "label={}, color=\"#1f77b4\", fontcolor=\"#1f77b4\"",
                    q(need)
                ),
            };
            let _ = writeln!(
                s,
                "  {} -> {} [{attrs}];",
                q(&format!("desk:{}", d.id)),
                q(&format!("desk:{to_id}"))
            );
        }
    }
    if let Some(p) = &path {
        let extra: Vec<&((u32, u32), String)> =
            p.legs.iter().filter(|(k, _)| !drawn.contains(k)).collect();
        if !extra.is_empty() {
            let _ = writeln!(s, "\n  // Legs of the runaround that are not referrals");
        }
        for ((a, b), leg) in extra {
            let (Some(x), Some(y)) = (org.desks().get(*a as usize), org.desks().get(*b as usize))
            else {
                continue;
            };
            let _ = writeln!(
                s,
                "  {} -> {} [label={}, color=\"#cc0000\", fontcolor=\"#cc0000\", penwidth=3, style=dashed];",
                q(&format!("desk:{}", x.id)),
                q(&format!("desk:{}", y.id)),
                q(leg)
            );
        }
    }
    s.push_str("}\n");
    s
}

#[cfg(test)]
mod tests {
    use super::q;

    #[test]
    fn quotes_escape() {
        assert_eq!(q(r#"a "b" \c"#), r#""a \"b\" \\c""#);
        assert_eq!(q("x\ny"), r#""x\ny""#);
    }
}
